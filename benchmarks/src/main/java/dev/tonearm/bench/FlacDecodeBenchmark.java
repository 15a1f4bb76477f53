package dev.tonearm.bench;

import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.flac.FlacDecoder;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Compares the speed of {@link FlacDecoder} with the reference {@code flac} command-line decoder on
 * corpus files, as multiples of real time (audio seconds decoded per wall-clock second).
 *
 * <p>Figures per file:
 *
 * <ul>
 *   <li>Tonearm cold: the first decode in a fresh JVM, timed inside a child JVM started for that
 *       file alone, so class loading and interpretation are included but JVM start-up is not.
 *   <li>Tonearm warm: the fastest of {@code --runs} decodes after {@code --warmup-ms} of warm-up.
 *   <li>Tonearm + MD5 warm: the same, also packing the PCM little-endian and hashing it with MD5,
 *       which is the work {@code flac -d} does on top of decoding when it checks the STREAMINFO
 *       MD5.
 *   <li>flac cold and warm: {@code flac -d -s -c FILE} with output discarded, first run and the
 *       fastest of {@code --runs} runs. These include process start-up, writing the WAVE output to
 *       a discarding pipe and flac's MD5 check.
 *   <li>flac warm without start-up: the warm time minus the fastest {@code flac --version} run, an
 *       estimate of the cost of starting and ending the process.
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

  private final int runs;
  private final long warmupMs;
  private final String flac;
  private long sink;

  private FlacDecodeBenchmark(int runs, long warmupMs, String flac) {
    this.runs = runs;
    this.warmupMs = warmupMs;
    this.flac = flac;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--cold-child")) {
      long startNanos = System.nanoTime();
      decode(Paths.get(args[1]), null);
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
      files = defaultFiles();
    }
    new FlacDecodeBenchmark(runs, warmupMs, flac).run(files);
  }

  private static List<Path> defaultFiles() {
    List<Path> files = new ArrayList<>();
    for (String relative : DEFAULT_FILES) {
      Path path = Corpus.root().resolve(relative);
      if (Files.exists(path)) {
        files.add(path);
      } else {
        System.err.println("skipping missing corpus file " + path);
      }
    }
    return files;
  }

  private void run(List<Path> files) throws Exception {
    boolean haveFlac = canRun(flac);
    double flacStartSeconds = Double.NaN;
    if (haveFlac) {
      flacStartSeconds = fastestFlac(null);
      System.out.printf(
          Locale.ROOT, "flac start-up (fastest flac --version): %.2f ms%n", flacStartSeconds * 1e3);
    }
    System.out.printf(
        Locale.ROOT,
        "%-34s %6s | %8s %8s %8s | %8s %8s %8s | %7s %7s%n",
        "file",
        "audio s",
        "T cold",
        "T warm",
        "T+md5",
        "flac cld",
        "flac wrm",
        "flac -su",
        "ratio",
        "md5 -su");
    for (Path file : files) {
      double audioSeconds = audioSeconds(file);
      double cold = coldChildSeconds(file);
      double warm = warmSeconds(file, false);
      double warmMd5 = warmSeconds(file, true);
      double flacCold = haveFlac ? flacSeconds(file) : Double.NaN;
      double flacWarm = haveFlac ? fastestFlac(file) : Double.NaN;
      double flacDecodeOnly = flacWarm - flacStartSeconds;
      System.out.printf(
          Locale.ROOT,
          "%-34s %6.2f | %7.0fx %7.0fx %7.0fx | %7.0fx %7.0fx %7.0fx | %6.2fx %6.2fx%n",
          shortName(file),
          audioSeconds,
          audioSeconds / cold,
          audioSeconds / warm,
          audioSeconds / warmMd5,
          audioSeconds / flacCold,
          audioSeconds / flacWarm,
          audioSeconds / flacDecodeOnly,
          flacWarm / warm,
          flacDecodeOnly / warmMd5);
    }
    System.out.println(
        "multiples of real time (T = Tonearm, -su = flac start-up subtracted);"
            + " ratio = flac warm / T warm; md5 -su = (flac warm - start-up) / (T + md5 warm);"
            + " above 1 means Tonearm is faster");
    if (sink == 42) {
      System.out.print("");
    }
  }

  /** Decodes {@code file} to the end, hashing the PCM as flac does when {@code md5} is set. */
  private static long decode(Path file, MessageDigest md5) throws IOException {
    try (FlacDecoder decoder = FlacDecoder.open(new FileByteSource(file))) {
      int channels = decoder.format().channels();
      int bytesPerSample = decoder.format().bytesPerSample();
      PcmBuffer buffer = new PcmBuffer();
      byte[] bytes = new byte[0];
      long checksum = 0;
      int count;
      while ((count = decoder.read(buffer)) > 0) {
        checksum += buffer.samples[count - 1];
        if (md5 == null) {
          continue;
        }
        int samples = count * channels;
        if (bytes.length < samples * bytesPerSample) {
          bytes = new byte[samples * bytesPerSample];
        }
        packLittleEndian(buffer.samples, samples, bytesPerSample, bytes);
        md5.update(bytes, 0, samples * bytesPerSample);
      }
      return md5 == null ? checksum : checksum + md5.digest()[0];
    }
  }

  /** Packs samples little-endian, one loop per sample width so the JIT can keep it tight. */
  private static void packLittleEndian(int[] samples, int count, int bytesPerSample, byte[] out) {
    switch (bytesPerSample) {
      case 1:
        for (int i = 0; i < count; i++) {
          out[i] = (byte) samples[i];
        }
        break;
      case 2:
        for (int i = 0, o = 0; i < count; i++, o += 2) {
          int value = samples[i];
          out[o] = (byte) value;
          out[o + 1] = (byte) (value >> 8);
        }
        break;
      case 3:
        for (int i = 0, o = 0; i < count; i++, o += 3) {
          int value = samples[i];
          out[o] = (byte) value;
          out[o + 1] = (byte) (value >> 8);
          out[o + 2] = (byte) (value >> 16);
        }
        break;
      default:
        for (int i = 0, o = 0; i < count; i++, o += 4) {
          int value = samples[i];
          out[o] = (byte) value;
          out[o + 1] = (byte) (value >> 8);
          out[o + 2] = (byte) (value >> 16);
          out[o + 3] = (byte) (value >> 24);
        }
        break;
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

  private double warmSeconds(Path file, boolean withMd5) throws IOException {
    MessageDigest md5 = withMd5 ? md5() : null;
    long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
    while (System.nanoTime() < warmupEnd) {
      sink += decode(file, md5);
    }
    double fastest = Double.POSITIVE_INFINITY;
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      sink += decode(file, md5);
      fastest = Math.min(fastest, (System.nanoTime() - start) / 1e9);
    }
    return fastest;
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

  /** Returns the fastest of {@link #runs} flac runs on {@code file} (null: start-up only). */
  private double fastestFlac(Path file) throws IOException, InterruptedException {
    double fastest = Double.POSITIVE_INFINITY;
    for (int r = 0; r < runs; r++) {
      fastest = Math.min(fastest, flacSeconds(file));
    }
    return fastest;
  }

  /** Times one flac run: a decode of {@code file}, or {@code flac --version} when it is null. */
  private double flacSeconds(Path file) throws IOException, InterruptedException {
    List<String> command =
        file == null
            ? List.of(flac, "--version")
            : List.of(flac, "-d", "-s", "-c", file.toString());
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
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

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }

  private static String shortName(Path file) {
    String name = file.getFileName().toString();
    return name.length() <= 34 ? name : name.substring(0, 31) + "...";
  }
}
