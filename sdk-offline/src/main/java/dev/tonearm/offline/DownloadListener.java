package dev.tonearm.offline;

/**
 * Receives download events on the SDK's event thread, in order. Every method has an empty default.
 */
public interface DownloadListener {
  /** The download changed state; a FAILED download carries its reason. */
  default void onDownloadChanged(Download download) {}

  /** More verified bytes were written; called once per chunk. */
  default void onDownloadProgress(Download download) {}

  /** The download and its files were removed. */
  default void onDownloadRemoved(String trackId) {}
}
