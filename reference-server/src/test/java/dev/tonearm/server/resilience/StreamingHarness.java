package dev.tonearm.server.resilience;

import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import dev.tonearm.core.player.DecoderFactory;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.TestServers;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reference server with the demo catalog and fault injection, and the parts that resilience
 * tests use around it. These are a logged-in client, a decoder factory that records the bytes each
 * decoder read, and reference decodes of the rendition files straight from the data directory. Thread-safe for the
 * calls tests make; the decoder factory is called on the playback thread.
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
    Path data = TestServers.seededDataDir(tempDir.resolve("data"));
    ReferenceServer server = TestServers.builder(data).faultInjection(ADMIN_TOKEN).build().start();
    return new StreamingHarness(server, data);
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

  /** Returns a Vorbis decoder factory whose decoders read through a {@link RecordingByteSource}. */
  DecoderFactory recordingDecoders() {
    return (codec, source) -> {
      if (!"vorbis".equals(codec)) {
        throw new DecoderException(
            DecoderException.Reason.UNSUPPORTED_FORMAT, "test factory decodes vorbis only: " + codec);
      }
      RecordingByteSource recording = new RecordingByteSource(source, (int) source.length());
      synchronized (sources) {
        sources.add(recording);
      }
      return new VorbisDecoder(recording);
    };
  }

  /** Returns the sources of all decoders opened so far. */
  List<RecordingByteSource> sources() {
    synchronized (sources) {
      return new ArrayList<>(sources);
    }
  }

  /** Returns the rendition file's bytes. */
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
   * Returns the first position, over every decoder opened, where a byte handed to the decoder
   * differs from the origin file of some rendition of the same size, or -1 when all matched.
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
      samples = decodeFile(objectFile(trackId, renditionId));
      referenceDecodes.put(key, samples);
    }
    return samples;
  }

  List<String> renditionIds(String trackId) throws IOException {
    List<String> ids = new ArrayList<>();
    try (var files = Files.list(dataDir.resolve("objects").resolve(trackId))) {
      files.forEach(
          file -> {
            String name = file.getFileName().toString();
            ids.add(name.substring(0, name.lastIndexOf('.')));
          });
    }
    return ids;
  }

  private Path objectFile(String trackId, String renditionId) throws IOException {
    try (var files = Files.list(dataDir.resolve("objects").resolve(trackId))) {
      return files
          .filter(file -> file.getFileName().toString().startsWith(renditionId + "."))
          .findFirst()
          .orElseThrow(() -> new IOException("no object file for " + trackId + "/" + renditionId));
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
