package dev.tonearm.core.sink;

import java.io.IOException;

/**
 * A failure of an {@link AudioSink} with a stable {@link Reason} code. Messages name the format or
 * file involved and what to do next.
 */
public class AudioSinkException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Stable reason codes; names are part of the public API and of the CLI's error output. */
  public enum Reason {
    /** This machine has no audio output device, or none that plays the requested format. */
    NO_DEVICE,
    /** A device exists but could not be opened, for example because another program uses it. */
    DEVICE_UNAVAILABLE,
    /** The sink cannot represent the format, for example a byte rate beyond the file format. */
    UNSUPPORTED_FORMAT,
    /** The format changed while the sink was set to reject format changes. */
    FORMAT_CHANGE_REJECTED,
    /** The output would exceed a size limit of its container, such as 4 GiB for RIFF/WAVE. */
    SIZE_LIMIT_EXCEEDED,
    /** Writing to the file or device failed. The cause is the original exception. */
    IO_ERROR
  }

  private final Reason reason;

  public AudioSinkException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public AudioSinkException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Returns the stable reason code. */
  public Reason reason() {
    return reason;
  }
}
