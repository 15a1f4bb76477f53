package dev.tonearm.bench;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.vorbis.VorbisDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compares Tonearm's Vorbis decoder with libvorbis ({@code oggdec}) and JOrbis 0.0.17 on the same
 * files, in the same run.
 *
 * <p>The run decodes a music file of the test corpus to WAV with {@code oggdec}, encodes it with
 * {@code oggenc -b 96}, {@code -b 160} and {@code -b 320} into a temporary folder, and times each
 * decoder on each file. Figures are multiples of real time (audio seconds per decoding second),
 * from CPU time of the decoding thread or process (stable when other work shares the machine)
 * and from wall-clock time. "Cold" is the first decode in a fresh JVM (class loading and JIT
 * included); "warm" is the median of repeated decodes after warm-up. {@code oggdec} runs as
 * {@code oggdec -Q -R -o /dev/null}, and its CPU time comes from bash's {@code times}.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tonearm.bench.VorbisDecodeBenchmark [music.ogg]}. Without an argument it takes
 * {@code music/singularity-media-threat.ogg} from the corpus ({@code TONEARM_CORPUS}, the
 * {@code tonearm.corpus} property, or {@code ../shared/corpus}). Needs {@code oggenc},
 * {@code oggdec} and {@code bash} on the PATH.
 */
