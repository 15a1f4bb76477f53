package dev.tonearm.core.audio;

import java.util.Arrays;

/** A growable array of primitive doubles. Not thread-safe. */
final class DoubleList {
  private double[] values = new double[64];
  private int size;

  void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = value;
  }

  double get(int index) {
    return values[index];
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }
}
