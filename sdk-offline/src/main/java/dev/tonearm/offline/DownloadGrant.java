package dev.tonearm.offline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A successful download authorisation: one object per authorised track. It carries no keys, which
 * come from {@link AuthorisationClient#requestKeys} after each download. Immutable.
 */
public final class DownloadGrant {
  private final List<GrantedObject> objects;
  private final int heldTracks;
  private final int maxTracks;

  /**
   * @param objects the authorised objects
   * @param heldTracks tracks the server now counts on this device
   * @param maxTracks the device's track limit
   */
  public DownloadGrant(List<GrantedObject> objects, int heldTracks, int maxTracks) {
    this.objects = Collections.unmodifiableList(new ArrayList<>(objects));
    this.heldTracks = heldTracks;
    this.maxTracks = maxTracks;
  }

  public List<GrantedObject> objects() {
    return objects;
  }

  public int heldTracks() {
    return heldTracks;
  }

  public int maxTracks() {
    return maxTracks;
  }
}
