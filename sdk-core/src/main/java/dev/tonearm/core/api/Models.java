package dev.tonearm.core.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Argument checks shared by the JSON model constructors. */
final class Models {
  private Models() {}

  static String requireText(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("missing field: " + field);
    }
    return value;
  }

  static <T> T requirePresent(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("missing field: " + field);
    }
    return value;
  }

  /** Returns an unmodifiable copy of {@code values}, or an empty list for null. */
  static <T> List<T> copyOf(List<T> values, String field) {
    if (values == null) {
      return Collections.emptyList();
    }
    List<T> copy = new ArrayList<>(values.size());
    for (T value : values) {
      if (value == null) {
        throw new IllegalArgumentException("null element in " + field);
      }
      copy.add(value);
    }
    return Collections.unmodifiableList(copy);
  }
}
