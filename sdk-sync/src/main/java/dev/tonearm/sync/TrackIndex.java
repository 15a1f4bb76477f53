package dev.tonearm.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Index behind the "concurrent add and remove of the same track ends removed" rule of {@link
 * PlaylistCrdt}: per track, the entries and the last remove of each replica.
 *
 * <p>Both queries use the fact that a replica's operations are applied in counter order and that an
 * operation has seen exactly the operations of replica q up to its dependency counter for q. So the
 * entries of a track that a remove has not seen form a suffix of each replica's list, and an add
 * has missed some remove of its track exactly when it missed the last one of some replica. Each
 * query costs O(replicas) plus the entries it returns, never a scan of all entries.
 *
 * <p>Confined to the owning {@link PlaylistCrdt}.
 */
final class TrackIndex {
  private static final class Track {
    /** Entries of the track per replica, in counter order. */
    final Map<ReplicaLog, List<Item>> entries = new IdentityHashMap<>(2);

    /** Counter of the last remove of the track per replica. */
    final Map<ReplicaLog, Integer> lastRemove = new IdentityHashMap<>(2);
  }

  private final Map<String, Track> tracks = new HashMap<>();

  void addEntry(Item entry) {
    track(entry.trackId)
        .entries
        .computeIfAbsent(entry.replica, key -> new ArrayList<>(2))
        .add(entry);
  }

  void addRemove(OpRecord.Remove remove) {
    track(remove.entry.trackId).lastRemove.put(remove.replica, remove.counter);
  }

  /** Returns whether {@code entry}'s add has missed an applied remove of its track. */
  boolean missedARemove(Item entry) {
    Track track = tracks.get(entry.trackId);
    if (track == null) {
      return false;
    }
    for (Map.Entry<ReplicaLog, Integer> last : track.lastRemove.entrySet()) {
      if (!seen(entry, last.getKey(), last.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** Calls {@code action} for each entry of the remove's track that the remove has not seen. */
  void forEachUnseenEntry(OpRecord.Remove remove, java.util.function.Consumer<Item> action) {
    Track track = tracks.get(remove.entry.trackId);
    for (Map.Entry<ReplicaLog, List<Item>> perReplica : track.entries.entrySet()) {
      List<Item> entries = perReplica.getValue();
      int first = firstUnseen(remove, perReplica.getKey(), entries);
      for (int i = first; i < entries.size(); i++) {
        action.accept(entries.get(i));
      }
    }
  }

  private Track track(String trackId) {
    return tracks.computeIfAbsent(trackId, key -> new Track());
  }

  private static boolean seen(OpRecord by, ReplicaLog replica, int counter) {
    if (replica == by.replica) {
      return counter < by.counter;
    }
    return by.deps.get(replica.id) >= counter;
  }

  /** Returns the index of the first entry in {@code entries} that {@code by} has not seen. */
  private static int firstUnseen(OpRecord by, ReplicaLog replica, List<Item> entries) {
    long seenThrough = replica == by.replica ? by.counter - 1 : by.deps.get(replica.id);
    int low = 0;
    int high = entries.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (entries.get(middle).counter <= seenThrough) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
