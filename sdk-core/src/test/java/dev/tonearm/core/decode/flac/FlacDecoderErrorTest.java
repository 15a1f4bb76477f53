package dev.tonearm.core.decode.flac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.InputStreamByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.flac.FlacTestSupport.Decoded;
import dev.tonearm.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Failures of the source and of the caller reach the caller as {@link DecoderException}s with a
 * reason code. A failing disk cannot be produced on demand, so {@link FailingSource} wraps a real
 * file source and injects the failure on one read.
 */
class FlacDecoderErrorTest {
  private static final String FILE = "flac-test-files/subset/01 - blocksize 4096.flac";

  @Test
  void sourceIoError_read_failsWithIoErrorThenStaysFailed() throws Exception {
    Path file = Corpus.require(FILE);
    FailingSource source = new FailingSource(new FileByteSource(file), 5, new IOException("disk"));
    try (FlacDecoder decoder = FlacDecoder.open(source)) {
      PcmBuffer buffer = new PcmBuffer();

      DecoderException first = catchThrowableOfType(DecoderException.class, () -> readAll(decoder));
      DecoderException second =
          catchThrowableOfType(DecoderException.class, () -> decoder.read(buffer));

      assertThat(first.reason()).isEqualTo(Reason.IO_ERROR);
      assertThat(first.getCause()).hasMessage("disk");
      assertThat(second.reason()).isEqualTo(Reason.IO_ERROR);
      assertThat(second.getMessage()).contains("earlier error");
    }
  }

  @Test
  void sourceIoError_seekAfterwards_recovers() throws Exception {
    Path file = Corpus.require(FILE);
    FailingSource source = new FailingSource(new FileByteSource(file), 5, new IOException("disk"));
    try (FlacDecoder decoder = FlacDecoder.open(source)) {
      catchThrowableOfType(DecoderException.class, () -> readAll(decoder));

      decoder.seekToFrame(0);
      Decoded decoded = FlacTestSupport.decodeAll(decoder, false);

      assertThat(decoded.md5Hex).isEqualTo(decoder.streamInfo().md5Hex());
    }
  }

  @Test
  void sourceRuntimeException_read_failsWithInternalError() throws Exception {
    Path file = Corpus.require(FILE);
    FailingSource source =
        new FailingSource(new FileByteSource(file), 5, new IllegalStateException("bug"));
    try (FlacDecoder decoder = FlacDecoder.open(source)) {
      DecoderException e = catchThrowableOfType(DecoderException.class, () -> readAll(decoder));

      assertThat(e.reason()).isEqualTo(Reason.INTERNAL_ERROR);
      assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void sourceIoErrorDuringOpen_open_failsWithIoError() throws Exception {
    Path file = Corpus.require(FILE);
    FailingSource source = new FailingSource(new FileByteSource(file), 0, new IOException("disk"));

    DecoderException e =
        catchThrowableOfType(DecoderException.class, () -> FlacDecoder.open(source));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
    source.close();
  }

  @Test
  void closedDecoder_read_fails() throws Exception {
    FlacDecoder decoder = FlacTestSupport.open(Corpus.require(FILE));
    decoder.close();

    DecoderException e =
        catchThrowableOfType(DecoderException.class, () -> decoder.read(new PcmBuffer()));

    assertThat(e.reason()).isEqualTo(Reason.IO_ERROR);
  }

  @Test
  void manyDamagedFrames_warnings_capped() throws Exception {
    byte[] original = Files.readAllBytes(Corpus.require(FILE));
    byte[] damaged = original.clone();
    Random random = new Random(3);
    for (int i = 9000; i < damaged.length; i += 500) {
      damaged[i] ^= (byte) (1 + random.nextInt(255));
    }
    try (FlacDecoder decoder =
        FlacDecoder.open(new InputStreamByteSource(new ByteArrayInputStream(damaged)))) {
      Decoded decoded = FlacTestSupport.decodeAll(decoder, false);

      assertThat(decoded.frames).isEqualTo(decoder.streamInfoTotalSamples());
      assertThat(decoded.warnings).hasSize(Warnings.MAX_RECORDED);
    }
  }

  private static void readAll(FlacDecoder decoder) throws IOException {
    PcmBuffer buffer = new PcmBuffer();
    while (decoder.read(buffer) > 0) {
      // Drain.
    }
  }

  /** Throws {@code failure} once, on read call number {@code failingRead} (0-based). */
  private static final class FailingSource implements ByteSource {
    private final ByteSource delegate;
    private final int failingRead;
    private final Exception failure;
    private int reads;

    FailingSource(ByteSource delegate, int failingRead, Exception failure) {
      this.delegate = delegate;
      this.failingRead = failingRead;
      this.failure = failure;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (reads++ == failingRead) {
        if (failure instanceof IOException) {
          throw (IOException) failure;
        }
        throw (RuntimeException) failure;
      }
      return delegate.read(buffer, offset, length);
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
      return delegate.isSeekable();
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
