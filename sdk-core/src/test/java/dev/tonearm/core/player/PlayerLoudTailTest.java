package dev.tonearm.core.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.audio.LoudnessNormalizer;
import dev.tonearm.core.audio.NormalizationMode;
import dev.tonearm.core.audio.TrackLoudness;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.testing.CapturingSink;
import dev.tonearm.testing.Corpus;
import dev.tonearm.testing.FakeClock;
import dev.tonearm.testing.TestOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LOUD normalisation through the whole player: corpus FLAC files served by a loopback origin,
 * decoded by the SDK's FLAC decoder, passed through {@link LoudnessProcessor} and recorded by a
 * capturing sink. The expected output comes from the same files decoded directly and run through
 * a standalone {@link LoudnessNormalizer}, so every frame that the player writes is checked,
 * including the limiter's delayed frames at the end of each format.
 */
class PlayerLoudTailTest {
  private static final int CHUNK_BYTES = 64 * 1024;
  /** The loudness that the test origin puts in every manifest. */
  private static final TrackLoudness MANIFEST_LOUDNESS = TrackLoudness.of(-9.8, -0.4);

  // The stereo files have sound up to their last frame, so their delayed tails are not silence.
  // The mono file ends in digital silence.
  private static final String STEREO_48K =
      "flac-test-files/subset/46 - no min-max framesize set.flac";
  private static final String STEREO_48K_OTHER = "flac-test-files/subset/47 - only STREAMINFO.flac";
  private static final String STEREO_44K = "flac-test-files/subset/01 - blocksize 4096.flac";
  private static final String MONO_44K = "flac-test-files/subset/60 - mono audio.flac";

  private TestOrigin origin;
  private TonearmClient client;
  private Player player;

  @BeforeEach
  void startOrigin() throws Exception {
    origin = TestOrigin.start(1);
    client = TonearmClient.builder().setBaseUrl(origin.apiBaseUrl()).build();
    client.login(TestOrigin.USERNAME, TestOrigin.PASSWORD);
  }

  @AfterEach
  void stop() {
    if (player != null) {
      player.release();
    }
    origin.close();
  }

  @Test
  void loudQueue_sameFormat_playsDelayedTail() throws Exception {
    DecodedTrack first = addTrack("t-first", STEREO_48K);
    DecodedTrack second = addTrack("t-second", STEREO_48K_OTHER);
    assertThat(first.format).isEqualTo(second.format);
    CapturingSink sink = CapturingSink.immediate();

    play(sink, "t-first", "t-second");

    int[] expected = expectedLoudOutput(first, second);
    int latencyFrames = latencyFrames(first.format);
    int[] played = sink.samples();
    assertThat(played.length)
        .as("samples of both tracks plus one leading silence of %s frames", latencyFrames)
        .isEqualTo(
            first.samples.length
                + second.samples.length
                + latencyFrames * first.format.channels());
    assertThat(played).isEqualTo(expected);
    assertThat(sink.calls()).containsExactly("open " + first.format, "drain");
    assertTailIsLimiterOutput(played, expected, latencyFrames * first.format.channels());
  }

  @Test
  void loudQueue_formatChanges_playTailsBeforeReopen() throws Exception {
    DecodedTrack stereo48k = addTrack("t-48k", STEREO_48K);
    DecodedTrack stereo44k = addTrack("t-44k", STEREO_44K);
    DecodedTrack mono44k = addTrack("t-mono", MONO_44K);
    assertThat(stereo48k.format.sampleRateHz()).isNotEqualTo(stereo44k.format.sampleRateHz());
    assertThat(stereo44k.format.channels()).isNotEqualTo(mono44k.format.channels());
    CapturingSink sink = CapturingSink.immediate();

    play(sink, "t-48k", "t-44k", "t-mono");

    assertThat(sink.calls())
        .containsExactly(
            "open " + stereo48k.format,
            "drain",
            "open " + stereo44k.format,
            "drain",
            "open " + mono44k.format,
            "drain");
    int[] played = sink.samples();
    int[] expected48k = expectedLoudOutput(stereo48k);
    int[] expected44k = expectedLoudOutput(stereo44k);
    int[] expectedMono = expectedLoudOutput(mono44k);
    assertThat(played.length)
        .as("each format run has its input plus its own leading silence")
        .isEqualTo(
            stereo48k.samples.length
                + latencyFrames(stereo48k.format) * 2
                + stereo44k.samples.length
                + latencyFrames(stereo44k.format) * 2
                + mono44k.samples.length
                + latencyFrames(mono44k.format));
    int end48k = expected48k.length;
    int end44k = end48k + expected44k.length;
    int[] played48k = Arrays.copyOfRange(played, 0, end48k);
    int[] played44k = Arrays.copyOfRange(played, end48k, end44k);
    int[] playedMono = Arrays.copyOfRange(played, end44k, played.length);
    assertThat(played48k).isEqualTo(expected48k);
    assertThat(played44k).isEqualTo(expected44k);
    assertThat(playedMono).isEqualTo(expectedMono);
    assertTailIsLimiterOutput(played48k, expected48k, latencyFrames(stereo48k.format) * 2);
    assertTailIsLimiterOutput(played44k, expected44k, latencyFrames(stereo44k.format) * 2);
  }