public final class VorbisDecodeBenchmark {
  private static final int[] BITRATES_KBPS = {96, 160, 320};
  private static final int WARMUP_RUNS = 3;
  private static final int MEASURED_RUNS = 7;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private VorbisDecodeBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--cold")) {
      Timing timing = decodeTonearm(Paths.get(args[1]));
      System.out.println("COLD " + timing.cpuNanos + " " + timing.wallNanos + " " + timing.frames);
      return;
    }
    if (args.length == 2 && args[0].equals("--cold-jorbis")) {
      Timing timing = decodeJorbis(Paths.get(args[1]));
      System.out.println("COLD " + timing.cpuNanos + " " + timing.wallNanos + " " + timing.frames);
      return;
    }
    Path music = args.length > 0 ? Paths.get(args[0])
        : corpusRoot().resolve("music/singularity-media-threat.ogg");
    if (!Files.exists(music)) {
      throw new IllegalArgumentException("music file not found: " + music
          + " (pass a path, or set TONEARM_CORPUS to the corpus folder)");
    }
    Path work = Files.createTempDirectory("tonearm-vorbis-bench");
    try {
      Path wav = work.resolve("source.wav");
      run(List.of("oggdec", "-Q", "-o", wav.toString(), music.toString()));
      System.out.printf(Locale.ROOT, "source: %s%n", music.getFileName());
      System.out.printf(Locale.ROOT, "java: %s %s, %d processors%n",
          System.getProperty("java.vm.name"), System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      System.out.println();
      System.out.println("multiples of real time (audio seconds per decoding second);"
          + " cpu = thread or process CPU time");
      System.out.printf(Locale.ROOT, "%-9s %-6s %12s %12s %12s %12s %12s %10s %10s%n",
          "bitrate", "run", "tonearm-cpu", "tonearm-wall", "oggdec-cpu", "oggdec-wall",
          "jorbis-cpu", "ratio-cpu", "ratio-wall");
      for (int kbps : BITRATES_KBPS) {
        Path ogg = work.resolve("music-" + kbps + ".ogg");
        run(List.of("oggenc", "-Q", "-b", String.valueOf(kbps), "-o", ogg.toString(),
            wav.toString()));
        report(kbps, ogg);
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void report(int kbps, Path ogg) throws Exception {
    Timing first = decodeTonearm(ogg);
    double seconds = first.frames / (double) first.sampleRateHz;

    Timing coldTonearm = coldRun("--cold", ogg);
    Timing coldJorbis = coldRun("--cold-jorbis", ogg);
    Timing coldOggdec = oggdec(ogg);
    print(kbps, "cold", seconds, coldTonearm, coldOggdec, coldJorbis);

    for (int i = 0; i < WARMUP_RUNS; i++) {
      decodeTonearm(ogg);
      decodeJorbis(ogg);
      oggdec(ogg);
    }
    List<Timing> tonearm = new ArrayList<>();
    List<Timing> jorbis = new ArrayList<>();
    List<Timing> native_ = new ArrayList<>();
    for (int i = 0; i < MEASURED_RUNS; i++) {
      tonearm.add(decodeTonearm(ogg));
      jorbis.add(decodeJorbis(ogg));
      native_.add(oggdec(ogg));
    }
    print(kbps, "warm", seconds, median(tonearm), median(native_), median(jorbis));
  }

  private static void print(int kbps, String run, double seconds, Timing tonearm, Timing oggdec,
      Timing jorbis) {
    double tonearmCpu = seconds / (tonearm.cpuNanos / 1e9);
    double tonearmWall = seconds / (tonearm.wallNanos / 1e9);
    double oggdecCpu = seconds / (oggdec.cpuNanos / 1e9);
    double oggdecWall = seconds / (oggdec.wallNanos / 1e9);
    double jorbisCpu = seconds / (jorbis.cpuNanos / 1e9);
    System.out.printf(Locale.ROOT, "%-9s %-6s %11.0fx %11.0fx %11.0fx %11.0fx %11.0fx %10.2f %10.2f%n",
        kbps + " kbps", run, tonearmCpu, tonearmWall, oggdecCpu, oggdecWall, jorbisCpu,
        tonearmCpu / oggdecCpu, tonearmWall / oggdecWall);
  }

  private static Timing median(List<Timing> timings) {
    long[] cpu = timings.stream().mapToLong(t -> t.cpuNanos).sorted().toArray();
    long[] wall = timings.stream().mapToLong(t -> t.wallNanos).sorted().toArray();
    Timing result = new Timing();
    result.cpuNanos = cpu[cpu.length / 2];
    result.wallNanos = wall[wall.length / 2];
    result.frames = timings.get(0).frames;
    return result;
  }

  static Timing decodeTonearm(Path file) throws IOException {
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    long wallStart = System.nanoTime();
    Timing timing = new Timing();
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      PcmBuffer buffer = new PcmBuffer();
      int frames;
      long checksum = 0;
      while ((frames = decoder.read(buffer)) > 0) {
        timing.frames += frames;
        checksum += buffer.samples[0];
      }
      timing.sampleRateHz = decoder.format().sampleRateHz();
      timing.checksum = checksum;
    }
    timing.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
    timing.wallNanos = System.nanoTime() - wallStart;
    return timing;
  }

  /**
   * Decodes with JOrbis's low-level API and converts to 16-bit PCM the way its examples do
   * (truncating), as a baseline of the Java decoder this SDK does not use.
   */
  static Timing decodeJorbis(Path file) throws IOException {
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    long wallStart = System.nanoTime();
    Timing timing = new Timing();
    SyncState sync = new SyncState();
    StreamState stream = new StreamState();
    Page page = new Page();
    Packet packet = new Packet();
    Info info = new Info();
    Comment comment = new Comment();
    DspState dsp = new DspState();
    Block block = new Block(dsp);
    short[] pcmOut = new short[8192 * 8];
    float[][][] pcmHolder = new float[1][][];
    int[] index = new int[8];
    int headers = 0;
    boolean streamInitialised = false;
    try (InputStream in = Files.newInputStream(file)) {
      boolean end = false;
      while (!end) {
        int offset = sync.buffer(16384);
        int read = in.read(sync.data, offset, 16384);
        if (read <= 0) {
          break;
        }
        sync.wrote(read);
        while (sync.pageout(page) == 1) {
          if (!streamInitialised) {
            stream.init(page.serialno());
            streamInitialised = true;
          }
          stream.pagein(page);
          while (stream.packetout(packet) == 1) {
            if (headers < 3) {
              info.synthesis_headerin(comment, packet);
              if (++headers == 3) {
                dsp.synthesis_init(info);
                block.init(dsp);
              }
              continue;
            }
            if (block.synthesis(packet) == 0) {
              dsp.synthesis_blockin(block);
            }
            int samples;
            while ((samples = dsp.synthesis_pcmout(pcmHolder, index)) > 0) {
              int channels = info.channels;
              for (int c = 0; c < channels; c++) {
                float[] source = pcmHolder[0][c];
                int base = index[c];
                for (int i = 0; i < samples; i++) {
                  int value = (int) (source[base + i] * 32767f);
                  pcmOut[i * channels + c] = (short) Math.max(-32768, Math.min(32767, value));
                }
              }
              timing.frames += samples;
              dsp.synthesis_read(samples);
            }
          }
          if (page.eos() != 0) {
            end = true;
          }
        }
      }
    }
    timing.sampleRateHz = info.rate;
    timing.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
    timing.wallNanos = System.nanoTime() - wallStart;
    return timing;
  }

  /** Decodes once in a fresh JVM with this JVM's class path. */
  private static Timing coldRun(String mode, Path file) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        VorbisDecodeBenchmark.class.getName(), mode, file.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException("cold run failed: " + output);
    }
    for (String line : output.split("\n")) {
      if (line.startsWith("COLD ")) {
        String[] fields = line.trim().split(" ");
        Timing timing = new Timing();
        timing.cpuNanos = Long.parseLong(fields[1]);
        timing.wallNanos = Long.parseLong(fields[2]);
        timing.frames = Long.parseLong(fields[3]);
        return timing;
      }
    }
    throw new IOException("cold run printed no timing: " + output);
  }

  /** Runs oggdec once; CPU time is the child's user plus system time as bash reports it. */
  private static Timing oggdec(Path file) throws Exception {
    String script = "oggdec -Q -R -o /dev/null \"$1\" || exit 1; times";
    long wallStart = System.nanoTime();
    Process process = new ProcessBuilder("bash", "-c", script, "bash", file.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException("oggdec failed: " + output);
    }
    Timing timing = new Timing();
    timing.wallNanos = System.nanoTime() - wallStart;
    String[] lines = output.trim().split("\n");
    String[] children = lines[lines.length - 1].trim().split("\\s+");
    timing.cpuNanos = parseBashTime(children[0]) + parseBashTime(children[1]);
    return timing;
  }

  /** Parses bash's {@code 0m0.431s} format into nanoseconds. */
  private static long parseBashTime(String text) {
    int minutes = text.indexOf('m');
    double value = Double.parseDouble(text.substring(0, minutes)) * 60
        + Double.parseDouble(text.substring(minutes + 1, text.length() - 1));
    return (long) (value * 1e9);
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  private static Path corpusRoot() {
    String configured = System.getenv("TONEARM_CORPUS");
    if (configured == null || configured.isEmpty()) {
      configured = System.getProperty("tonearm.corpus", "../shared/corpus");
    }
    return Paths.get(configured).toAbsolutePath().normalize();
  }

  static final class Timing {
    long cpuNanos;
    long wallNanos;
    long frames;
    long sampleRateHz;
    long checksum;

    @Override
    public String toString() {
      return Arrays.toString(new long[] {cpuNanos, wallNanos, frames});
    }
  }
}
