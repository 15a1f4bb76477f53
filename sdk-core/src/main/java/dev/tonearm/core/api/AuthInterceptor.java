package dev.tonearm.core.api;

import dev.tonearm.core.PlaybackException;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds {@code Authorization: Bearer} to every request and, on a 401 response, refreshes the
 * session once and repeats the request with the new token. A second 401 fails the call with
 * {@link PlaybackException#ERROR_AUTH_FAILED}, carrying the first 401 as a suppressed exception.
 *
 * <p>Threading: called concurrently on OkHttp's calling threads. Refreshes are serialized by
 * {@link #refreshLock}. A thread whose request failed with a token that another thread has
 * already replaced retries with the replacement instead of refreshing again.
 */
final class AuthInterceptor implements Interceptor {
  /** Performs {@code POST /v1/auth/refresh} and stores the result. */
  interface Refresher {
    AuthTokens refresh() throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);

  private final TokenStore tokenStore;
  private final Refresher refresher;
  private final Object refreshLock = new Object();

  AuthInterceptor(TokenStore tokenStore, Refresher refresher) {
    this.tokenStore = tokenStore;
    this.refresher = refresher;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request original = chain.request();
    AuthTokens sent = tokenStore.tokens();
    Response response = chain.proceed(withToken(original, sent));
    if (response.code() != 401) {
      return response;
    }
    PlaybackException firstRejection = HttpErrors.fromResponse(response);
    response.close();

    AuthTokens fresh;
    synchronized (refreshLock) {
      AuthTokens current = tokenStore.tokens();
      if (current != null && sent != null && current != sent
          && !current.accessToken().equals(sent.accessToken())) {
        fresh = current;
      } else {
        if (current == null) {
          throw new PlaybackException(
              PlaybackException.ERROR_AUTH_FAILED,
              HttpErrors.describe(original) + " failed: HTTP 401 and no session; log in first",
              401,
              null,
              null);
        }
        LOG.debug("Refreshing the session after HTTP 401 on {}", HttpErrors.describe(original));
        fresh = refresher.refresh();
      }
    }
    Response retried = chain.proceed(withToken(original, fresh));
    if (retried.code() != 401) {
      return retried;
    }
    PlaybackException secondRejection;
    try {
      secondRejection = HttpErrors.fromResponse(retried);
    } finally {
      retried.close();
    }
    secondRejection.addSuppressed(firstRejection);
    throw secondRejection;
  }

  private static Request withToken(Request request, AuthTokens tokens) {
    if (tokens == null) {
      return request;
    }
    return request.newBuilder().header("Authorization", "Bearer " + tokens.accessToken()).build();
  }
}
