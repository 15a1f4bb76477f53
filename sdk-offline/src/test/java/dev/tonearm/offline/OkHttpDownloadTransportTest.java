package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OkHttpDownloadTransportTest {
  private final ObjectServer server;
  private final OkHttpClient http = new OkHttpClient();
  private final byte[] content = new byte[10_000];

  OkHttpDownloadTransportTest() throws IOException {
    server = new ObjectServer();
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    server.put("/objects/a", content);
  }

  @AfterEach
  void tearDown() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static byte[] readAll(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void open_fromZero_sendsNoRangeAndBearerToken() throws IOException {
    OkHttpDownloadTransport transport = new OkHttpDownloadTransport(http, () -> "secret-token");

    try (DownloadTransport.Response response = transport.open(server.url("/objects/a"), 0)) {
      assertThat(response.startOffsetBytes()).isZero();
      assertThat(readAll(response.body())).isEqualTo(content);
    }
    ObjectServer.Request request = server.requests().get(0);
    assertThat(request.range).isNull();
    assertThat(request.authorization).isEqualTo("Bearer secret-token");
  }

  @Test
  void open_fromOffset_readsPartialContentFromThatByte() throws IOException {
    OkHttpDownloadTransport transport = new OkHttpDownloadTransport(http, () -> null);

    try (DownloadTransport.Response response = transport.open(server.url("/objects/a"), 4000)) {
      assertThat(response.startOffsetBytes()).isEqualTo(4000);
      assertThat(readAll(response.body())).isEqualTo(Arrays.copyOfRange(content, 4000, 10_000));
    }
    ObjectServer.Request request = server.requests().get(0);
    assertThat(request.range).isEqualTo("bytes=4000-");
    assertThat(request.authorization).isNull();
  }

  @Test
  void open_rangeIgnored_reportsStartZero() throws IOException {
    server.addFault("/objects/a", ObjectServer.Fault.ignoreRange());
    OkHttpDownloadTransport transport = new OkHttpDownloadTransport(http, () -> null);

    try (DownloadTransport.Response response = transport.open(server.url("/objects/a"), 4000)) {
      assertThat(response.startOffsetBytes()).isZero();
    }
  }

  @Test
  void open_errorStatuses_throwWithCodeAndRetryability() {
    OkHttpDownloadTransport transport = new OkHttpDownloadTransport(http, () -> null);
    server.addFault("/objects/a", ObjectServer.Fault.status(503));

    assertThatThrownBy(() -> transport.open(server.url("/objects/a"), 0))
        .isInstanceOf(HttpStatusException.class)
        .hasMessageContaining("HTTP 503")
        .satisfies(e -> assertThat(((HttpStatusException) e).isRetryable()).isTrue());
    assertThatThrownBy(() -> transport.open(server.url("/objects/missing"), 0))
        .isInstanceOf(HttpStatusException.class)
        .satisfies(e -> assertThat(((HttpStatusException) e).statusCode()).isEqualTo(404))
        .satisfies(e -> assertThat(((HttpStatusException) e).isRetryable()).isFalse());
    assertThatThrownBy(() -> transport.open(server.url("/objects/a"), 20_000))
        .isInstanceOf(HttpStatusException.class)
        .satisfies(e -> assertThat(((HttpStatusException) e).statusCode()).isEqualTo(416));
  }

  @Test
  void parseContentRangeStart_malformedHeaders_throw() throws IOException {
    assertThat(OkHttpDownloadTransport.parseContentRangeStart("bytes 100-199/200", "u"))
        .isEqualTo(100);
    for (String header : new String[] {null, "", "bytes */200", "items 1-2/3", "bytes x-1/2"}) {
      assertThatThrownBy(() -> OkHttpDownloadTransport.parseContentRangeStart(header, "u"))
          .as(String.valueOf(header))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Content-Range");
    }
  }
}
