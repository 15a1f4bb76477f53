package dev.tonearm.core.decode.flac;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/**
 * Runs JFLAC 1.5.2 (test scope only) on a file and collects its PCM bytes. JFLAC prints debug lines
 * to standard output, so each run captures System.out and counts them. A run that does not finish
 * within the time limit is abandoned on its daemon thread and reported as a hang.
 */
final class JflacOracle {
  /** Outcome of one JFLAC run. */
  static final class Result {
    byte[] pcm = new byte[0];
    int bitsPerSample;
    boolean hung;
    Throwable error;
    int stdoutLines;
  }

  private JflacOracle() {}

  static Result decode(Path file, long timeoutSeconds) throws InterruptedException {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "jflac-oracle");
              thread.setDaemon(true);
              return thread;
            });
    Result result = new Result();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    synchronized (JflacOracle.class) {
      System.setOut(new PrintStream(printed, true));
      try {
        Future<?> run =
            executor.submit(
                () -> {
                  runJflac(file, result);
                  return null;
                });
        try {
          run.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          result.hung = true;
          run.cancel(true);
        } catch (ExecutionException e) {
          result.error = e.getCause();
        }
      } finally {
        System.setOut(originalOut);
        executor.shutdownNow();
      }
    }
    String text = new String(printed.toByteArray(), StandardCharsets.UTF_8);
    result.stdoutLines = text.isEmpty() ? 0 : text.split("\n", -1).length - 1;
    return result;
  }

  private static void runJflac(Path file, Result result) throws Exception {
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(file)) {
      FLACDecoder decoder = new FLACDecoder(in);
      decoder.addPCMProcessor(
          new PCMProcessor() {
            @Override
            public void processStreamInfo(StreamInfo info) {
              result.bitsPerSample = info.getBitsPerSample();
            }

            @Override
            public void processPCM(ByteData data) {
              pcm.write(data.getData(), 0, data.getLen());
            }
          });
      decoder.decode();
    }
    result.pcm = pcm.toByteArray();
  }

  static String md5Hex(byte[] bytes) {
    MessageDigest md5 = FlacTestSupport.md5();
    return FlacTestSupport.hex(md5.digest(bytes));
  }
}
