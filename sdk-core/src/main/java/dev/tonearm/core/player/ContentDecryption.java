package dev.tonearm.core.player;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.decode.ByteSource;

/**
 * Decryption stage for encrypted renditions. It sits between the verified chunks of a track and its
 * decoder: the chunk layer checks each chunk's SHA-256 over the ciphertext, and the decoder reads
 * the plaintext that this stage returns.
 *
 * <p>The player calls {@link #open} once for each track whose chosen rendition has an {@code
 * encryption} field, before its decoder reads anything. A {@link Player} built without a decryption
 * stage fails such tracks with {@link PlaybackException#ERROR_ENCRYPTION_UNSUPPORTED}.
 *
 * <p>Threading: {@link #open} runs on the playback thread when a track starts without prefetch, and
 * on a loader thread when the next track is prefetched, so two calls may overlap. It may block on
 * network I/O, for example for a licence request. Implementations are thread-safe. The returned
 * source is read by the playback thread only.
 */
public interface ContentDecryption {
  /**
   * Returns a source that reads the plaintext of {@code ciphertext}, the rendition's object as the
   * chunk layer delivers it.
   *
   * <p>The returned source must report the positions and length of {@code ciphertext} and seek to
   * the same offsets, as a stream cipher such as AES-CTR allows, because seek indexes and decoders
   * address the object by byte offset. Closing it must close {@code ciphertext}.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_ENCRYPTION_UNSUPPORTED} for a scheme
   *     the stage does not implement, {@link PlaybackException#ERROR_MANIFEST_INVALID} for
   *     malformed parameters, an {@code ERROR_DRM_...} reason when no usable key can be obtained,
   *     or a transport reason such as {@link PlaybackException#ERROR_NETWORK}
   */
  ByteSource open(Manifest manifest, Rendition rendition, ByteSource ciphertext)
      throws PlaybackException;
}