  private void play(CapturingSink sink, String... trackIds) throws InterruptedException {
    RecordingListener listener = new RecordingListener();
    player =
        Player.builder()
            .setClient(client)
            .setSink(sink)
            .setPcmProcessor(new LoudnessProcessor(NormalizationMode.LOUD))
            .setClock(new FakeClock(0))
            .setListenerExecutor(Runnable::run)
            .setMaxRetries(0)
            .build();
    player.addListener(listener);
    player.play(Arrays.asList(trackIds));
    listener.awaitEndedOrError();
    assertThat(listener.errors()).isEmpty();
  }

  /** Checks that the last {@code samples} samples are the limiter's output and not silence. */
  private static void assertTailIsLimiterOutput(int[] played, int[] expected, int samples) {
    int[] playedTail = Arrays.copyOfRange(played, played.length - samples, played.length);
    int[] expectedTail = Arrays.copyOfRange(expected, expected.length - samples, expected.length);
    assertThat(playedTail).isEqualTo(expectedTail);
    assertThat(Arrays.stream(playedTail).anyMatch(sample -> sample != 0))
        .as("the delayed tail carries audio")
        .isTrue();
  }

  /**
   * Returns what LOUD mode outputs for {@code tracks} joined in one format: the limiter's delay
   * as silence, then the limiter's output for every input frame, including the flushed tail.
   */
  private static int[] expectedLoudOutput(DecodedTrack... tracks) {
    PcmFormat format = tracks[0].format;
    LoudnessNormalizer normalizer =
        LoudnessNormalizer.builder().mode(NormalizationMode.LOUD).build();
    normalizer.open(format);
    int channels = format.channels();
    int latencySamples = normalizer.latencyFrames() * channels;
    int inputSamples = 0;
    for (DecodedTrack track : tracks) {
      inputSamples += track.samples.length;
    }
    int[] output = new int[latencySamples + inputSamples];
    int position = latencySamples;
    for (DecodedTrack track : tracks) {
      normalizer.setTrackLoudness(MANIFEST_LOUDNESS);
      int[] processed = new int[track.samples.length];
      int frames = normalizer.process(track.samples, track.samples.length / channels, processed);
      System.arraycopy(processed, 0, output, position, frames * channels);
      position += frames * channels;
    }
    int[] tail = new int[latencySamples];
    int tailFrames = normalizer.flush(tail);
    System.arraycopy(tail, 0, output, position, tailFrames * channels);
    position += tailFrames * channels;
    assertThat(position).as("reference output length").isEqualTo(output.length);
    return output;
  }

  private static int latencyFrames(PcmFormat format) {
    LoudnessNormalizer normalizer =
        LoudnessNormalizer.builder().mode(NormalizationMode.LOUD).build();
    normalizer.open(format);
    return normalizer.latencyFrames();
  }

  /** Decodes a corpus FLAC file and serves it from the origin as {@code trackId}. */
  private DecodedTrack addTrack(String trackId, String corpusPath) throws IOException {
    Path file = Corpus.require(corpusPath);
    DecodedTrack track = decode(file);
    long frames = track.samples.length / track.format.channels();
    origin.addTrack(
        trackId,
        frames * 1000 / track.format.sampleRateHz(),
        new TestOrigin.Rendition(
            "flac",
            "flac",
            900,
            Files.readAllBytes(file),
            CHUNK_BYTES,
            track.format.sampleRateHz(),
            track.format.channels(),
            frames,
            new ArrayList<>()));
    return track;
  }

  private static DecodedTrack decode(Path file) throws IOException {
    try (Decoder decoder = Decoders.open("flac", new FileByteSource(file))) {
      PcmFormat format = decoder.format();
      PcmBuffer buffer = new PcmBuffer();
      List<int[]> blocks = new ArrayList<>();
      int total = 0;
      while (decoder.read(buffer) >= 0) {
        int samples = buffer.frames * format.channels();
        blocks.add(Arrays.copyOf(buffer.samples, samples));
        total += samples;
      }
      int[] all = new int[total];
      int offset = 0;
      for (int[] block : blocks) {
        System.arraycopy(block, 0, all, offset, block.length);
        offset += block.length;
      }
      return new DecodedTrack(format, all);
    }
  }

  /** A decoded file: its format and interleaved samples. */
  private static final class DecodedTrack {
    final PcmFormat format;
    final int[] samples;

    DecodedTrack(PcmFormat format, int[] samples) {
      this.format = format;
      this.samples = samples;
    }
  }
}
