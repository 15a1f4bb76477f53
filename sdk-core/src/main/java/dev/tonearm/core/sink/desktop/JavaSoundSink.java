package dev.tonearm.core.sink.desktop;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.sink.AudioSinkException;
import dev.tonearm.core.sink.PcmPacking;
import java.util.Objects;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays PCM on the default sound device through a Java Sound {@link SourceDataLine}. Desktop JVMs
 * only: this package uses {@code javax.sound}, which Android lacks.
 *
 * <p>Samples are sent as signed little-endian integers in whole-byte containers, left-justified, so
 * that 12- or 20-bit streams play at their true level. {@link #write} blocks while the device's
 * buffer is full, so the caller is paced by the device clock.
 *
 * <p>Without a sound device (a server, a container, CI), {@link #open} throws {@link
 * AudioSinkException} with {@link AudioSinkException.Reason#NO_DEVICE}; callers check {@link
 * #isAvailable()} first and fall back to a file sink.
 *
 * <p>Threading: one playback thread calls every method.
 */
@DesktopOnly
public final class JavaSoundSink implements AudioSink {
  /** Default device buffer: 200 ms. */
  public static final int DEFAULT_BUFFER_MS = 200;

  private static final Logger logger = LoggerFactory.getLogger(JavaSoundSink.class);

  private final int bufferMs;
  private SourceDataLine line;
  private PcmFormat format;
  private byte[] packed = new byte[0];
  private boolean closed;

  /** Creates a sink with a device buffer of {@link #DEFAULT_BUFFER_MS}. */
  public JavaSoundSink() {
    this(DEFAULT_BUFFER_MS);
  }

  /** Creates a sink with a device buffer of {@code bufferMs} ms, in [20, 5000]. */
  public JavaSoundSink(int bufferMs) {
    if (bufferMs < 20 || bufferMs > 5000) {
      throw new IllegalArgumentException("bufferMs must be in [20, 5000]: " + bufferMs);
    }
    this.bufferMs = bufferMs;
  }

  /**
   * Returns whether Java Sound reports any output line on this machine. A true result does not
   * guarantee that every format opens; {@link #open} still reports that case.
   */
  public static boolean isAvailable() {
    try {
      return AudioSystem.getSourceLineInfo(new Line.Info(SourceDataLine.class)).length > 0;
    } catch (RuntimeException e) {
      // Java Sound providers can fail in odd ways on headless systems; treat that as "none".
      logger.debug("Java Sound probe failed", e);
      return false;
    }
  }

  @Override
  public void open(PcmFormat newFormat) throws AudioSinkException {
    Objects.requireNonNull(newFormat, "format");
    if (closed) {
      throw new IllegalStateException("sink is closed");
    }
    if (newFormat.equals(format)) {
      return;
    }
    closeLine();
    int containerBytes = newFormat.bytesPerSample();
    float rate = newFormat.sampleRateHz();
    AudioFormat audioFormat =
        new AudioFormat(
            AudioFormat.Encoding.PCM_SIGNED,
            rate,
            containerBytes * 8,
            newFormat.channels(),
            containerBytes * newFormat.channels(),
            rate,
            false);
    int bufferBytes =
        (int)
            Math.min(
                Integer.MAX_VALUE / 2,
                newFormat.usToFrames(bufferMs * 1000L) * audioFormat.getFrameSize());
    try {
      SourceDataLine opened = AudioSystem.getSourceDataLine(audioFormat);
      opened.open(audioFormat, bufferBytes);
      opened.start();
      line = opened;
      format = newFormat;
      logger.debug("Opened sound device line for {}", newFormat);
    } catch (IllegalArgumentException e) {
      // Java Sound reports "no line matching" with IllegalArgumentException.
      boolean anyLine = isAvailable();
      throw new AudioSinkException(
          anyLine
              ? AudioSinkException.Reason.UNSUPPORTED_FORMAT
              : AudioSinkException.Reason.NO_DEVICE,
          anyLine
              ? "no sound device plays " + newFormat + "; write to a WAV file instead"
              : "no sound output device found; write to a WAV file instead",
          e);
    } catch (LineUnavailableException | SecurityException e) {
      throw new AudioSinkException(
          AudioSinkException.Reason.DEVICE_UNAVAILABLE,
          "the sound device cannot be opened for " + newFormat + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void write(int[] samples, int frames) {
    if (line == null) {
      throw new IllegalStateException("open(PcmFormat) must be called before write");
    }
    int channels = format.channels();
    if (frames < 0 || (long) frames * channels > samples.length) {
      throw new IllegalArgumentException(
          "frames must be in [0, " + samples.length / channels + "]: " + frames);
    }
    int length = frames * channels * format.bytesPerSample();
    if (packed.length < length) {
      packed = new byte[length];
    }
    PcmPacking.pack(
        samples,
        0,
        frames * channels,
        format.bitsPerSample(),
        PcmPacking.Layout.SIGNED_LEFT_JUSTIFIED,
        packed,
        0);
    int offset = 0;
    while (offset < length) {
      int written = line.write(packed, offset, length - offset);
      if (written == 0 && !line.isOpen()) {
        throw new IllegalStateException("the sound line was closed during write");
      }
      offset += written;
    }
  }

  @Override
  public void drain() {
    if (line != null) {
      line.drain();
    }
  }

  @Override
  public boolean isRealTime() {
    return true;
  }

  /** Stops playback at once, discarding what the device has not played, and frees the device. */
  @Override
  public void close() {
    closed = true;
    closeLine();
  }

  private void closeLine() {
    if (line != null) {
      line.stop();
      line.flush();
      line.close();
      line = null;
      format = null;
    }
  }
}
