package dev.tonearm.bench;

import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.flac.FlacDecoder;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Compares the speed of {@link FlacDecoder} with the reference {@code flac} command-line decoder on
 * corpus files, as multiples of real time (audio seconds decoded per wall-clock second).
 *
 * <p>Four figures per file:
 *
 * <ul>
 *   <li>Tonearm cold: the first decode in a fresh JVM, timed inside a child JVM started for that
 *       file alone, so class loading and interpretation are included but JVM start-up is not.
 *   <li>Tonearm warm: the fastest of {@code --runs} decodes after {@code --warmup-ms} of warm-up.
 *   <li>flac cold and warm: {@code flac -d -s -c FILE} with output discarded, first run and the
 *       fastest of {@code --runs} runs. These include process start-up and flac's own MD5 check of
 *       the output, which the Tonearm decoder does not compute.
 * </ul>
 *
 * <p>Warm figures are the fastest run, not the median, because the fastest run is the one least
 * disturbed by other processes on a shared machine. Both decoders are measured the same way.
 *
 * <p>Run after {@code mvn -B -pl benchmarks -am package -DskipTests}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tonearm.bench.FlacDecodeBenchmark \
 *     [options] [FILE...]
 *   --runs N        measured runs per decoder and file (default 15)
 *   --warmup-ms N   in-process warm-up per file in milliseconds (default 3000)
 *   --flac PATH     flac executable (default "flac"; its figures are skipped if it is absent)
 * </pre>
 *
 * <p>Without FILE arguments it uses a fixed set of testbench files from the corpus. This is a
 * measurement tool, not a test: it asserts nothing.
 */
public final class FlacDecodeBenchmark {
  private static final String[] DEFAULT_FILES = {
    "flac-test-files/subset/01 - blocksize 4096.flac",
    "flac-test-files/subset/03 - blocksize 16.flac",
    "flac-test-files/subset/15 - only verbatim subframes.flac",
    "flac-test-files/subset/24 - variable blocksize file created with flake revision 264.flac",
    "flac-test-files/subset/28 - high resolution audio, default settings.flac",
    "flac-test-files/subset/31 - high resolution audio, using only 32nd order predictors.flac",
    "flac-test-files/subset/37 - 20 bit per sample.flac",
    "flac-test-files/subset/43 - 8 channels (7.1).flac",
    "flac-test-files/subset/63 - predictor overflow check, 24-bit.flac",
  };

  private FlacDecodeBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--cold-child")) {
      long startNanos = System.nanoTime();
      decode(Paths.get(args[1]));
      System.out.println(System.nanoTime() - startNanos);
      return;
    }
    int runs = 15;
    long warmupMs = 3000;
    String flac = "flac";
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs":
          runs = Integer.parseInt(args[++i]);
          break;
        case "--warmup-ms":
          warmupMs = Long.parseLong(args[++i]);
          break;
        case "--flac":
          flac = args[++i];
          break;
        default:
          files.add(Paths.get(args[i]));
      }
    }
    if (files.isEmpty()) {
      for (String relative : DEFAULT_FILES) {
        Path path = Corpus.root().resolve(relative);
        if (Files.exists(path)) {
          files.add(path);
        } else {
          System.err.println("skipping missing corpus file " + path);
        }
      }
    }
    boolean haveFlac = canRun(flac);
    System.out.printf(
        Locale.ROOT,
        "%-40s %8s | %12s %12s | %12s %12s | %10s%n",
        "file",
        "audio s",
        "tonearm cold",
        "tonearm warm",
        "flac cold",
        "flac warm",
        "warm ratio");
    for (Path file : files) {
      double audioSeconds = audioSeconds(file);
      double coldSeconds = coldChildSeconds(file);
      double warmSeconds = warmSeconds(file, warmupMs, runs);
      double flacCold = Double.NaN;
      double flacWarm = Double.NaN;
      if (haveFlac) {
        flacCold = flacSeconds(flac, file);
        double[] times = new double[runs];
        for (int r = 0; r < runs; r++) {
          times[r] = flacSeconds(flac, file);
        }
        flacWarm = fastest(times);
      }
      System.out.printf(
          Locale.ROOT,
          "%-40s %8.2f | %11.0fx %11.0fx | %11.0fx %11.0fx | %9.2fx%n",
          shortName(file),
          audioSeconds,
          audioSeconds / coldSeconds,
          audioSeconds / warmSeconds,
          audioSeconds / flacCold,
          audioSeconds / flacWarm,
          flacWarm / warmSeconds);
    }
    System.out.println(
        "multiples of real time; warm ratio = flac warm time / tonearm warm time (>1: tonearm"
            + " faster)");
  }

  private static long decode(Path file) throws IOException {
    try (FlacDecoder decoder = FlacDecoder.open(new FileByteSource(file))) {
      PcmBuffer buffer = new PcmBuffer();
      long frames = 0;
      long checksum = 0;
      int count;
      while ((count = decoder.read(buffer)) > 0) {
        frames += count;
        checksum += buffer.samples[count - 1];
      }
      return frames + checksum;
    }
  }

  private static double audioSeconds(Path file) throws IOException {
    try (FlacDecoder decoder = FlacDecoder.open(new FileByteSource(file))) {
      long frames = decoder.streamInfoTotalSamples();
      if (frames == 0) {
        PcmBuffer buffer = new PcmBuffer();
        int count;
        while ((count = decoder.read(buffer)) > 0) {
          frames += count;
        }
      }
      return (double) frames / decoder.format().sampleRateHz();
    }
  }

  private static double warmSeconds(Path file, long warmupMs, int runs) throws IOException {
    long sink = 0;
    long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
    while (System.nanoTime() < warmupEnd) {
      sink += decode(file);
    }
    double[] times = new double[runs];
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      sink += decode(file);
      times[r] = (System.nanoTime() - start) / 1e9;
    }
    if (sink == 42) {
      System.out.print("");
    }
    return fastest(times);
  }

  private static double coldChildSeconds(Path file) throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FlacDecodeBenchmark.class.getName(),
                "--cold-child",
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    if (process.waitFor() != 0) {
      throw new IOException("cold decode of " + file + " failed");
    }
    String[] lines = output.split("\n");
    return Long.parseLong(lines[lines.length - 1].trim()) / 1e9;
  }

  private static double flacSeconds(String flac, Path file)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(flac, "-d", "-s", "-c", file.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int exit = process.waitFor();
    long elapsed = System.nanoTime() - start;
    if (exit != 0) {
      throw new IOException("flac exited with " + exit + " for " + file);
    }
    return elapsed / 1e9;
  }

  private static boolean canRun(String flac) {
    try {
      Process process =
          new ProcessBuilder(flac, "--version")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor() == 0;
    } catch (IOException e) {
      System.err.println("flac not found (" + e.getMessage() + "); reporting Tonearm only");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static double fastest(double[] values) {
    double min = Double.POSITIVE_INFINITY;
    for (double value : values) {
      min = Math.min(min, value);
    }
    return min;
  }

  private static String shortName(Path file) {
    String name = file.getFileName().toString();
    return name.length() <= 40 ? name : name.substring(0, 37) + "...";
  }
}
