package dev.tonearm.offline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The process that {@link CrashRecoveryTest} kills. It opens the offline folder (recovering what
 * the previous kill left), queues every track of the manifest and downloads them from the parent's
 * loopback server.
 *
 * <p>With a seed above zero it picks a kind of durable step and an occurrence from the seed, and
 * when it reaches that step it prints {@code KILLPOINT} and blocks until the parent kills it. A
 * kind that does not occur in this run (no track left to rename, say) would let the run finish, so
 * any step also becomes the kill point once the run has passed a seeded number of steps (manifest
 * writes not counted). Without a seed it prints {@code DONE} once every track is available.
 *
 * <p>Arguments: manifest file, offline folder, key folder, seed.
 */
public final class CrashChild {
  /** Durable steps the kill can land on, and how many occurrences of each to pick from. */
  static final Map<Checkpoint, Integer> KILL_POINTS = new LinkedHashMap<>();

  static {
    KILL_POINTS.put(Checkpoint.CHUNK_WRITTEN, 12);
    KILL_POINTS.put(Checkpoint.PART_FILE_SYNCED, 2);
    KILL_POINTS.put(Checkpoint.FILE_RENAMED, 2);
    KILL_POINTS.put(Checkpoint.JOURNAL_APPENDED, 6);
    KILL_POINTS.put(Checkpoint.KEY_STORED, 2);
    KILL_POINTS.put(Checkpoint.MANIFEST_WRITTEN, 20);
  }

  /** Range of the step count after which any step is the kill point. */
  static final int MIN_FALLBACK_STEPS = 8;

  static final int FALLBACK_STEP_SPREAD = 20;

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path manifest = Paths.get(args[0]);
    Path root = Paths.get(args[1]);
    Path keys = Paths.get(args[2]);
    long seed = Long.parseLong(args[3]);
    PrintStream out =
        new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");

    Map<String, GrantedObject> objects = readManifest(manifest);
    Checkpoint killAt = null;
    int killOccurrence = 0;
    int fallbackSteps = Integer.MAX_VALUE;
    if (seed > 0) {
      Random random = new Random(seed);
      List<Checkpoint> kinds = new ArrayList<>(KILL_POINTS.keySet());
      killAt = kinds.get((int) (seed % kinds.size()));
      killOccurrence = 1 + random.nextInt(KILL_POINTS.get(killAt));
      fallbackSteps = MIN_FALLBACK_STEPS + random.nextInt(FALLBACK_STEP_SPREAD);
    }
    CheckpointObserver observer = killObserver(out, killAt, killOccurrence, fallbackSteps);

