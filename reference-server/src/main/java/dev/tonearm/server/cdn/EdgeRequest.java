package dev.tonearm.server.cdn;

import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.http.HttpRequestData;

/**
 * An authenticated edge request for a known object, as {@link EdgeRequestHook}s see it.
 * Immutable.
 *
 * @param edgeName the edge serving it, such as {@code edge-0}
 * @param http the HTTP request
 * @param principal the caller
 * @param object the requested object
 */
public record EdgeRequest(
    String edgeName, HttpRequestData http, Principal principal, ObjectInfo object) {}
