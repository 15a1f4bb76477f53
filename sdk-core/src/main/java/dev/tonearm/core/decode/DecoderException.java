package dev.tonearm.core.decode;

import java.io.IOException;

/**
 * A decoding failure with a stable {@link Reason} code. Messages name the offending value and the
 * expected bound; they never contain key material or user data.
 */
public class DecoderException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Stable reason codes; names are part of the public API and of the CLI's error output. */
  public enum Reason {
    /** The bytes do not start with a container or codec this SDK decodes. */
    UNSUPPORTED_FORMAT,
    /** A stream parameter is valid but outside what this decoder handles. */
    UNSUPPORTED_FEATURE,
    /** A stream or codec header is malformed. */
    BAD_HEADER,
    /** Audio data is malformed (bad CRC, invalid code, impossible value). */
    CORRUPT_DATA,
    /** The stream ends before its headers or declared length are complete. */
    TRUNCATED,
    /** A value derived from the stream exceeds a limit that the format allows. */
    LIMIT_EXCEEDED,
    /** Seek requested on a stream or source that cannot seek. */
    SEEK_UNSUPPORTED,
    /** Seek target outside the stream. */
    SEEK_OUT_OF_RANGE,
    /** Reading the underlying source failed. */
    IO_ERROR,
    /** Codec code failed unexpectedly; the cause holds the original exception. */
    INTERNAL_ERROR
  }

  private final Reason reason;

  public DecoderException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public DecoderException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The stable reason code. */
  public Reason reason() {
    return reason;
  }
}
