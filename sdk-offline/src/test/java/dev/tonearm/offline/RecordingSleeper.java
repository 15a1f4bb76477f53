package dev.tonearm.offline;

import java.util.ArrayList;
import java.util.List;

/** A {@link RetrySleeper} that records each requested delay and returns at once. */
public final class RecordingSleeper implements RetrySleeper {
  private final List<Long> delaysMs = new ArrayList<>();

  @Override
  public synchronized void sleep(long delayMs) {
    delaysMs.add(delayMs);
  }

  public synchronized List<Long> delaysMs() {
    return new ArrayList<>(delaysMs);
  }
}
