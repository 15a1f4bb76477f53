package dev.tonearm.bench;

import dev.tonearm.drm.ContentKey;
import dev.tonearm.drm.CtrDecryptor;
import dev.tonearm.drm.DrmException;
import java.util.Collection;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * AES-256-CTR decryption throughput of {@link CtrDecryptor} by cipher update chunk size, and the
 * share of one core that decryption takes at playback bit rates.
 *
 * <p>Each operation decrypts a 4 MiB buffer of random ciphertext into a reused output buffer, in
 * {@code Cipher.update} calls of {@code chunkSizeBytes}; the 4 MiB case is one call for the whole
 * buffer. Run with {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tonearm.bench.DecryptBenchmark} to get a table in MB/s (10^6 bytes per second) and the CPU
 * share at 320 kbps Vorbis (40,000 bytes/s) and CD-quality FLAC (1,411.2 kbps, 176,400 bytes/s
 * before compression, so an upper bound for FLAC files).
 *
 * <p>With the first argument {@code playback}, it measures instead the share of playback CPU that
 * decryption takes in the real player path; see {@link PlaybackDecryptCost}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecryptBenchmark {
  /** Bytes decrypted per benchmark operation. */
  static final int BUFFER_SIZE_BYTES = 4 * 1024 * 1024;

  private static final double VORBIS_320_BYTES_PER_SECOND = 320_000 / 8.0;
  private static final double FLAC_CD_BYTES_PER_SECOND = 1_411_200 / 8.0;

  @Param({"4096", "16384", "65536", "262144", "1048576", "4194304"})
  public int chunkSizeBytes;

  private byte[] ciphertext;
  private byte[] plaintext;
  private CtrDecryptor decryptor;

  @Setup
  public void setUp() throws DrmException {
    Random random = new Random(1);
    byte[] key = new byte[ContentKey.KEY_LENGTH_BYTES];
    random.nextBytes(key);
    byte[] iv = new byte[CtrDecryptor.IV_LENGTH_BYTES];
    random.nextBytes(iv);
    ciphertext = new byte[BUFFER_SIZE_BYTES];
    random.nextBytes(ciphertext);
    plaintext = new byte[BUFFER_SIZE_BYTES];
    decryptor =
        new CtrDecryptor(new ContentKey("k-bench", key, Long.MAX_VALUE), iv, chunkSizeBytes);
  }

  /** Decrypts the whole buffer from object offset 0, so each operation starts with one seek. */
  @Benchmark
  public byte[] decrypt() throws DrmException {
    decryptor.decrypt(0, ciphertext, 0, BUFFER_SIZE_BYTES, plaintext, 0);
    return plaintext;
  }

  /**
   * Runs the benchmark and prints throughput and CPU share per chunk size. Arguments are JMH
   * command-line options, for example {@code -wi 5 -i 10 -f 2}, or {@code playback [RUNS]
   * [WARM_UP_RUNS] [WAV_FILE]} for {@link PlaybackDecryptCost}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("playback")) {
      PlaybackDecryptCost.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options options =
        new OptionsBuilder()
            .parent(new CommandLineOptions(args))
            .include(DecryptBenchmark.class.getName() + ".decrypt")
            .build();
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.println(
        "chunk size | MB/s    | CPU share at 320 kbps | CPU share at FLAC 1411 kbps");
    for (RunResult result : results) {
      String chunk = result.getParams().getParam("chunkSizeBytes");
      double operationsPerSecond = result.getPrimaryResult().getScore();
      double bytesPerSecond = operationsPerSecond * BUFFER_SIZE_BYTES;
      System.out.println(
          String.format(
              Locale.ROOT,
              "%10s | %7.0f | %20.5f%% | %26.5f%%",
              chunk,
              bytesPerSecond / 1e6,
              100 * VORBIS_320_BYTES_PER_SECOND / bytesPerSecond,
              100 * FLAC_CD_BYTES_PER_SECOND / bytesPerSecond));
    }
  }
}
