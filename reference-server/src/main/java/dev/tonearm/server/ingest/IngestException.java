package dev.tonearm.server.ingest;

import java.util.Objects;

/** An ingest rejection with a stable {@link Reason} code. The message names the offending value. */
public class IngestException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Stable reason codes; the {@code ingest} command prints them as {@code error: REASON: ...}. */
  public enum Reason {
    /** The file cannot be read. */
    UNREADABLE,
    /** The file has no bytes. */
    EMPTY,
    /** The bytes are not Ogg Vorbis, FLAC or PCM WAV. */
    UNSUPPORTED_FORMAT,
    /** The container is recognized but the audio cannot be decoded. */
    CORRUPT,
    /** The file ends before its declared length. */
    TRUNCATED,
    /** Shorter than {@link IngestLimits#MIN_DURATION_MS}. */
    TOO_SHORT,
    /** Sample rate outside {@link IngestLimits#MIN_SAMPLE_RATE_HZ} to {@link
     * IngestLimits#MAX_SAMPLE_RATE_HZ}. */
    UNSUPPORTED_SAMPLE_RATE,
    /** More than {@link IngestLimits#MAX_CHANNELS} channels. */
    UNSUPPORTED_CHANNELS,
    /** A tool needed for this file ({@code oggdec}, {@code flac}) is not on the PATH. */
    TOOL_UNAVAILABLE,
    /** An encoder or decoder tool failed or timed out. */
    TOOL_FAILED
  }

  private final Reason reason;

  public IngestException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public IngestException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The stable reason code. */
  public Reason reason() {
    return reason;
  }
}
