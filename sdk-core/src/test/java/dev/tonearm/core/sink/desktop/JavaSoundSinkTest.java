package dev.tonearm.core.sink.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSinkException;
import org.junit.jupiter.api.Test;

/**
 * Runs against the real Java Sound system of the machine. Which test runs depends on whether the
 * machine has a sound device; build machines usually have none.
 */
class JavaSoundSinkTest {
  @Test
  void open_withoutSoundDevice_throwsNoDevice() {
    assumeFalse(JavaSoundSink.isAvailable(), "this machine has a sound device");
    JavaSoundSink sink = new JavaSoundSink();

    assertThatThrownBy(() -> sink.open(new PcmFormat(44_100, 2, 16)))
        .isInstanceOf(AudioSinkException.class)
        .hasMessageContaining("WAV file")
        .satisfies(
            e ->
                assertThat(((AudioSinkException) e).reason())
                    .isEqualTo(AudioSinkException.Reason.NO_DEVICE));
    sink.close();
  }

  @Test
  void write_withSoundDevice_playsShortSilence() throws Exception {
    assumeTrue(JavaSoundSink.isAvailable(), "this machine has no sound device");
    try (JavaSoundSink sink = new JavaSoundSink()) {
      sink.open(new PcmFormat(44_100, 2, 16));
      sink.write(new int[2 * 2205], 2205);
      sink.drain();
      assertThat(sink.isRealTime()).isTrue();
    }
  }

  @Test
  void constructor_bufferOutOfRange_throws() {
    assertThatThrownBy(() -> new JavaSoundSink(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5");
  }

  @Test
  void write_beforeOpen_throws() {
    JavaSoundSink sink = new JavaSoundSink();

    assertThatThrownBy(() -> sink.write(new int[2], 1)).isInstanceOf(IllegalStateException.class);
  }
}
