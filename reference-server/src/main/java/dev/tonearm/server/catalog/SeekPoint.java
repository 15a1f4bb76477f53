package dev.tonearm.server.catalog;

/**
 * One seek-index entry. Immutable.
 *
 * @param frame a frame position at the rendition's own sample rate
 * @param byteOffset start of an Ogg page or FLAC frame from which decoding reaches {@code frame};
 *     the first sample completed there is at or before {@code frame}
 */
public record SeekPoint(long frame, long byteOffset) {}
