package dev.tonearm.server.resilience;

import dev.tonearm.core.api.Rendition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the output that playback must produce from the announced events: per track, the straight
 * decode of the rendition selected at its start, and after each announced bitrate switch the new
 * rendition's straight decode from the switch frame. Stateless.
 */
final class ExpectedOutput {
  private ExpectedOutput() {}

  static int[] build(StreamingHarness harness, List<String> trackIds, PlayerEvents events)
      throws IOException {
    List<Rendition> selected = events.selected();
    if (selected.size() != trackIds.size()) {
      throw new AssertionError(
          "expected one rendition selection per track, got " + selected + " for " + trackIds);
    }
    List<int[]> parts = new ArrayList<>();
    for (int t = 0; t < trackIds.size(); t++) {
      String trackId = trackIds.get(t);
      Rendition rendition = selected.get(t);
      long startFrame = 0;
      for (PlayerEvents.StepDown stepDown : events.stepDowns()) {
        if (!stepDown.trackId().equals(trackId)) {
          continue;
        }
        if (!stepDown.from().id().equals(rendition.id())) {
          throw new AssertionError(
              "step-down from " + stepDown.from().id() + " while playing " + rendition.id());
        }
        parts.add(frames(harness, trackId, rendition, startFrame, stepDown.fromFrame()));
        rendition = stepDown.to();
        startFrame = stepDown.toFrame();
      }
      parts.add(frames(harness, trackId, rendition, startFrame, Long.MAX_VALUE));
    }
    int total = parts.stream().mapToInt(part -> part.length).sum();
    int[] all = new int[total];
    int at = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private static int[] frames(
      StreamingHarness harness, String trackId, Rendition rendition, long from, long to)
      throws IOException {
    int[] decoded = harness.referenceDecode(trackId, rendition.id());
    int channels = rendition.channels();
    long end = to >= decoded.length / channels ? decoded.length : to * channels;
    return Arrays.copyOfRange(decoded, (int) (from * channels), (int) end);
  }
}
