package dev.tonearm.server.api;

import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.Exchange;
import dev.tonearm.server.http.InFlightTracker;
import dev.tonearm.server.http.SerialHttpHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Netty handler of the API listener: hands each request to the {@link ApiDispatcher} on the
 * handler pool, so password hashing and file reads never block an event loop.
 *
 * <p>Pipeline position: last, after {@code IdleStateHandler}, {@code HttpServerCodec} and {@code
 * RequestCollector}.
 *
 * <p>Threading: one instance per connection, called on its event loop.
 */
public final class ApiHandler extends SerialHttpHandler {
  private final ApiDispatcher dispatcher;
  private final Executor handlerExecutor;

  /**
   * Creates a handler.
   *
   * @param handlerExecutor runs the dispatcher; pass a direct executor in single-thread tests
   */
  public ApiHandler(ApiDispatcher dispatcher, Executor handlerExecutor, InFlightTracker tracker) {
    super(tracker);
    this.dispatcher = dispatcher;
    this.handlerExecutor = handlerExecutor;
  }

  @Override
  protected void handle(Exchange exchange) {
    try {
      handlerExecutor.execute(() -> exchange.send(dispatcher.dispatch(exchange.request())));
    } catch (RejectedExecutionException e) {
      exchange.sendError(new ApiException(ErrorCode.INTERNAL, "server is shutting down"));
    }
  }
}
