package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks that {@link VorbisDecoder#seekToFrame(long)} lands on the exact frame: after each seek
 * the next frames must equal those of a straight decode from the start.
 */
class VorbisSeekTest {
  private static final int COMPARED_FRAMES = 6000;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "ogg-vorbis/libnogg/thingy.ogg",
      "ogg-vorbis/libnogg/6ch-all-page-types.ogg",
      "ogg-vorbis/libnogg/large-pages.ogg",
      "ogg-vorbis/libnogg/split-packet.ogg",
      "ogg-vorbis/xiph-test-vectors/chain-test1.ogg",
      "ogg-vorbis/xiph-test-vectors/chain-test3.ogg",
      "ogg-vorbis/mutagen/multipage-setup.ogg",
      "music/singularity-apex-aleph.ogg"})
  void seekToFrame_matchesStraightDecode(String relative) throws IOException {
    Path file = Corpus.require(relative);
    long total;
    List<Long> linkStarts = new ArrayList<>();
    try (VorbisDecoder probe = new VorbisDecoder(new FileByteSource(file))) {
      total = probe.totalFrames();
      for (VorbisLink link : probe.links()) {
        linkStarts.add(link.firstFrame());
      }
    }
    List<Long> targets = new ArrayList<>();
    targets.add(0L);
    targets.add(1L);
    targets.add(total - 1);
    targets.add(total);
    for (long start : linkStarts) {
      targets.add(Math.max(0, start - 1));
      targets.add(start);
      targets.add(Math.min(total, start + 1));
    }
    Random random = new Random(relative.hashCode());
    for (int i = 0; i < 6; i++) {
      targets.add((long) (random.nextDouble() * total));
    }
    try (VorbisDecoder seeking = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(seeking.isSeekable()).isTrue();
      for (long target : targets) {
        seeking.seekToFrame(target);
        assertThat(seeking.positionFrames()).isEqualTo(target);
        int[] expected = straightDecode(file, target, COMPARED_FRAMES);
        int[] actual = readFrames(seeking, COMPARED_FRAMES);
        assertThat(actual).as("%d samples after seeking to frame %d of %d", expected.length,
            target, total).isEqualTo(expected);
      }
    }
  }

  @Test
  void seekThenReadToEnd_yieldsRemainingFrames() throws IOException {
    Path file = Corpus.require("ogg-vorbis/xiph-test-vectors/chain-test1.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      long total = decoder.totalFrames();
      decoder.seekToFrame(1_000_000);
      assertThat(VorbisDecoderTest.drain(decoder)).isEqualTo(total - 1_000_000);
      decoder.seekToFrame(100);
      assertThat(VorbisDecoderTest.drain(decoder)).isEqualTo(total - 100);
      assertThat(decoder.positionFrames()).isEqualTo(total);
    }
  }

  @Test
  void seekToFrame_nonSeekableSource_failsSeekUnsupported() throws IOException {
    Path file = Corpus.require("ogg-vorbis/libnogg/square.ogg");
    try (VorbisDecoder decoder =
        new VorbisDecoder(new InputStreamByteSource(Files.newInputStream(file)))) {
      DecoderException error =
          catchThrowableOfType(DecoderException.class, () -> decoder.seekToFrame(10));
      assertThat(error).isNotNull();
      assertThat(error.reason()).isEqualTo(Reason.SEEK_UNSUPPORTED);
    }
  }

  @Test
  void seekToFrame_outsideStream_failsSeekOutOfRange() throws IOException {
    Path file = Corpus.require("ogg-vorbis/libnogg/square.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      for (long frame : new long[] {-1, 41}) {
        DecoderException error =
            catchThrowableOfType(DecoderException.class, () -> decoder.seekToFrame(frame));
        assertThat(error).as("frame %d", frame).isNotNull();
        assertThat(error.reason()).isEqualTo(Reason.SEEK_OUT_OF_RANGE);
      }
    }
  }

  /** Decodes from the start, skips {@code skip} frames and returns the next frames' samples. */
  private static int[] straightDecode(Path file, long skip, int frames) throws IOException {
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      PcmBuffer buffer = new PcmBuffer();
      long position = 0;
      List<int[]> parts = new ArrayList<>();
      int collected = 0;
      int count;
      while (collected < frames && (count = decoder.read(buffer)) > 0) {
        int channels = buffer.format.channels();
        int from = (int) Math.max(0, Math.min(count, skip - position));
        int take = Math.min(count - from, frames - collected);
        if (take > 0) {
          int[] part = new int[take * channels];
          System.arraycopy(buffer.samples, from * channels, part, 0, take * channels);
          parts.add(part);
          collected += take;
        }
        position += count;
      }
      return concat(parts);
    }
  }

  private static int[] readFrames(VorbisDecoder decoder, int frames) throws IOException {
    PcmBuffer buffer = new PcmBuffer();
    List<int[]> parts = new ArrayList<>();
    int collected = 0;
    int count;
    while (collected < frames && (count = decoder.read(buffer)) > 0) {
      int channels = buffer.format.channels();
      int take = Math.min(count, frames - collected);
      int[] part = new int[take * channels];
      System.arraycopy(buffer.samples, 0, part, 0, take * channels);
      parts.add(part);
      collected += take;
    }
    return concat(parts);
  }

  private static int[] concat(List<int[]> parts) {
    int length = 0;
    for (int[] part : parts) {
      length += part.length;
    }
    int[] all = new int[length];
    int offset = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }
}
