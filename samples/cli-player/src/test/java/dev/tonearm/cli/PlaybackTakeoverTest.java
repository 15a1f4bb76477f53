package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.api.Recommendation;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two {@code play} commands on one account against a real embedded reference server on loopback:
 * the second takes over the playback session, and the first reports it and exits with code 3.
 * Each command has its own key store, so they are two registered devices.
 */
class PlaybackTakeoverTest {
  /** Hang guard for each wait; a demo track streams and decodes in seconds. */
  private static final long TIMEOUT_S = 120;

  private static final String MOVED_LINE = "playback moved to another device";

  @Test
  void secondPlayer_takesOver_firstReportsAndExits(@TempDir Path dir) throws Exception {
    try (ReferenceServer server =
        ReferenceServer.builder()
            .dataDir(dir.resolve("server"))
            .apiPort(0)
            .edgeCount(2)
            .passwordHashIterations(1_000)
            .build()
            .start()) {
      TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
      client.login(DemoCommand.PREMIUM_USER, DemoCommand.PREMIUM_PASSWORD);
      String trackId = client.search("Apex Aleph", java.util.Arrays.asList("track"), 1, 0)
          .results().get(0).id();

      // The CLI checks that the key store's folder exists before it plays.
      java.nio.file.Files.createDirectories(dir.resolve("first"));
      java.nio.file.Files.createDirectories(dir.resolve("second"));

      // The first player's sink holds playback after its first block, because a real sink
      // would finish the track faster than real time, before the second player starts.
      GatedSink gate = new GatedSink();
      SignallingWriter firstOut = new SignallingWriter();
      StringWriter firstErr = new StringWriter();
      AtomicInteger firstExit = new AtomicInteger(-1);
      Thread first =
          new Thread(
              () ->
                  firstExit.set(
                      TonearmCli.run(
                          factoryWithSink(gate),
                          new PrintWriter(firstOut, true),
                          new PrintWriter(firstErr, true),
                          playArgs(server, dir.resolve("first"), trackId))),
              "first-cli");
      first.start();
      assertThat(gate.firstWrite.await(TIMEOUT_S, TimeUnit.SECONDS))
          .as("first player wrote audio; output: " + firstOut)
          .isTrue();

      StringWriter secondOut = new StringWriter();
      StringWriter secondErr = new StringWriter();
      int secondExit =
          TonearmCli.run(
              new PrintWriter(secondOut, true),
              new PrintWriter(secondErr, true),
              playArgs(server, dir.resolve("second"), trackId));

      assertThat(firstOut.await(MOVED_LINE, TIMEOUT_S))
          .as("first player's output: " + firstOut)
          .isTrue();
      gate.open();
      first.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
      assertThat(first.isAlive()).isFalse();
      assertThat(firstExit.get()).isEqualTo(TonearmCli.EXIT_SUPERSEDED);
      assertThat(firstErr.toString()).doesNotContain("error:");
      long movedLines = firstOut.toString().lines().filter(l -> l.startsWith(MOVED_LINE)).count();
      assertThat(movedLines).isEqualTo(1);
      assertThat(firstOut.toString()).doesNotContain("finished");
      assertThat(secondExit).as("second player's error output: " + secondErr).isZero();
      assertThat(secondOut.toString()).contains("finished 1 track(s)");

      // The second player played the track to its end and reported a PLAY, so the track is no
      // longer a discovery for the account.
      Recommendation played = null;
      for (Recommendation item : client.recommendations(10).items()) {
        if (item.trackId().equals(trackId)) {
          played = item;
        }
      }
      assertThat(played).as("recommendation of the played track").isNotNull();
      assertThat(played.discovery()).isFalse();
    }
  }

  private static String[] playArgs(ReferenceServer server, Path home, String trackId) {
    return new String[] {
      "play",
      "--server", server.apiUrl(),
      "--session-events", server.sessionEventsUrl(),
      "--key-store", home.resolve("keys.tks").toString(),
      "--cache-dir", home.resolve("cache").toString(),
      "--out", home.getParent().resolve(home.getFileName() + ".wav").toString(),
      trackId
    };
  }

  private static CommandLine.IFactory factoryWithSink(AudioSink sink) {
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        K created = CommandLine.defaultFactory().create(type);
        if (created instanceof PlayCommand play) {
          play.sinkFactory = () -> sink;
        }
        return created;
      }
    };
  }

  /** Sink that accepts one block and then blocks writers until {@link #open()}. */
  private static final class GatedSink implements AudioSink {
    final CountDownLatch firstWrite = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    void open() {
      opened.countDown();
    }

    @Override
    public void open(PcmFormat format) {}

    @Override
    public void write(int[] samples, int frames) throws java.io.InterruptedIOException {
      if (firstWrite.getCount() == 0) {
        try {
          opened.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("gated write interrupted");
        }
      }
      firstWrite.countDown();
    }

    @Override
    public void drain() {}

    @Override
    public boolean isRealTime() {
      return false;
    }

    @Override
    public void close() {
      opened.countDown();
    }
  }

  /** Writer that stores its text and lets a thread wait until a given text appears. */
  private static final class SignallingWriter extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
      text.append(buffer, offset, length);
      notifyAll();
    }

    /** Waits up to {@code timeoutS} for {@code expected} and returns whether it appeared. */
    synchronized boolean await(String expected, long timeoutS) throws InterruptedException {
      long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
      while (text.indexOf(expected) < 0) {
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
        if (remainingMs <= 0) {
          return false;
        }
        wait(remainingMs);
      }
      return true;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public synchronized String toString() {
      return text.toString();
    }
  }
}
