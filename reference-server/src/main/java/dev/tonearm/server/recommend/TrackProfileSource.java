package dev.tonearm.server.recommend;

import java.util.List;

/** Supplies the tracks that may be recommended. Implementations are thread-safe. */
@FunctionalInterface
public interface TrackProfileSource {
  /** Returns the current profiles, one per track id, in a stable order. */
  List<TrackProfile> profiles();
}
