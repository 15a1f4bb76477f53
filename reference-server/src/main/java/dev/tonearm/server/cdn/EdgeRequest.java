package dev.tonearm.server.cdn;

import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.http.HttpRequestData;
import io.netty.channel.Channel;

/**
 * An authenticated edge request for a known object, as {@link EdgeRequestHook}s see it.
 * Immutable.
 *
 * @param edgeName the edge serving it, such as {@code edge-0}
 * @param http the HTTP request
 * @param principal the caller
 * @param object the requested object
 * @param channel the connection; a hook may add a handler to its pipeline that shapes this one
 *     response, and that handler must remove itself when the response ends
 */
public record EdgeRequest(
    String edgeName,
    HttpRequestData http,
    Principal principal,
    ObjectInfo object,
    Channel channel) {}
