package dev.tonearm.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tonearm.offline.internal.DownloadIndex;
import dev.tonearm.offline.internal.Hex;
import dev.tonearm.offline.internal.IndexEntry;
import dev.tonearm.offline.internal.TrackFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM at 24 seeded durable steps during one download batch served by a loopback
 * server in this JVM, and checks the index after each kill: every track marked AVAILABLE has a
 * complete file whose every chunk matches its SHA-256, and a stored key. A last run without a kill
 * must resume the remaining downloads and finish the batch.
 */
class CrashRecoveryTest {
  private static final int ROUNDS = 24;
  private static final int TRACKS = 80;
  private static final int CHUNK_BYTES = 16 * 1024;
  private static final long ROUND_TIMEOUT_S = 120;

  @TempDir Path directory;

  @Test
  void killAtSeededSteps_invariantHoldsAndRestartFinishes() throws Exception {
    Path root = directory.resolve("offline");
    Path keys = directory.resolve("keys");
    Path manifest = directory.resolve("manifest.txt");
    try (ObjectServer server = new ObjectServer()) {
      Map<String, byte[]> contents = new LinkedHashMap<>();
      Map<String, GrantedObject> objects = new LinkedHashMap<>();
      Random random = new Random(20250301);
      for (int i = 0; i < TRACKS; i++) {
        String trackId = "t-crash-" + i;
        // Small tracks of 3 to 9 chunks, so a run often reaches the steps at a track's end.
        byte[] content = new byte[CHUNK_BYTES * (3 + random.nextInt(6)) + random.nextInt(999)];
        random.nextBytes(content);
        String path = "/objects/" + trackId;
        server.put(path, content);
        contents.put(trackId, content);
        objects.put(
            trackId,
            GrantedObject.builder(trackId)
                .renditionId("vorbis-160")
                .keyId("k-" + trackId)
                .urls(Arrays.asList(server.url(path)))
                .sizeBytes(content.length)
                .chunkSizeBytes(CHUNK_BYTES)
                .chunkSha256(FakeLicenceServer.chunkDigests(content, CHUNK_BYTES))
                .build());
      }
      CrashChild.writeManifest(manifest, objects);

      Map<String, Integer> killsByStep = new TreeMap<>();
      int kills = 0;
      int previousAvailable = 0;
      for (int seed = 1; seed <= ROUNDS; seed++) {
        String outcome = runChild(manifest, root, keys, seed);
        if (outcome.startsWith("KILLPOINT")) {
          kills++;
          killsByStep.merge(outcome.split(" ")[1], 1, Integer::sum);
        } else {
          assertThat(outcome).as("child %d without a kill", seed).isEqualTo("DONE");
        }
        int available = checkInvariant(root, keys, objects, "after child " + seed);
        assertThat(available)
            .as("available tracks after child %d", seed)
            .isGreaterThanOrEqualTo(previousAvailable);
        previousAvailable = available;
      }

      String last = runChild(manifest, root, keys, 0);
      assertThat(last).isEqualTo("DONE");
      assertThat(checkInvariant(root, keys, objects, "after the final run")).isEqualTo(TRACKS);
      TrackFiles files = new TrackFiles(root.toAbsolutePath());
      for (Map.Entry<String, byte[]> content : contents.entrySet()) {
        assertThat(Files.readAllBytes(files.objectFile(content.getKey())))
            .as(content.getKey())
            .isEqualTo(content.getValue());
      }

      assertThat(kills).as("kills, by step: %s", killsByStep).isGreaterThanOrEqualTo(20);
      // Which kinds a run reaches depends on thread timing, so only require variety here; the
      // recovery of each window is also tested one by one in RecoveryTest.
      assertThat(killsByStep.keySet())
          .as("kinds of steps killed at")
          .hasSizeGreaterThanOrEqualTo(3);
      long resumedByRange =
          server.requests().stream()
              .filter(request -> request.range != null && !request.range.equals("bytes=0-"))
              .count();
      assertThat(resumedByRange).as("downloads resumed with a range request").isPositive();
    }
  }

  /** Runs one child to its kill point or its end; returns its last status line. */
  private static String runChild(Path manifest, Path root, Path keys, long seed) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            CrashChild.class.getName(),
            manifest.toString(),
            root.toString(),
            keys.toString(),
            Long.toString(seed));
    builder.redirectErrorStream(true);
    Process process = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("READ-FAILED " + e);
              }
              lines.add("EOF");
            },
            "crash-child-reader-" + seed);
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        String line = lines.poll(ROUND_TIMEOUT_S, TimeUnit.SECONDS);
        if (line == null) {
          fail(
              "child %d printed nothing for %d s; output so far: %s",
              seed, ROUND_TIMEOUT_S, output);
        }
        output.add(line);
        if (line.startsWith("KILLPOINT")) {
          process.destroyForcibly();
          process.waitFor(ROUND_TIMEOUT_S, TimeUnit.SECONDS);
          return line;
        }
        if (line.equals("DONE")) {
          assertThat(process.waitFor(ROUND_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
          assertThat(process.exitValue()).isZero();
          return line;
        }
        if (line.equals("EOF")) {
          fail("child %d ended without a status; output: %s", seed, output);
        }
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(ROUND_TIMEOUT_S, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Checks the index as the killed child left it and returns the number of AVAILABLE tracks.
   * Opening the index cuts a torn journal tail, as the next start would.
   */
  private static int checkInvariant(
      Path root, Path keys, Map<String, GrantedObject> objects, String when) throws IOException {
    TrackFiles files = new TrackFiles(root.toAbsolutePath());
    DirectoryKeyStore keyStore = new DirectoryKeyStore(keys);
    int available = 0;
    try (DownloadIndex index =
        DownloadIndex.open(files.indexDirectory(), CheckpointObserver.NONE)) {
      for (IndexEntry entry : index.entries()) {
        if (entry.state() != DownloadState.AVAILABLE) {
          continue;
        }
        available++;
        String trackId = entry.trackId();
        GrantedObject object = objects.get(trackId);
        Path file = files.objectFile(trackId);
        assertThat(file).as("%s: file of available %s", when, trackId).exists();
        byte[] content = Files.readAllBytes(file);
        assertThat((long) content.length)
            .as("%s: size of %s", when, trackId)
            .isEqualTo(object.sizeBytes());
        List<String> digests = chunkDigests(content, object.chunkSizeBytes());
        assertThat(digests)
            .as("%s: chunk digests of %s", when, trackId)
            .isEqualTo(object.chunkSha256());
        DeviceKey key = keyStore.get(trackId);
        assertThat(key).as("%s: key of available %s", when, trackId).isNotNull();
        assertThat(key.keyId()).isEqualTo(object.keyId());
      }
    }
    return available;
  }

  private static List<String> chunkDigests(byte[] content, int chunkSizeBytes) {
    List<String> digests = new ArrayList<>();
    MessageDigest sha256 = Hex.sha256();
    for (int start = 0; start < content.length; start += chunkSizeBytes) {
      sha256.reset();
      sha256.update(content, start, Math.min(chunkSizeBytes, content.length - start));
      digests.add(Hex.encode(sha256.digest()));
    }
    return digests;
  }
}
