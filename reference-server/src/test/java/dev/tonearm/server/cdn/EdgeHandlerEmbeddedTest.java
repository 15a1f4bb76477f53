package dev.tonearm.server.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.server.NoLeaks;
import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.JsonFileAccountRepository;
import dev.tonearm.server.auth.PasswordHasher;
import dev.tonearm.server.auth.Tier;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.InFlightTracker;
import dev.tonearm.server.http.RequestCollector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge pipeline in an {@link EmbeddedChannel}. The origin is an in-memory fake of {@link
 * OriginStore} so the test controls the object bytes and the chunk size; everything else (auth,
 * caches, range handling, Netty codecs) is real. Loads complete on the test thread.
 */
@ExtendWith(NoLeaks.class)
class EdgeHandlerEmbeddedTest {
  private static final int CHUNK_BYTES = 1024;

  @TempDir Path tempDir;
  private final byte[] object = new byte[5000];
  private AuthService auth;
  private String bearer;
  private CdnEdge edge;
  private InFlightTracker tracker;

  @BeforeEach
  void setUp() throws Exception {
    new Random(7).nextBytes(object);
    auth =
        new AuthService(
            new JsonFileAccountRepository(tempDir.resolve("accounts.json")),
            new PasswordHasher(1_000, new SecureRandom()),
            Clock.systemUTC(),
            Duration.ofMinutes(15),
            Duration.ofDays(1),
            new SecureRandom());
    auth.ensureAccount("u-1", "user@example.test", "secret", Tier.FREE);
    bearer = "Bearer " + auth.login("user@example.test", "secret").accessToken();
    OriginStore origin =
        new OriginStore() {
          @Override
          public Optional<ObjectInfo> find(String trackId, String renditionId) {
            if (!trackId.equals("t-1")) {
              return Optional.empty();
            }
            return Optional.of(
                new ObjectInfo(
                    trackId,
                    renditionId,
                    Path.of("unused"),
                    object.length,
                    CHUNK_BYTES,
                    "\"etag\"",
                    "audio/ogg",
                    renditionId.equals("flac")));
          }

          @Override
          public byte[] readChunk(ObjectInfo info, int index) {
            int from = index * CHUNK_BYTES;
            return Arrays.copyOfRange(object, from, Math.min(object.length, from + CHUNK_BYTES));
          }
        };
    edge = new CdnEdge("edge-7", 10 * CHUNK_BYTES, new OriginShield(origin, 0, Runnable::run));
    tracker = new InFlightTracker();
  }

  private FullHttpResponse request(HttpMethod method, String uri, String range, List<EdgeRequestHook> hooks) {
    EmbeddedChannel server =
        new EmbeddedChannel(
            new HttpServerCodec(), new RequestCollector(0), new EdgeHandler(edge, auth, hooks, tracker));
    EmbeddedChannel client =
        new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
    try {
      DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
      request.headers().set("Authorization", bearer);
      if (range != null) {
        request.headers().set("Range", range);
      }
      client.writeOutbound(request);
      for (ByteBuf encoded = client.readOutbound(); encoded != null; encoded = client.readOutbound()) {
        server.writeInbound(encoded);
      }
      for (int round = 0; round < 20; round++) {
        server.runPendingTasks();
        for (Object reply = server.readOutbound(); reply != null; reply = server.readOutbound()) {
          client.writeInbound(reply);
        }
      }
      return client.readInbound();
    } finally {
      server.finishAndReleaseAll();
      client.finishAndReleaseAll();
    }
  }

  @Test
  void rangeSpanningChunks_returnsExactBytesAndReleasesBuffers() {
    FullHttpResponse response = request(HttpMethod.GET, "/objects/t-1/vorbis-96", "bytes=1000-3100", List.of());
    try {
      assertThat(response.status().code()).isEqualTo(206);
      assertThat(ByteBufUtil.getBytes(response.content()))
          .isEqualTo(Arrays.copyOfRange(object, 1000, 3101));
      assertThat(response.headers().get("X-Tonearm-Edge")).isEqualTo("edge-7");
      assertThat(tracker.inFlight()).isZero();
    } finally {
      response.release();
    }
    assertThat(edge.stats().misses()).isEqualTo(4);
  }

  @Test
  void freeAccount_premiumRendition_returns403() {
    FullHttpResponse response = request(HttpMethod.GET, "/objects/t-1/flac", null, List.of());
    try {
      assertThat(response.status().code()).isEqualTo(403);
      assertThat(response.content().toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("PREMIUM_REQUIRED");
    } finally {
      response.release();
    }
  }

  @Test
  void hook_rejectsRequestBeforeBody() {
    EdgeRequestHook denyAll =
        request -> {
          throw new ApiException(ErrorCode.FORBIDDEN, "denied for " + request.object().renditionId());
        };

    FullHttpResponse response =
        request(HttpMethod.GET, "/objects/t-1/vorbis-96", null, List.of(denyAll));
    try {
      assertThat(response.status().code()).isEqualTo(403);
      assertThat(response.content().toString(java.nio.charset.StandardCharsets.UTF_8))
          .contains("denied for vorbis-96");
    } finally {
      response.release();
    }
    assertThat(edge.stats().misses()).isZero();
  }

  @Test
  void unknownPath_returns404() {
    FullHttpResponse response = request(HttpMethod.GET, "/objects/t-1", null, List.of());
    try {
      assertThat(response.status().code()).isEqualTo(404);
    } finally {
      response.release();
    }
  }
}
