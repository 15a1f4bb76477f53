package dev.tonearm.offline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keys delivered by the server with the licence that now covers every key on the device. Immutable.
 */
public final class KeyGrant {
  private final List<DeviceKey> keys;
  private final LicenceTerms terms;
  private final List<String> droppedTrackIds;

  /**
   * @param keys the delivered keys
   * @param terms the device's licence after this online check
   * @param droppedTrackIds tracks the device reported but may no longer hold (refresh only)
   */
  public KeyGrant(List<DeviceKey> keys, LicenceTerms terms, List<String> droppedTrackIds) {
    if (terms == null) {
      throw new NullPointerException("terms");
    }
    this.keys = Collections.unmodifiableList(new ArrayList<>(keys));
    this.terms = terms;
    this.droppedTrackIds = Collections.unmodifiableList(new ArrayList<>(droppedTrackIds));
  }

  public List<DeviceKey> keys() {
    return keys;
  }

  public LicenceTerms terms() {
    return terms;
  }

  public List<String> droppedTrackIds() {
    return droppedTrackIds;
  }
}
