package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Unit checks of the codec's building blocks against their definitions. */
class CodecPartsTest {
  @Test
  void imdct_matchesDirectFormula() {
    Random random = new Random(3);
    for (int blockSize : new int[] {64, 256, 2048, 8192}) {
      int half = blockSize / 2;
      float[] coefficients = new float[half];
      for (int i = 0; i < half; i++) {
        coefficients[i] = (float) random.nextGaussian();
      }
      float[] u = new float[half];
      new Imdct(blockSize).dct4(coefficients.clone(), u);
      for (int k = 0; k < half; k += Math.max(1, half / 64)) {
        double expected = 0;
        for (int j = 0; j < half; j++) {
          expected += coefficients[j] * Math.cos(Math.PI / half * (k + 0.5) * (j + 0.5));
        }
        assertThat((double) u[k]).as("block %d, u[%d]", blockSize, k)
            .isCloseTo(expected, within(1e-3 * Math.sqrt(half)));
      }
    }
  }

  @Test
  void pcm16_roundsHalfToEvenAndClips() {
    assertThat(PcmConverter.toPcm16(0.5f / 32768f)).isZero();
    assertThat(PcmConverter.toPcm16(1.5f / 32768f)).isEqualTo(2);
    assertThat(PcmConverter.toPcm16(2.5f / 32768f)).isEqualTo(2);
    assertThat(PcmConverter.toPcm16(-1.5f / 32768f)).isEqualTo(-2);
    assertThat(PcmConverter.toPcm16(0.6f / 32768f)).isEqualTo(1);
    assertThat(PcmConverter.toPcm16(-0.4f / 32768f)).isZero();
    assertThat(PcmConverter.toPcm16(1.0f)).isEqualTo(32767);
    assertThat(PcmConverter.toPcm16(-1.0f)).isEqualTo(-32768);
    assertThat(PcmConverter.toPcm16(7.5f)).isEqualTo(32767);
    assertThat(PcmConverter.toPcm16(-7.5f)).isEqualTo(-32768);
    assertThat(PcmConverter.toPcm16(32766.5f / 32768f)).isEqualTo(32766);
  }

  @Test
  void channelMap_putsVorbisOrderIntoWaveOrder() {
    // Vorbis 5.1 is FL, FC, FR, RL, RR, LFE; WAVE is FL, FR, FC, LFE, RL, RR.
    assertThat(PcmConverter.vorbisChannelForOutput(6)).containsExactly(0, 2, 1, 5, 3, 4);
    // Vorbis 7.1 is FL, FC, FR, SL, SR, RL, RR, LFE; WAVE is FL, FR, FC, LFE, RL, RR, SL, SR.
    assertThat(PcmConverter.vorbisChannelForOutput(8))
        .containsExactly(0, 2, 1, 7, 5, 6, 3, 4);
    for (int channels = 1; channels <= 8; channels++) {
      assertThat(PcmConverter.vorbisChannelForOutput(channels)).as("%d channels", channels)
          .hasSize(channels).doesNotHaveDuplicates();
    }
  }

  @Test
  void lookup1Values_isLargestIntegerRoot() {
    assertThat(Codebook.lookup1Values(81, 4)).isEqualTo(3);
    assertThat(Codebook.lookup1Values(80, 4)).isEqualTo(2);
    assertThat(Codebook.lookup1Values(625, 4)).isEqualTo(5);
    assertThat(Codebook.lookup1Values(289, 2)).isEqualTo(17);
    assertThat(Codebook.lookup1Values(1, 8)).isEqualTo(1);
  }

  @Test
  void unpackFloat_decodesVorbisFloat() {
    // Value = mantissa * 2^(exponent field - 788) (specification, section 9.2.2).
    assertThat(Codebook.unpackFloat((788L << 21) | 1)).isEqualTo(1.0f);
    assertThat(Codebook.unpackFloat(0x8000_0000L | (788L << 21) | 3)).isEqualTo(-3.0f);
    assertThat(Codebook.unpackFloat((787L << 21) | 1)).isEqualTo(0.5f);
  }

