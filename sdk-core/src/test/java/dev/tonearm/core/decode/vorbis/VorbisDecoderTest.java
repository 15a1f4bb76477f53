package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tonearm.core.decode.ByteArrayByteSource;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link VorbisDecoder} on real corpus files: links, tags, damage and streaming. */
class VorbisDecoderTest {
  private static final String VECTORS = "ogg-vorbis/xiph-test-vectors/";
  private static final String LIBNOGG = "ogg-vorbis/libnogg/";

  @Test
  void chainedStream_changesFormatAtLinkBoundary() throws IOException {
    Path file = Corpus.require(VECTORS + "chain-test3.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      List<VorbisLink> links = decoder.links();
      assertThat(links).hasSize(2);
      assertThat(links.get(0).channels()).isEqualTo(2);
      assertThat(links.get(0).sampleRateHz()).isEqualTo(44_100);
      assertThat(links.get(0).frames()).isEqualTo(59_392);
      assertThat(links.get(1).channels()).isEqualTo(1);
      assertThat(links.get(1).sampleRateHz()).isEqualTo(48_000);
      assertThat(links.get(1).frames()).isEqualTo(515_234);
      assertThat(links.get(1).firstFrame()).isEqualTo(59_392);

      PcmBuffer buffer = new PcmBuffer();
      long[] framesPerLink = new long[2];
      List<Integer> linkSequence = new ArrayList<>();
      int frames;
      while ((frames = decoder.read(buffer)) > 0) {
        assertThat(buffer.format).isEqualTo(links.get(buffer.link).format());
        framesPerLink[buffer.link] += frames;
        if (linkSequence.isEmpty() || linkSequence.get(linkSequence.size() - 1) != buffer.link) {
          linkSequence.add(buffer.link);
        }
      }
      assertThat(linkSequence).containsExactly(0, 1);
      assertThat(framesPerLink).containsExactly(59_392, 515_234);
      assertThat(decoder.format()).isEqualTo(new PcmFormat(48_000, 1, 16));
    }
  }

  @Test
  void totalFrames_seekableChain_sumsLinksBeforeDecoding() throws IOException {
    Path file = Corpus.require(VECTORS + "chain-test1.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(decoder.totalFrames()).isEqualTo(2_062_410L + 888_832L);
      assertThat(decoder.links()).extracting(VorbisLink::frames)
          .containsExactly(2_062_410L, 888_832L);
    }
  }

  @Test
  void links_nonSeekableSource_fillInAsLinksEnd() throws IOException {
    Path file = Corpus.require(VECTORS + "chain-test1.ogg");
    ByteSource source = new InputStreamByteSource(Files.newInputStream(file));
    try (VorbisDecoder decoder = new VorbisDecoder(source)) {
      assertThat(decoder.isSeekable()).isFalse();
      assertThat(decoder.totalFrames()).isEqualTo(-1);
      assertThat(decoder.links()).hasSize(1);
      assertThat(decoder.links().get(0).frames()).isEqualTo(-1);
      long frames = drain(decoder);
      assertThat(frames).isEqualTo(2_951_242L);
      assertThat(decoder.totalFrames()).isEqualTo(2_951_242L);
      assertThat(decoder.links()).extracting(VorbisLink::frames)
          .containsExactly(2_062_410L, 888_832L);
      assertThat(decoder.links()).extracting(VorbisLink::channels).containsExactly(2, 1);
    }
  }

  @Test
  void sampleRateAbove2pow31_isReadAsUnsigned() throws IOException {
    Path file = Corpus.require(LIBNOGG + "sample-rate-max.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(decoder.format().sampleRateHz()).isEqualTo(4_294_967_295L);
      assertThat(drain(decoder)).isEqualTo(40);
    }
  }

  @Test
  void zeroLengthStream_yieldsNoFramesAndNoError() throws IOException {
    Path file = Corpus.require(LIBNOGG + "zero-length.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(decoder.totalFrames()).isZero();
      assertThat(decoder.read(new PcmBuffer())).isEqualTo(-1);
      assertThat(decoder.warnings()).isEmpty();
    }
  }

