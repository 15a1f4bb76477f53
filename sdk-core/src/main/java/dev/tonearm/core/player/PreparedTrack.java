package dev.tonearm.core.player;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.source.TrackStream;

/**
 * A queue entry on its way to playback: manifest, chosen rendition, stream, the source that the
 * decoder reads (the stream's own, or a decrypting one over it) and decoder.
 *
 * <p>Threading: a loader thread fills {@link #manifest}, {@link #rendition}, {@link #source} and
 * then {@link #stream}, or {@link #error}. These fields are volatile because the playback thread
 * may poll them before the loader thread's completion command arrives, and {@link #stream} is
 * written last, so a reader that sees it also sees the manifest, rendition and source. {@link
 * #decoder} and {@link #format} belong to the playback thread.
 */
final class PreparedTrack {
  final String trackId;
  final int queueIndex;
  final int generation;

  volatile Manifest manifest;
  volatile Rendition rendition;
  volatile ByteSource source;
  volatile TrackStream stream;
  volatile PlaybackException error;

  Decoder decoder;
  PcmFormat format;

  PreparedTrack(String trackId, int queueIndex, int generation) {
    this.trackId = trackId;
    this.queueIndex = queueIndex;
    this.generation = generation;
  }

  boolean hasStream() {
    return stream != null;
  }

  @Override
  public String toString() {
    return "PreparedTrack{" + trackId + " at " + queueIndex + "}";
  }
}
