package dev.tonearm.offline;

/**
 * Receives each {@link Checkpoint} on the thread that performed the step, synchronously, for
 * diagnostics and fault-injection tests. It may block; the pipeline waits. Do not call the offline
 * API from it.
 */
@FunctionalInterface
public interface CheckpointObserver {
  CheckpointObserver NONE = (checkpoint, trackId) -> {};

  /**
   * Called after a durable step.
   *
   * @param trackId the track concerned, or null for steps that concern the whole index
   */
  void onCheckpoint(Checkpoint checkpoint, String trackId);
}
