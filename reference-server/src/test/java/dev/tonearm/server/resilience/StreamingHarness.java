package dev.tonearm.server.resilience;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import dev.tonearm.core.player.ContentDecryption;
import dev.tonearm.core.player.DecoderFactory;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.cdn.EdgeRequestHook;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A reference server with the demo catalog and fault injection, and the parts that resilience tests
 * use around it. These are a logged-in client, a decryption stage that records the ciphertext it
 * was handed, and reference decodes of the rendition files straight from the data directory. The
 * server stores every object encrypted, so the players here decrypt with the track's content key
 * taken from the server's key management. Thread-safe for the calls tests make; the decoder factory
 * is called on the playback thread.
 */
final class StreamingHarness implements AutoCloseable {
  static final String ADMIN_TOKEN = "resilience-admin-token-0123456789";
  static final String TRACK_A = "t-c9d9bdd0c399";
  static final String TRACK_B = "t-72efe1d6386e";

  final ReferenceServer server;
  final Path dataDir;
  private final Map<String, int[]> referenceDecodes = new HashMap<>();
  private final Map<String, byte[]> objects = new HashMap<>();
  private final List<RecordingByteSource> sources = new ArrayList<>();

  private StreamingHarness(ReferenceServer server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  static StreamingHarness start(Path tempDir) throws Exception {
    return start(tempDir, request -> {});
  }

  /** Starts a server whose edges also run {@code edgeHook} before the fault injector. */
  static StreamingHarness start(Path tempDir, EdgeRequestHook edgeHook) throws Exception {
    Path data = TestServers.seededDataDir(tempDir.resolve("data"));
    ReferenceServer server =
        TestServers.builder(data)
            .edgeHook(edgeHook)
            .faultInjection(ADMIN_TOKEN)
            .build()
            .start();
    return new StreamingHarness(server, data);
  }

  /**
   * Closes this server and starts a new one on the same data directory and API port. Accounts and
   * objects survive, while sessions, which the server keeps in memory, are lost. Use only the
   * returned harness afterwards.
   */
  StreamingHarness restart() throws Exception {
    int apiPort = java.net.URI.create(server.apiUrl()).getPort();
    server.close();
    ReferenceServer restarted =
        TestServers.builder(dataDir).apiPort(apiPort).faultInjection(ADMIN_TOKEN).build().start();
    return new StreamingHarness(restarted, dataDir);
  }

  /** Returns a client logged in as the premium demo account. */
  TonearmClient newClient() throws Exception {
    TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
    client.login(ReferenceServer.DEMO_PREMIUM_USERNAME, ReferenceServer.DEMO_PREMIUM_PASSWORD);
    return client;
  }

  /** Adds a fault rule from JSON text. */
  void addFault(String json) throws IOException {
    server.faultInjector().addRule(Json.MAPPER.readTree(json));
  }

  /** Returns a Vorbis decoder factory. */
  DecoderFactory vorbisDecoders() {
    return (codec, source) -> {
      if (!"vorbis".equals(codec)) {
        throw new DecoderException(
            DecoderException.Reason.UNSUPPORTED_FORMAT,
            "test factory decodes vorbis only: " + codec);
      }
      return new VorbisDecoder(source);
    };
  }

  /**
   * Returns a decryption stage that records every ciphertext byte handed to it, through a {@link
   * RecordingByteSource}, and decrypts with the server's copy of the content key.
   */
  ContentDecryption recordingDecryption() {
    return (manifest, rendition, ciphertext) -> {
      RecordingByteSource recording =
          new RecordingByteSource(ciphertext, (int) ciphertext.length());
      synchronized (sources) {
        sources.add(recording);
      }
      try (ContentKey key = server.keyManagement().contentKey(rendition.encryption().keyId())) {
        return new CtrTestSource(
            recording, key.keyBytes(), HexFormat.of().parseHex(rendition.encryption().iv()));
      } catch (DrmServiceException e) {
        throw new PlaybackException(
            PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED, "no content key: " + e.getMessage(), e);
      }
    };
  }

  /** Returns the ciphertext sources of all decryption stages opened so far. */
  List<RecordingByteSource> sources() {
    synchronized (sources) {
      return new ArrayList<>(sources);
    }
  }

  /** Returns the rendition file's bytes as stored and served: the ciphertext. */
  synchronized byte[] object(String trackId, String renditionId) throws IOException {
    String key = trackId + "/" + renditionId;
    byte[] bytes = objects.get(key);
    if (bytes == null) {
      bytes = Files.readAllBytes(objectFile(trackId, renditionId));
      objects.put(key, bytes);
    }
    return bytes;
  }

  /**
   * Returns the first position, over every decryption stage opened, where a ciphertext byte handed
   * to it differs from the origin file of the rendition of the same size, or -1 when all matched.
   * Decoders read only what these stages return.
   */
  long firstBadByteSeenByDecoders(List<String> trackIds) throws IOException {
    for (RecordingByteSource source : sources()) {
      byte[] origin = null;
      for (String trackId : trackIds) {
        for (String renditionId : renditionIds(trackId)) {
          byte[] candidate = object(trackId, renditionId);
          if (candidate.length == source.length()) {
            origin = candidate;
          }
        }
      }
      if (origin == null) {
        throw new AssertionError("no rendition has the size of " + source);
      }
      long mismatch = source.firstMismatch(origin);
      if (mismatch >= 0) {
        return mismatch;
      }
    }
    return -1;
  }

  /** Returns the decoded samples of the whole rendition file, decoded once and kept. */
  synchronized int[] referenceDecode(String trackId, String renditionId) throws IOException {
    String key = trackId + "/" + renditionId;
    int[] samples = referenceDecodes.get(key);
    if (samples == null) {
      samples = decodeBytes(plaintext(trackId, renditionId));
      referenceDecodes.put(key, samples);
    }
    return samples;
  }

  List<String> renditionIds(String trackId) {
    List<String> ids = new ArrayList<>();
    for (Rendition rendition : catalogRendition(trackId)) {
      ids.add(rendition.id());
    }
    return ids;
  }

  /** Returns the decrypted rendition file. */
  byte[] plaintext(String trackId, String renditionId) throws IOException {
    Rendition rendition = catalogRendition(trackId, renditionId);
    byte[] bytes = object(trackId, renditionId).clone();
    if (rendition.encryption() == null) {
      return bytes;
    }
    try (ContentKey key = server.keyManagement().contentKey(rendition.encryption().keyId())) {
      CtrTestSource.decrypt(
          key.keyBytes(),
          HexFormat.of().parseHex(rendition.encryption().iv()),
          0,
          bytes,
          0,
          bytes.length);
    } catch (DrmServiceException e) {
      throw new IOException("no content key for " + trackId + "/" + renditionId, e);
    }
    return bytes;
  }

  private List<Rendition> catalogRendition(String trackId) {
    return server
        .catalog()
        .track(trackId)
        .orElseThrow(() -> new AssertionError("no track " + trackId))
        .renditions();
  }

  private Rendition catalogRendition(String trackId, String renditionId) {
    for (Rendition rendition : catalogRendition(trackId)) {
      if (rendition.id().equals(renditionId)) {
        return rendition;
      }
    }
    throw new AssertionError("no rendition " + trackId + "/" + renditionId);
  }

  private Path objectFile(String trackId, String renditionId) {
    return dataDir
        .resolve("objects")
        .resolve(trackId)
        .resolve(catalogRendition(trackId, renditionId).fileName());
  }

  private int[] decodeBytes(byte[] plaintext) throws IOException {
    Path file = Files.createTempFile(dataDir, "plain-", ".ogg");
    try {
      Files.write(file, plaintext);
      return decodeFile(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static int[] decodeFile(Path file) throws IOException {
    try (Decoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      PcmBuffer buffer = new PcmBuffer();
      int[] all = new int[1 << 20];
      int size = 0;
      int frames;
      while ((frames = decoder.read(buffer)) >= 0) {
        int count = frames * buffer.format.channels();
        if (size + count > all.length) {
          all = Arrays.copyOf(all, Math.max(all.length * 2, size + count));
        }
        System.arraycopy(buffer.samples, 0, all, size, count);
        size += count;
      }
      return Arrays.copyOf(all, size);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
