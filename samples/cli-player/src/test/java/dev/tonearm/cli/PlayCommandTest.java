package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.WavReader;
import dev.tonearm.drm.DeviceKeyStore;
import dev.tonearm.drm.FileKeyStorage;
import dev.tonearm.drm.OkHttpLicenceClient;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.testing.ExternalTool;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code play} and {@code devices} commands against a real embedded reference server on
 * loopback, with tracks that sox generates and the server ingests, so that their length and format
 * are known.
 */
class PlayCommandTest {
  /** Hang guard for one command run, which takes seconds on loopback. */
  private static final long COMMAND_TIMEOUT_S = 300;

  /** Small chunks, so that a short track needs many edge requests. */
  private static final int CHUNK_SIZE_BYTES = 16 * 1024;

  /** Edge requests served before the edge hook starts failing them. */
  private static final int SERVED_REQUESTS = 6;

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void serverStopsMidPlay_exitsAfterTimeout() throws Exception {
    assumeTools();
    AtomicInteger edgeRequests = new AtomicInteger();
    CountDownLatch failing = new CountDownLatch(1);
    ReferenceServer server =
        serverBuilder(1)
            .edgeHook(
                request -> {
                  if (edgeRequests.incrementAndGet() > SERVED_REQUESTS) {
                    failing.countDown();
                    throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "edge stopped by test");
                  }
                })
            .build()
            .start();
    Path wav = dir.resolve("played.wav");
    ExecutorService cli = Executors.newSingleThreadExecutor();
    try {
      String trackId = ingest(server, "noise-44k.wav", 44_100, 60);
      Future<Integer> exit =
          cli.submit(
              () ->
                  run(
                      "play",
                      trackId,
                      "--server",
                      server.apiUrl(),
                      "--out",
                      wav.toString(),
                      "--cache-dir",
                      dir.resolve("cache").toString(),
                      "--key-store",
                      dir.resolve("keys.tks").toString(),
                      "--network-timeout",
                      "1"));

      assertThat(failing.await(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)).as("edge failing").isTrue();
      server.close();

      assertThat(exit.get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(1);
    } finally {
      server.close();
      cli.shutdownNow();
    }
    String[] errLines = err.toString().trim().split("\\R");
    assertThat(errLines).hasSize(1);
    assertThat(errLines[0]).startsWith("error: ERROR_NETWORK: ");
    assertThat(errLines[0]).contains("--network-timeout 1 s");
    assertThat(out.toString()).contains("wrote " + wav);
    assertThat(framesIn(wav)).as("frames written before the server stopped").isPositive();
  }

  @Test
  void tracksOfTwoFormats_printsEachWavFile() throws Exception {
    assumeTools();
    Path wav = dir.resolve("mixed.wav");
    Path second = dir.resolve("mixed-2.wav");
    try (ReferenceServer server = serverBuilder(5).build().start()) {
      String first = ingest(server, "a-44k.wav", 44_100, 2);
      String other = ingest(server, "b-48k.wav", 48_000, 2);

      int exit = play(server, wav, first, other);

      assertThat(exit).as(err.toString()).isZero();
    }
    String output = out.toString();
    assertThat(output).contains("writing the audio to " + wav + " (");
    assertThat(output).contains("so the audio continues in a new file: " + second);
    assertThat(output).contains("wrote " + wav).contains("wrote " + second);
    assertThat(framesIn(wav)).isPositive();
    assertThat(framesIn(second)).isPositive();
  }