    OkHttpClient http = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
    OfflineManager manager =
        OfflineManager.builder(root)
            .setAuthorisationClient(new ManifestLicenceClient(objects))
            .setDownloadTransport(new OkHttpDownloadTransport(http, () -> "child-token"))
            .setKeyStore(new DirectoryKeyStore(keys))
            .setClock(new FakeClock(OfflineRig.START_MS))
            .setMaxParallelDownloads(2)
            .setTickIntervalMs(0)
            .setRetrySleeper(delayMs -> {})
            .setCheckpointObserver(observer)
            .build();
    manager.downloads().download(new ArrayList<>(objects.keySet()));
    if (!manager.downloads().awaitIdle(120_000)) {
      out.println("TIMEOUT");
      System.exit(3);
    }
    List<String> notAvailable = new ArrayList<>();
    for (Download download : manager.downloads().getDownloads()) {
      if (download.state() != DownloadState.AVAILABLE) {
        notAvailable.add(download.toString());
      }
    }
    manager.close();
    if (notAvailable.isEmpty()) {
      out.println("DONE");
      System.exit(0);
    }
    out.println("INCOMPLETE " + notAvailable);
    System.exit(2);
  }

  private static CheckpointObserver killObserver(
      PrintStream out, Checkpoint killAt, int killOccurrence, int fallbackSteps) {
    Map<Checkpoint, Integer> counts = new EnumMap<>(Checkpoint.class);
    int[] steps = new int[1];
    boolean[] killing = new boolean[1];
    return (checkpoint, trackId) -> {
      int count;
      int step;
      boolean stop;
      synchronized (counts) {
        count = counts.merge(checkpoint, 1, Integer::sum);
        // Manifests are written for every remaining track at each start; counting them would
        // put most fallback kills there and stop the batch from moving on.
        step = checkpoint == Checkpoint.MANIFEST_WRITTEN ? steps[0] : ++steps[0];
        stop = killing[0];
        if (!stop && ((checkpoint == killAt && count == killOccurrence) || step == fallbackSteps)) {
          killing[0] = true;
          out.println("KILLPOINT " + checkpoint + " " + count + " " + trackId);
          stop = true;
        }
      }
      if (stop) {
        // Every thread stops at its next step, so little happens between the print and the
        // parent's SIGKILL, which ends the process while this thread waits here.
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            // Keep waiting; only the kill ends this process.
          }
        }
      }
    };
  }

  /** Writes the manifest: one line per track with its URL, sizes and chunk digests. */
  static void writeManifest(Path file, Map<String, GrantedObject> objects) throws IOException {
    List<String> lines = new ArrayList<>();
    for (GrantedObject object : objects.values()) {
      lines.add(
          String.join(
              " ",
              object.trackId(),
              object.urls().get(0),
              Long.toString(object.sizeBytes()),
              Integer.toString(object.chunkSizeBytes()),
              String.join(",", object.chunkSha256())));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  static Map<String, GrantedObject> readManifest(Path file) throws IOException {
    Map<String, GrantedObject> objects = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      String trackId = fields[0];
      objects.put(
          trackId,
          GrantedObject.builder(trackId)
              .renditionId("vorbis-160")
              .keyId("k-" + trackId)
              .urls(Arrays.asList(fields[1]))
              .sizeBytes(Long.parseLong(fields[2]))
              .chunkSizeBytes(Integer.parseInt(fields[3]))
              .chunkSha256(Arrays.asList(fields[4].split(",")))
              .manifest(("{\"trackId\":\"" + trackId + "\"}").getBytes(StandardCharsets.UTF_8))
              .build());
    }
    return objects;
  }

  /** A licence server that authorises every manifest track and always delivers keys. */
  static final class ManifestLicenceClient implements AuthorisationClient {
    private final Map<String, GrantedObject> objects;

    ManifestLicenceClient(Map<String, GrantedObject> objects) {
      this.objects = objects;
    }

    @Override
    public OfflineDevice registerDevice(String displayName) {
      return new OfflineDevice("d-child", displayName, OfflineRig.START_MS, 0);
    }

    @Override
    public List<OfflineDevice> listDevices() {
      return new ArrayList<>();
    }

    @Override
    public void deauthoriseDevice(String deviceId) {}

    @Override
    public DownloadGrant authorise(List<String> trackIds) {
      List<GrantedObject> granted = new ArrayList<>();
      for (String trackId : trackIds) {
        granted.add(objects.get(trackId));
      }
      return new DownloadGrant(granted, trackIds.size(), 10_000);
    }

    @Override
    public KeyGrant requestKeys(List<String> trackIds) {
      return keys(trackIds);
    }

    @Override
    public KeyGrant refresh(List<String> heldTrackIds) {
      return keys(heldTrackIds);
    }

    @Override
    public void release(List<String> trackIds) {}

    private static KeyGrant keys(List<String> trackIds) {
      List<DeviceKey> keys = new ArrayList<>();
      for (String trackId : trackIds) {
        keys.add(new DeviceKey(trackId, "k-" + trackId, FakeLicenceServer.wrappedKeyOf(trackId)));
      }
      long now = OfflineRig.START_MS;
      return new KeyGrant(
          keys,
          new LicenceTerms(now, now + FakeLicenceServer.LICENCE_PERIOD_MS),
          new ArrayList<String>());
    }
  }
}