  @Test
  void codewords_followSpecificationExample() throws DecoderException {
    // Specification 3.2.1: lengths 2, 4, 4, 4, 4, 2, 3, 3 give these codewords.
    byte[] lengths = {2, 4, 4, 4, 4, 2, 3, 3};
    int[] codes = Codebook.assignCodewords(lengths, lengths.length);
    String[] expected = {"00", "0100", "0101", "0110", "0111", "10", "110", "111"};
    for (int i = 0; i < lengths.length; i++) {
      String bits = String.format("%32s", Integer.toBinaryString(codes[i])).replace(' ', '0');
      assertThat(bits.substring(0, lengths[i])).as("entry %d", i).isEqualTo(expected[i]);
    }
  }

  @Test
  void overSpecifiedLengths_areRejected() {
    DecoderException error = catchThrowableOfType(DecoderException.class,
        () -> Codebook.assignCodewords(new byte[] {1, 1, 1}, 3));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.BAD_HEADER);
  }

  @Test
  void underSpecifiedLengths_areRejected() {
    DecoderException error = catchThrowableOfType(DecoderException.class,
        () -> Codebook.assignCodewords(new byte[] {1, 2}, 2));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.BAD_HEADER);
  }

  @Test
  void codebookOverEntryBudget_isRejectedBeforeAllocating() {
    BitWriter header = new BitWriter();
    header.write(0x564342, 24);
    header.write(1, 16);
    header.write((1 << 20) + 1, 24);
    header.write(1, 1); // Ordered lengths: a few bits could describe all entries.
    BitReader in = header.toReader();
    DecoderException error = catchThrowableOfType(DecoderException.class,
        () -> Codebook.read(in, new SetupBudget()));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void codebookTooLargeForFormat_isRejected() {
    BitWriter header = new BitWriter();
    header.write(0x564342, 24);
    header.write(1 << 15, 16);
    header.write(1 << 10, 24);
    header.write(0, 8);
    DecoderException error = catchThrowableOfType(DecoderException.class,
        () -> Codebook.read(header.toReader(), new SetupBudget()));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.BAD_HEADER);
  }

  @Test
  void singleEntryCodebook_decodesItsEntryForAnyBits() throws DecoderException {
    BitWriter header = new BitWriter();
    header.write(0x564342, 24);
    header.write(1, 16);
    header.write(4, 24);
    header.write(0, 1); // Not ordered.
    header.write(1, 1); // Sparse.
    header.write(0, 1);
    header.write(0, 1);
    header.write(1, 1);
    header.write(0, 5); // Entry 2 has length 1.
    header.write(0, 1);
    header.write(0, 4); // No lookup.
    Codebook book = Codebook.read(header.toReader(), new SetupBudget());
    BitReader bits = new BitReader();
    bits.reset(new byte[] {(byte) 0b10}, 0, 1);
    assertThat(book.decode(bits)).isEqualTo(2);
    assertThat(book.decode(bits)).isEqualTo(2);
  }

  /** Writes bits least significant first, as Vorbis packets store them. */
  private static final class BitWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long pending;
    private int pendingBits;

    void write(long value, int count) {
      for (int i = 0; i < count; i++) {
        pending |= ((value >>> i) & 1) << pendingBits;
        if (++pendingBits == 8) {
          bytes.write((int) pending);
          pending = 0;
          pendingBits = 0;
        }
      }
    }

    BitReader toReader() {
      byte[] data = bytes.toByteArray();
      if (pendingBits > 0) {
        data = Arrays.copyOf(data, data.length + 1);
        data[data.length - 1] = (byte) pending;
      }
      BitReader reader = new BitReader();
      reader.reset(data, 0, data.length);
      return reader;
    }
  }
}