  @Test
  void deviceLimit_namesRemedyAndRemoveFreesSlot() throws Exception {
    assumeTools();
    Path wav = dir.resolve("limit.wav");
    try (ReferenceServer server = serverBuilder(1).build().start()) {
      String trackId = ingest(server, "c-44k.wav", 44_100, 2);
      String otherDevice = registerOtherDevice(server);

      int limited = play(server, wav, trackId);

      assertThat(limited).isEqualTo(1);
      assertThat(err.toString()).startsWith("error: ERROR_DEVICE_LIMIT_REACHED: ");
      assertThat(err.toString()).contains("'tonearm devices remove DEVICE_ID --server URL'");

      clearOutput();
      int listed = run("devices", "--server", server.apiUrl(), "--key-store", keyStore());

      assertThat(listed).as(err.toString()).isZero();
      assertThat(out.toString()).contains("  " + otherDevice + "  registered ");
      assertThat(out.toString()).contains("1 device(s)");

      clearOutput();
      int removed = run("devices", "remove", otherDevice, "--server", server.apiUrl());

      assertThat(removed).as(err.toString()).isZero();
      assertThat(out.toString()).contains("removed device " + otherDevice);

      clearOutput();
      int played = play(server, wav, trackId);

      assertThat(played).as(err.toString()).isZero();

      clearOutput();
      int listedAgain = run("devices", "--server", server.apiUrl(), "--key-store", keyStore());

      assertThat(listedAgain).as(err.toString()).isZero();
      String[] lines = out.toString().trim().split("\\R");
      assertThat(lines).hasSize(2);
      assertThat(lines[0]).as("this machine's device").startsWith("* ").contains("Tonearm CLI");
      assertThat(lines[0]).doesNotContain(otherDevice);

      clearOutput();
      int removedTwice = run("devices", "remove", otherDevice, "--server", server.apiUrl());

      assertThat(removedTwice).isEqualTo(1);
      assertThat(err.toString()).startsWith("error: ERROR_DEVICE_NOT_REGISTERED: ");
    }
  }

  private int run(String... args) {
    return TonearmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private int play(ReferenceServer server, Path wav, String... trackIds) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "play",
                "--server",
                server.apiUrl(),
                "--out",
                wav.toString(),
                "--cache-dir",
                dir.resolve("cache").toString(),
                "--key-store",
                keyStore()));
    args.addAll(List.of(trackIds));
    return run(args.toArray(new String[0]));
  }

  private String keyStore() {
    return dir.resolve("keys.tks").toString();
  }

  private void clearOutput() {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
  }

  private static void assumeTools() {
    assumeTrue(
        ExternalTool.isInstalled("sox")
            && ExternalTool.isInstalled("oggenc")
            && ExternalTool.isInstalled("oggdec"),
        "sox and vorbis-tools (oggenc, oggdec) are needed to make and ingest test tracks");
  }

  private ReferenceServer.Builder serverBuilder(int maxDevices) {
    return ReferenceServer.builder()
        .dataDir(dir.resolve("server"))
        .apiPort(0)
        .edgeCount(2)
        .passwordHashIterations(1_000)
        .seedDemo(false)
        .chunkSizeBytes(CHUNK_SIZE_BYTES)
        .demoVorbisLadderKbps(List.of(96))
        .maxDevicesPerAccount(maxDevices)
        .shutdownTimeout(Duration.ofSeconds(1));
  }

  /** Generates stereo white noise with sox, ingests it and returns the track id. */
  private String ingest(ReferenceServer server, String name, int sampleRateHz, int seconds)
      throws Exception {
    Path file = dir.resolve(name);
    Process sox =
        new ProcessBuilder(
                "sox", "-n", "-r", Integer.toString(sampleRateHz), "-c", "2", "-b", "16",
                file.toString(), "synth", Integer.toString(seconds), "whitenoise", "vol", "0.3")
            .redirectErrorStream(true)
            .start();
    String soxOutput = new String(sox.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sox.waitFor()).as("sox: " + soxOutput).isZero();
    return server.ingest().ingest(file, Map.of("TITLE", name)).track().id();
  }

  /** Registers a device with another hardware id, which takes a slot of the account. */
  private String registerOtherDevice(ReferenceServer server) throws Exception {
    TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
    client.login(DemoCommand.PREMIUM_USER, DemoCommand.PREMIUM_PASSWORD);
    try (DeviceKeyStore other =
        DeviceKeyStore.builder(
                new FileKeyStorage(dir.resolve("other").resolve("keys.tks")),
                () -> "other-machine".getBytes(StandardCharsets.UTF_8),
                "other-app".getBytes(StandardCharsets.UTF_8))
            .open()) {
      String deviceId = other.deviceIdentity().deviceId();
      OkHttpLicenceClient.builder()
          .session(client)
          .build()
          .registerDevice(deviceId, other.deviceIdentity().publicKeyBase64(), "Other laptop");
      return deviceId;
    }
  }

  private static long framesIn(Path wav) throws IOException {
    long frames = 0;
    try (var reader = WavReader.open(wav)) {
      PcmBuffer buffer = new PcmBuffer();
      int read;
      while ((read = reader.read(buffer)) > 0) {
        frames += read;
      }
    }
    return frames;
  }
}
