package dev.tonearm.testing;

import java.util.ArrayList;
import java.util.List;

/** An ordered, thread-safe list of test events such as {@code "header t-b"}. */
public final class EventLog {
  private final List<String> events = new ArrayList<>();

  public synchronized void add(String event) {
    events.add(event);
  }

  public synchronized List<String> snapshot() {
    return new ArrayList<>(events);
  }

  /** Index of the first event equal to {@code event}, or -1. */
  public synchronized int indexOf(String event) {
    return events.indexOf(event);
  }
}
