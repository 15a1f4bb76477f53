package dev.tonearm.core.player;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.decode.ByteSource;

/**
 * Tracks stored on the device for playback without network, such as offline downloads. A {@link
 * Player} with an offline source asks it first for every track it prepares. A stored track plays
 * from the returned source with no manifest request, no edge request and no use of the streaming
 * cache; any other track streams as usual.
 *
 * <p>Threading: {@link #open} runs on the playback thread, or on a loader thread when the next
 * track is prefetched, so two calls may overlap. Implementations are thread-safe. The returned
 * source is read by the playback thread only.
 */
public interface OfflineSource {
  /**
   * Opens the stored copy of {@code trackId}, or returns null when the track is not stored or not
   * playable offline now, so the player streams it.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_OFFLINE_STORAGE} when the track is
   *     stored but its file, manifest or key cannot be read, or an {@code ERROR_DRM_...} reason
   *     when its key cannot be used
   */
  StoredTrack open(String trackId) throws PlaybackException;

  /**
   * A stored track: its manifest, the rendition that was stored and a source of that rendition's
   * plaintext. The source reports the positions and length of the stored object and seeks to the
   * same offsets, because seek indexes address the object by byte offset. Closing it releases the
   * stored object. Immutable apart from the source.
   */
  final class StoredTrack {
    private final Manifest manifest;
    private final Rendition rendition;
    private final ByteSource plaintext;

    /**
     * @param rendition one of {@code manifest}'s renditions
     * @param plaintext the decoder's view of the stored object
     */
    public StoredTrack(Manifest manifest, Rendition rendition, ByteSource plaintext) {
      if (manifest == null || rendition == null || plaintext == null) {
        throw new NullPointerException("manifest, rendition and plaintext are required");
      }
      this.manifest = manifest;
      this.rendition = rendition;
      this.plaintext = plaintext;
    }

    public Manifest manifest() {
      return manifest;
    }

    public Rendition rendition() {
      return rendition;
    }

    public ByteSource plaintext() {
      return plaintext;
    }
  }
}
