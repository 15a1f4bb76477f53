package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.offline.internal.TrackFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * Real parts for offline tests: a loopback object server, an OkHttp transport, files in a temporary
 * folder, a file-backed key store, a fake clock and a fake licence server.
 */
final class OfflineRig implements AutoCloseable {
  static final long START_MS = 1_740_000_000_000L;
  static final int CHUNK_BYTES = 16 * 1024;
  static final long TIMEOUT_MS = 30_000;

  final Path root;
  final Path keyDirectory;
  final FakeClock clock = new FakeClock(START_MS);
  final ObjectServer objects;
  final FakeLicenceServer server;
  final RecordingSleeper sleeper = new RecordingSleeper();
  final AtomicLong usableBytes = new AtomicLong(Long.MAX_VALUE / 4);
  final OkHttpClient http =
      new OkHttpClient.Builder()
          .readTimeout(20, TimeUnit.SECONDS)
          .connectTimeout(5, TimeUnit.SECONDS)
          .retryOnConnectionFailure(false)
          .build();
  final List<Download> changes = new CopyOnWriteArrayList<>();
  final List<Download> progress = new CopyOnWriteArrayList<>();
  final List<String> removals = new CopyOnWriteArrayList<>();
  final LicenceRecorder licenceEvents = new LicenceRecorder();
  DirectoryKeyStore keyStore;
  OfflineManager manager;

  OfflineRig(Path directory) throws IOException {
    this.root = directory.resolve("offline");
    this.keyDirectory = directory.resolve("keys");
    this.objects = new ObjectServer();
    this.server = new FakeLicenceServer(clock, objects);
    this.keyStore = new DirectoryKeyStore(keyDirectory);
    server.registerDevice("Test phone");
  }

  OfflineManager open() throws IOException {
    return open(builder -> {});
  }

  OfflineManager open(Consumer<OfflineManager.Builder> customise) throws IOException {
    OfflineManager.Builder builder =
        OfflineManager.builder(root)
            .setAuthorisationClient(server)
            .setDownloadTransport(new OkHttpDownloadTransport(http, () -> "test-token"))
            .setKeyStore(keyStore)
            .setClock(clock)
            .setDiskSpace(directory -> usableBytes.get())
            .setMinFreeSpaceBytes(0)
            .setTickIntervalMs(0)
            .setRandom(new Random(7))
            .setRetrySleeper(sleeper);
    builder.addDownloadListener(
        new DownloadListener() {
          @Override
          public void onDownloadChanged(Download download) {
            changes.add(download);
          }

          @Override
          public void onDownloadProgress(Download download) {
            progress.add(download);
          }

          @Override
          public void onDownloadRemoved(String trackId) {
            removals.add(trackId);
          }
        });
    builder.addLicenceListener(licenceEvents);
    customise.accept(builder);
    manager = builder.build();
    return manager;
  }

  void restart() throws IOException {
    manager.close();
    open();
  }

  void awaitIdle() throws InterruptedException {
    assertThat(manager.downloads().awaitIdle(TIMEOUT_MS)).as("download manager idle").isTrue();
  }

  /** Adds tracks {@code prefix0..} of {@code sizeBytes} each and returns their ids. */
  List<String> addTracks(String prefix, int count, int sizeBytes) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      server.addTrack(id, sizeBytes, CHUNK_BYTES);
      ids.add(id);
    }
    return ids;
  }

  TrackFiles files() {
    return new TrackFiles(root.toAbsolutePath());
  }

  /** Reads a downloaded object through the catalog. */
  byte[] readThroughCatalog(String trackId) throws IOException {
    try (java.nio.channels.SeekableByteChannel channel =
        manager.catalog().openEncryptedObject(trackId)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) channel.size());
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // Read until the buffer is full.
      }
      return buffer.array();
    }
  }

  List<Path> objectFolderFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (java.util.stream.Stream<Path> stream = Files.list(files().objectsDirectory())) {
      stream.forEach(files::add);
    }
    return files;
  }

  @Override
  public void close() throws IOException {
    try {
      if (manager != null) {
        manager.close();
      }
    } finally {
      objects.close();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
