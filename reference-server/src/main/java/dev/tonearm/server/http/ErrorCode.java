package dev.tonearm.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Stable error codes of the HTTP API, each with the status that carries it. The names appear in
 * the {@code error.code} field of every error response and are part of the API contract.
 */
public enum ErrorCode {
  /** The request is well-formed HTTP and JSON but a field is missing or invalid. */
  BAD_REQUEST(HttpResponseStatus.BAD_REQUEST),
  /** The request body is not valid JSON. */
  INVALID_JSON(HttpResponseStatus.BAD_REQUEST),
  /** The bearer token or the credentials are missing or invalid. */
  UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED),
  /** The bearer token or refresh token was valid but has expired. */
  TOKEN_EXPIRED(HttpResponseStatus.UNAUTHORIZED),
  /** The account may not access this resource. */
  FORBIDDEN(HttpResponseStatus.FORBIDDEN),
  /** The resource needs a premium account. */
  PREMIUM_REQUIRED(HttpResponseStatus.FORBIDDEN),
  /** The device public key is not a base64 SubjectPublicKeyInfo of an RSA key of 2048-4096 bits. */
  INVALID_PUBLIC_KEY(HttpResponseStatus.BAD_REQUEST),
  /** No device with this id is registered: never registered, or deauthorised. */
  DEVICE_NOT_FOUND(HttpResponseStatus.NOT_FOUND),
  /** The device is registered to another account than the caller's. */
  DEVICE_NOT_OWNED(HttpResponseStatus.FORBIDDEN),
  /** The account already has the maximum number of registered devices. */
  DEVICE_LIMIT_REACHED(HttpResponseStatus.CONFLICT),
  /** The account's subscription does not allow the requested kind of playback. */
  SUBSCRIPTION_REQUIRED(HttpResponseStatus.FORBIDDEN),
  /** No playback session has this id, or the account has no active session. */
  SESSION_NOT_FOUND(HttpResponseStatus.NOT_FOUND),
  /** The playback session belongs to another account than the caller's. */
  SESSION_NOT_OWNED(HttpResponseStatus.FORBIDDEN),
  /** Another device of the account took over the playback session. */
  SESSION_SUPERSEDED(HttpResponseStatus.CONFLICT),
  /** The playback session received no heartbeat within its timeout. */
  SESSION_EXPIRED(HttpResponseStatus.CONFLICT),
  /** A requested content key id does not exist. */
  UNKNOWN_KEY(HttpResponseStatus.NOT_FOUND),
  /** No route or resource matches the path. */
  NOT_FOUND(HttpResponseStatus.NOT_FOUND),
  /** The path exists but does not accept the request method. */
  METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED),
  /** The request body exceeds the configured limit. */
  PAYLOAD_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
  /** The Range header names no byte inside the object. */
  RANGE_NOT_SATISFIABLE(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE),
  /** The server failed; the log has the cause. */
  INTERNAL(HttpResponseStatus.INTERNAL_SERVER_ERROR),
  /** An upstream of the server failed. The edges send it only as an injected fault. */
  BAD_GATEWAY(HttpResponseStatus.BAD_GATEWAY),
  /** The server cannot serve now. The edges send it only as an injected fault. */
  SERVICE_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE),
  /** An upstream of the server timed out. The edges send it only as an injected fault. */
  GATEWAY_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT);

  private final HttpResponseStatus status;

  ErrorCode(HttpResponseStatus status) {
    this.status = status;
  }

  /** HTTP status that responses with this code carry. */
  public HttpResponseStatus status() {
    return status;
  }
}
