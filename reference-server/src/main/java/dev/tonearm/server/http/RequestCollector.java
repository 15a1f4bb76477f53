package dev.tonearm.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;

/**
 * Collects an {@link HttpRequest} and its {@link HttpContent} parts into one {@link
 * HttpRequestData}, copying the body into a byte array and releasing every Netty buffer at once.
 *
 * <p>Pipeline position: directly after {@code HttpServerCodec} and before a {@link
 * SerialHttpHandler}. A body over {@code maxBodyBytes}, either declared by {@code Content-Length}
 * or counted while it arrives, yields a request marked {@link ErrorCode#PAYLOAD_TOO_LARGE}, and the
 * rest of that body is discarded. A request that the codec failed to parse yields one marked
 * {@link ErrorCode#BAD_REQUEST}. Either way the next handler sends the error and closes the connection.
 *
 * <p>Threading: one instance per channel, called on its event loop only.
 */
public final class RequestCollector extends ChannelInboundHandlerAdapter {
  private final int maxBodyBytes;

  private HttpRequest head;
  private ByteArrayOutputStream body;
  private boolean discarding;

  /** Creates a collector that accepts bodies of at most {@code maxBodyBytes}. */
  public RequestCollector(int maxBodyBytes) {
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0: " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        startRequest(ctx, request);
      }
      if (msg instanceof HttpContent content) {
        appendContent(ctx, content);
      }
      if (!(msg instanceof HttpRequest) && !(msg instanceof HttpContent)) {
        ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void startRequest(ChannelHandlerContext ctx, HttpRequest request) {
    head = request;
    body = new ByteArrayOutputStream();
    discarding = false;
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      emitFailure(
          ctx,
          new ApiException(
              ErrorCode.BAD_REQUEST, "malformed HTTP request: " + result.cause().getMessage()));
      return;
    }
    long declaredLength = HttpUtil.getContentLength(request, -1L);
    if (declaredLength > maxBodyBytes) {
      emitFailure(ctx, tooLarge());
    }
  }

  private void appendContent(ChannelHandlerContext ctx, HttpContent content) {
    if (head == null) {
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (!discarding) {
      if (content.decoderResult().isFailure()) {
        emitFailure(
            ctx,
            new ApiException(
                ErrorCode.BAD_REQUEST,
                "malformed HTTP request body: " + content.decoderResult().cause().getMessage()));
      } else {
        ByteBuf bytes = content.content();
        if (body.size() + (long) bytes.readableBytes() > maxBodyBytes) {
          emitFailure(ctx, tooLarge());
        } else {
          byte[] copied = ByteBufUtil.getBytes(bytes);
          body.write(copied, 0, copied.length);
        }
      }
    }
    if (last) {
      if (!discarding) {
        ctx.fireChannelRead(
            HttpRequestData.of(
                head.protocolVersion(),
                head.method(),
                head.uri(),
                copyHeaders(head.headers()),
                body.toByteArray(),
                HttpUtil.isKeepAlive(head)));
      }
      head = null;
      body = null;
      discarding = false;
    }
  }

  private void emitFailure(ChannelHandlerContext ctx, ApiException failure) {
    discarding = true;
    HttpRequest request = head;
    HttpVersion version = request != null ? request.protocolVersion() : HttpVersion.HTTP_1_1;
    HttpMethod method = request != null ? request.method() : HttpMethod.GET;
    String uri = request != null && request.uri() != null ? request.uri() : "/";
    HttpHeaders headers = request != null ? copyHeaders(request.headers()) : new DefaultHttpHeaders();
    ctx.fireChannelRead(
        HttpRequestData.of(version, method, uri, headers, new byte[0], false)
            .withFailure(failure));
  }

  private ApiException tooLarge() {
    return new ApiException(
        ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds " + maxBodyBytes + " bytes");
  }

  private static HttpHeaders copyHeaders(HttpHeaders headers) {
    return new DefaultHttpHeaders().set(headers);
  }
}