  @Test
  void truncatedFile_decodesPrefixAndWarnsTruncated() throws IOException {
    for (String name : new String[] {"one-entry-codebook-test.ogg", "test-short2.ogg"}) {
      Path file = Corpus.require(VECTORS + name);
      try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
        assertThat(drain(decoder)).as(name).isPositive();
        assertThat(decoder.warnings()).as(name).extracting(DecoderException::reason)
            .contains(Reason.TRUNCATED);
      }
    }
  }

  @Test
  void junkBetweenPages_isSkippedWithWarning() throws IOException {
    Path file = Corpus.require(LIBNOGG + "square-with-junk.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(drain(decoder)).isEqualTo(40);
      assertThat(decoder.warnings()).hasSize(1);
      assertThat(decoder.warnings().get(0).reason()).isEqualTo(Reason.CORRUPT_DATA);
      assertThat(decoder.warnings().get(0).getMessage()).contains("skipped 4 bytes");
    }
  }

  @Test
  void manyWarnings_areCappedWithSummary() throws IOException {
    byte[] original = Files.readAllBytes(Corpus.require(LIBNOGG + "thingy.ogg"));
    // Three junk bytes before every page but the first: 121 resynchronisations.
    ByteArrayOutputStream junked = new ByteArrayOutputStream();
    for (int offset = 0; offset < original.length; ) {
      int segments = original[offset + 26] & 0xFF;
      int length = 27 + segments;
      for (int i = 0; i < segments; i++) {
        length += original[offset + 27 + i] & 0xFF;
      }
      if (offset > 0) {
        junked.write(new byte[] {1, 2, 3}, 0, 3);
      }
      junked.write(original, offset, length);
      offset += length;
    }
    try (VorbisDecoder decoder = new VorbisDecoder(
        new ByteArrayByteSource(junked.toByteArray()))) {
      assertThat(drain(decoder)).isEqualTo(6_602_752);
      List<DecoderException> warnings = decoder.warnings();
      assertThat(warnings).hasSize(VorbisDecoder.MAX_WARNINGS);
      assertThat(warnings.get(VorbisDecoder.MAX_WARNINGS - 1).getMessage())
          .startsWith("22 further warnings were not kept");
    }
  }

  @Test
  void groupedStreams_decodeFirstStreamWithWarning() throws IOException {
    Path file = Corpus.require(LIBNOGG + "square-interleaved.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(decoder.format().channels()).isEqualTo(1);
      assertThat(drain(decoder)).isEqualTo(40);
      assertThat(decoder.warnings()).extracting(DecoderException::reason)
          .contains(Reason.UNSUPPORTED_FEATURE);
      assertThat(decoder.links()).hasSize(1);
    }
  }

  @Test
  void comments_exposeTagsAndReplayGain() throws IOException {
    Path file = Corpus.require("ogg-vorbis/mutagen/multipage-setup.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      VorbisComments comments = decoder.comments();
      assertThat(comments.title()).isEqualTo("Burst");
      assertThat(comments.artist()).isEqualTo("UVERworld");
      assertThat(comments.album()).isEqualTo("Timeless");
      assertThat(comments.genre()).isEqualTo("JRock");
      assertThat(comments.replayGainTrackGainDb()).hasValue(-10.02);
      assertThat(comments.replayGainTrackPeak()).hasValue(1.17979193);
      assertThat(comments.replayGainAlbumGainDb()).hasValue(-10.29);
      assertThat(comments.replayGainAlbumPeak()).hasValue(1.50579047);
      assertThat(comments.replayGainReferenceLoudnessDb()).isEmpty();
      assertThat(comments.values("TRACKNUMBER")).containsExactly("7");
      assertThat(decoder.links().get(0).comments().title()).isEqualTo("Burst");
    }
  }

  @Test
  void comments_musicFile_haveTitleAndArtist() throws IOException {
    Path file = Corpus.require("music/singularity-apex-aleph.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(decoder.comments().title()).isEqualTo("Apex Aleph");
      assertThat(decoder.comments().artist()).isEqualTo("Maxstack");
      assertThat(decoder.comments().vendor()).startsWith("Xiph.Org libVorbis I 20120203");
    }
  }

  @Test
  void commentHeaderSpanningPages_isParsedWhole() throws IOException {
    Path file = Corpus.require("ogg-vorbis/mutagen/multipagecomment.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      VorbisComments comments = decoder.comments();
      assertThat(comments.first("big")).startsWith("foobarfoobar");
      assertThat(comments.first("bigger")).startsWith("quuxbazquuxbaz");
      long textBytes = 0;
      for (String comment : comments.comments()) {
        textBytes += comment.length();
      }
      assertThat(textBytes).isGreaterThan(100_000);
      assertThat(drain(decoder)).isEqualTo(162_496);
    }
  }

  @Test
  void nonSeekableSource_decodesSameSamplesAsFile() throws Exception {
    Path file = Corpus.require(LIBNOGG + "thingy.ogg");
    byte[] fromFile;
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      fromFile = digest(decoder);
    }
    byte[] fromStream;
    try (VorbisDecoder decoder = new VorbisDecoder(
        new InputStreamByteSource(Files.newInputStream(file)))) {
      fromStream = digest(decoder);
    }
    assertThat(fromStream).isEqualTo(fromFile);
  }

  @Test
  void firstBlock_readsOnlyTheStartOfTheSource() throws IOException {
    Path file = Corpus.require("music/singularity-media-threat.ogg");
    CountingByteSource source = new CountingByteSource(new FileByteSource(file));
    try (VorbisDecoder decoder = new VorbisDecoder(source)) {
      assertThat(decoder.read(new PcmBuffer())).isPositive();
      // Headers plus a read buffer of two maximum-size pages: far less than the 4.7 MB file.
      assertThat(source.maxPositionRead).isLessThan(256 * 1024);
    }
  }

  @Test
  void runtimeErrorBelowDecoder_becomesInternalError() throws IOException {
    Path file = Corpus.require(LIBNOGG + "square.ogg");
    ByteSource failing = new FailingSource(new FileByteSource(file));
    try (VorbisDecoder decoder = new VorbisDecoder(failing)) {
      DecoderException error =
          catchThrowableOfType(DecoderException.class, () -> decoder.read(new PcmBuffer()));
      assertThat(error).isNotNull();
      assertThat(error.reason()).isEqualTo(Reason.INTERNAL_ERROR);
      assertThat(error.getCause()).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    }
  }

  @Test
  void nonOggInput_failsUnsupportedFormat() throws IOException {
    byte[] noise = new byte[200_000];
    new Random(7).nextBytes(noise);
    try (VorbisDecoder decoder =
        new VorbisDecoder(new InputStreamByteSource(new ByteArrayInputStream(noise)))) {
      DecoderException error = catchThrowableOfType(DecoderException.class, decoder::format);
      assertThat(error).isNotNull();
      assertThat(error.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    }
  }

  @Test
  void emptyInput_failsUnsupportedFormat() throws IOException {
    try (VorbisDecoder decoder =
        new VorbisDecoder(new InputStreamByteSource(new ByteArrayInputStream(new byte[0])))) {
      DecoderException error =
          catchThrowableOfType(DecoderException.class, () -> decoder.read(new PcmBuffer()));
      assertThat(error).isNotNull();
      assertThat(error.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    }
  }

  @Test
  void flacFile_failsUnsupportedFormat() throws IOException {
    Path flac = Corpus.require("flac-test-files/subset/60 - mono audio.flac");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(flac))) {
      DecoderException error = catchThrowableOfType(DecoderException.class, decoder::format);
      assertThat(error).isNotNull();
      assertThat(error.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    }
  }

  @Test
  void codec_isVorbis() {
    assertThat(new VorbisDecoder(new InputStreamByteSource(new ByteArrayInputStream(new byte[0])))
        .codec()).isEqualTo("vorbis");
  }

  static long drain(VorbisDecoder decoder) throws IOException {
    PcmBuffer buffer = new PcmBuffer();
    long total = 0;
    int frames;
    while ((frames = decoder.read(buffer)) > 0) {
      total += frames;
    }
    return total;
  }

  private static byte[] digest(VorbisDecoder decoder) throws IOException, NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    PcmBuffer buffer = new PcmBuffer();
    int frames;
    while ((frames = decoder.read(buffer)) > 0) {
      for (int i = 0; i < frames * buffer.format.channels(); i++) {
        int sample = buffer.samples[i];
        sha.update((byte) sample);
        sha.update((byte) (sample >> 8));
      }
    }
    return sha.digest();
  }

  /** Stands in for a fault below the decoder: every read throws a runtime exception. */
  private static final class FailingSource implements ByteSource {
    private final ByteSource delegate;

    FailingSource(ByteSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      throw new ArrayIndexOutOfBoundsException("injected fault in " + delegate);
    }

    @Override
    public long position() {
      return delegate.position();
    }

    @Override
    public long length() {
      return delegate.length();
    }

    @Override
    public boolean isSeekable() {
      return false;
    }

    @Override
    public void seek(long position) throws IOException {
      delegate.seek(position);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
