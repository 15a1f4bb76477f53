package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Shared helpers for the FLAC decoder tests: corpus listing and whole-stream decoding. */
final class FlacTestSupport {
  static final String SUBSET = "flac-test-files/subset";
  static final String FAULTY = "flac-test-files/faulty";

  private FlacTestSupport() {}

  /** Lists the .flac files in a corpus folder by name, skipping the test if it is absent. */
  static List<Path> corpusFiles(String folder) throws IOException {
    Path dir = Corpus.require(folder);
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".flac"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  static FlacDecoder open(Path file) throws IOException {
    FileByteSource source = new FileByteSource(file);
    try {
      return FlacDecoder.open(source);
    } catch (DecoderException e) {
      source.close();
      throw e;
    }
  }

  /** Result of decoding a whole stream. */
  static final class Decoded {
    long frames;
    String md5Hex;
    List<DecoderException> warnings;

    /** Interleaved samples, when collected. */
    int[] samples;
  }

  /** Decodes to the end, hashing the PCM as FLAC's STREAMINFO MD5 does. */
  static Decoded decodeAll(FlacDecoder decoder, boolean collectSamples) throws IOException {
    int channels = decoder.format().channels();
    int bytesPerSample = decoder.format().bytesPerSample();
    MessageDigest md5 = md5();
    PcmBuffer buffer = new PcmBuffer();
    byte[] bytes = new byte[0];
    IntList collected = collectSamples ? new IntList() : null;
    long frames = 0;
    int count;
    while ((count = decoder.read(buffer)) > 0) {
      int samples = count * channels;
      if (bytes.length < samples * bytesPerSample) {
        bytes = new byte[samples * bytesPerSample];
      }
      int o = 0;
      for (int i = 0; i < samples; i++) {
        int v = buffer.samples[i];
        for (int b = 0; b < bytesPerSample; b++) {
          bytes[o++] = (byte) (v >> (8 * b));
        }
      }
      md5.update(bytes, 0, o);
      if (collected != null) {
        collected.add(buffer.samples, samples);
      }
      frames += count;
    }
    Decoded result = new Decoded();
    result.frames = frames;
    result.md5Hex = hex(md5.digest());
    result.warnings = decoder.warnings();
    result.samples = collected == null ? null : collected.toArray();
    return result;
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b & 0xFF));
    }
    return out.toString();
  }

  /** A growable int array. */
  static final class IntList {
    private int[] values = new int[1 << 16];
    private int size;

    void add(int[] source, int count) {
      if (size + count > values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(values.length * 2, size + count));
      }
      System.arraycopy(source, 0, values, size, count);
      size += count;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  static List<String> names(List<Path> files) {
    List<String> names = new ArrayList<>();
    for (Path file : files) {
      names.add(file.getFileName().toString());
    }
    return names;
  }
}
