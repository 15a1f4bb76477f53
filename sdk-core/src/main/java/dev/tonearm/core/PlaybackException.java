package dev.tonearm.core;

import java.io.IOException;

/**
 * A failure in streaming or playback with a stable reason code ({@code ERROR_...}).
 *
 * <p>Reason codes are part of the public API: applications switch on them, and the CLI prints
 * them. HTTP failures also carry the status and the server's error code from the body
 * {@code {"error":{"code":...}}}. Messages name the failing request or value. They never contain
 * access tokens, refresh tokens or passwords.
 *
 * <p>Instances are immutable and may be passed between threads.
 */
public class PlaybackException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Connecting, sending or receiving failed, or a response ended early. */
  public static final String ERROR_NETWORK = "ERROR_NETWORK";

  /** A chunk did not arrive in full within the chunk timeout. */
  public static final String ERROR_TIMEOUT = "ERROR_TIMEOUT";

  /**
   * Authentication failed: the credentials were rejected, the refresh token was rejected, no
   * session exists, or a request was still rejected with 401 after one token refresh.
   */
  public static final String ERROR_AUTH_FAILED = "ERROR_AUTH_FAILED";

  /** The server rejected the request as malformed (HTTP 400). */
  public static final String ERROR_BAD_REQUEST = "ERROR_BAD_REQUEST";

  /**
   * The account may not access the resource (HTTP 403). {@link #serverCode()} gives the cause, for
   * example {@code PREMIUM_REQUIRED}.
   */
  public static final String ERROR_FORBIDDEN = "ERROR_FORBIDDEN";

  /** The track, playlist or object does not exist (HTTP 404). */
  public static final String ERROR_NOT_FOUND = "ERROR_NOT_FOUND";

  /** An edge rejected a byte range as outside the object (HTTP 416). */
  public static final String ERROR_RANGE_NOT_SATISFIABLE = "ERROR_RANGE_NOT_SATISFIABLE";

  /** The server failed (HTTP 5xx). */
  public static final String ERROR_SERVER = "ERROR_SERVER";

  /** The server responded with a status that this client does not expect for the request. */
  public static final String ERROR_HTTP_STATUS = "ERROR_HTTP_STATUS";

  /**
   * A response could not be used: malformed JSON, a missing field, a body over the size limit, or
   * a range response whose {@code Content-Range} or length differs from the request.
   */
  public static final String ERROR_BAD_RESPONSE = "ERROR_BAD_RESPONSE";

  /**
   * A manifest rendition is inconsistent: chunk digests do not match the size and chunk size, a
   * digest is not 64 lower-case hex digits, no edge is listed, or a value is out of range.
   */
  public static final String ERROR_MANIFEST_INVALID = "ERROR_MANIFEST_INVALID";

  /** The manifest offers no rendition that this player can stream. */
  public static final String ERROR_NO_PLAYABLE_RENDITION = "ERROR_NO_PLAYABLE_RENDITION";

  /**
   * The rendition is encrypted and no decryption stage is installed, or the stage does not
   * implement the rendition's scheme.
   */
  public static final String ERROR_ENCRYPTION_UNSUPPORTED = "ERROR_ENCRYPTION_UNSUPPORTED";

  /** The licence of the rendition's content key has expired by the device clock. */
  public static final String ERROR_DRM_LICENCE_EXPIRED = "ERROR_DRM_LICENCE_EXPIRED";

  /**
   * The licence server refused a licence. {@link #serverCode()} names the cause, for example
   * {@code SUBSCRIPTION_REQUIRED}, {@code DEVICE_LIMIT_REACHED}, {@code DEVICE_NOT_FOUND}, {@code
   * DEVICE_NOT_OWNED} or {@code UNKNOWN_KEY}.
   */
  public static final String ERROR_DRM_LICENCE_DENIED = "ERROR_DRM_LICENCE_DENIED";

  /**
   * A licence is unusable on this device: its signature or signing key is not trusted, it was
   * issued to another device, it is malformed, or its key does not unwrap with this device's key.
   */
  public static final String ERROR_DRM_LICENCE_INVALID = "ERROR_DRM_LICENCE_INVALID";

  /**
   * The device key store cannot be used: it is corrupt, was created on another device or by
   * another app, is full, or cannot be read or written.
   */
  public static final String ERROR_DRM_KEY_STORE = "ERROR_DRM_KEY_STORE";

  /**
   * A chunk's SHA-256 differs from the manifest. The chunk's bytes are discarded and never reach
   * the decoder.
   */
  public static final String ERROR_CHUNK_CORRUPT = "ERROR_CHUNK_CORRUPT";

  /** The decoder failed. The cause is the {@code DecoderException} with the codec's reason. */
  public static final String ERROR_DECODER = "ERROR_DECODER";

  /** The audio sink failed to open, write or drain. */
  public static final String ERROR_SINK = "ERROR_SINK";

  /** A seek was requested on a track whose decoder or source cannot seek. */
  public static final String ERROR_SEEK_UNSUPPORTED = "ERROR_SEEK_UNSUPPORTED";

  /** A byte position or time is outside the track. */
  public static final String ERROR_OUT_OF_RANGE = "ERROR_OUT_OF_RANGE";

  /**
   * The streaming cache folder cannot be used: it is not a folder, or it contains files that the
   * cache did not create and it carries no cache marker.
   */
  public static final String ERROR_CACHE_DIRECTORY = "ERROR_CACHE_DIRECTORY";

  /**
   * A track stored for offline playback cannot be opened: its file, manifest or key is missing or
   * unreadable, or it is no longer playable offline.
   */
  public static final String ERROR_OFFLINE_STORAGE = "ERROR_OFFLINE_STORAGE";

  /**
   * An unexpected failure inside the SDK or a plug-in (decoder, {@code PcmProcessor}, {@code
   * ContentDecryption}, {@code OfflineSource}, {@code EdgeSelector} or audio sink). It is an {@link
   * Error} such as {@link OutOfMemoryError}, {@link StackOverflowError} or {@link AssertionError},
   * or a {@link RuntimeException} that escaped the playback thread's specific handlers. The
   * message names the error class and the cause is the original throwable.
   */
  public static final String ERROR_INTERNAL = "ERROR_INTERNAL";

  /** The operation stopped because the source or player was closed or the thread interrupted. */
  public static final String ERROR_CANCELLED = "ERROR_CANCELLED";

  /**
   * Another device of the account started playing and took over the playback session, so this
   * device paused. Playing again takes the session back.
   */
  public static final String ERROR_SESSION_SUPERSEDED = "ERROR_SESSION_SUPERSEDED";

  /** A message on the session events socket was not valid; the socket is reopened. */
  public static final String ERROR_SESSION_PROTOCOL = "ERROR_SESSION_PROTOCOL";

  private final String reason;
  private final int httpStatus;
  private final String serverCode;

  /** Creates an exception without HTTP details. */
  public PlaybackException(String reason, String message) {
    this(reason, message, -1, null, null);
  }

  /** Creates an exception without HTTP details, caused by {@code cause}. */
  public PlaybackException(String reason, String message, Throwable cause) {
    this(reason, message, -1, null, cause);
  }

  /**
   * Creates an exception for an HTTP response.
   *
   * @param httpStatus the response status, or -1 when no response was received
   * @param serverCode the {@code error.code} from the response body, or null
   */
  public PlaybackException(
      String reason, String message, int httpStatus, String serverCode, Throwable cause) {
    super(message, cause);
    if (reason == null || !reason.startsWith("ERROR_")) {
      throw new IllegalArgumentException("reason must start with ERROR_: " + reason);
    }
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.serverCode = serverCode;
  }

  /** Returns the stable reason code, one of the {@code ERROR_...} constants of this class. */
  public String reason() {
    return reason;
  }

  /** Returns the HTTP status of the failed response, or -1 when there was none. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Returns the server's {@code error.code}, such as {@code TOKEN_EXPIRED}, or null. */
  public String serverCode() {
    return serverCode;
  }

  /**
   * Returns the first {@code PlaybackException} in the cause chain of {@code error}, including
   * {@code error} itself, or null. Decoders wrap source failures in their own exception type;
   * this recovers the original reason code.
   */
  public static PlaybackException findInChain(Throwable error) {
    Throwable current = error;
    for (int depth = 0; current != null && depth < 16; depth++) {
      if (current instanceof PlaybackException) {
        return (PlaybackException) current;
      }
      current = current.getCause();
    }
    return null;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("PlaybackException[").append(reason);
    if (httpStatus >= 0) {
      text.append(", HTTP ").append(httpStatus);
    }
    if (serverCode != null) {
      text.append(", ").append(serverCode);
    }
    return text.append("]: ").append(getMessage()).toString();
  }
}
