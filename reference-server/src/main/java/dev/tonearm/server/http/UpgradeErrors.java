package dev.tonearm.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/**
 * Error responses to WebSocket upgrade requests, in the API's error shape and with the API's
 * codes, so that a socket client can tell {@code TOKEN_EXPIRED} (refresh the token and reconnect)
 * from {@code UNAUTHORIZED} (log in again). Stateless; call on the channel's event loop.
 */
public final class UpgradeErrors {
  private UpgradeErrors() {}

  /**
   * Releases {@code request}, sends the error response for {@code failure} with {@code
   * Connection: close} and closes the channel once it is written. A 401 carries the same {@code
   * WWW-Authenticate} challenge as on the API.
   */
  public static void reject(
      ChannelHandlerContext ctx, FullHttpRequest request, ApiException failure) {
    FullHttpResponse response = HttpResponses.error(failure);
    response.setProtocolVersion(request.protocolVersion());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    request.release();
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
