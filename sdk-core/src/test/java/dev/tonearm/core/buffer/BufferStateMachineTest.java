package dev.tonearm.core.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.testing.FakeClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every transition of {@link BufferStateMachine} and the policy's outputs, on a fake clock. */
class BufferStateMachineTest {
  private final FakeClock clock = new FakeClock(1_000);
  private BufferStateMachine machine;

  @BeforeEach
  void create() {
    machine = new BufferStateMachine(BufferPolicy.defaults(), clock);
  }

  @Test
  void newMachine_isBuffering_andCannotPlay() {
    assertThat(machine.state()).isEqualTo(BufferState.BUFFERING);
    assertThat(machine.canPlay()).isFalse();
    assertThat(machine.stateEnteredAtMs()).isEqualTo(1_000);
  }

  @Test
  void buffering_belowFiveSeconds_staysBuffering() {
    assertThat(machine.update(4_999, false)).isEqualTo(BufferState.BUFFERING);
  }

  @Test
  void buffering_atFiveSeconds_becomesPlaying() {
    clock.advanceMs(700);
    assertThat(machine.update(5_000, false)).isEqualTo(BufferState.PLAYING);
    assertThat(machine.canPlay()).isTrue();
    assertThat(machine.lastBufferingDurationMs()).isEqualTo(700);
    assertThat(machine.stateEnteredAtMs()).isEqualTo(1_700);
  }

  @Test
  void buffering_atFifteenSeconds_becomesStableDirectly() {
    assertThat(machine.update(15_000, false)).isEqualTo(BufferState.STABLE);
  }

  @Test
  void buffering_loadedToEnd_becomesStable() {
    assertThat(machine.update(1_200, true)).isEqualTo(BufferState.STABLE);
  }

  @Test
  void playing_atFifteenSeconds_becomesStable() {
    machine.update(6_000, false);
    assertThat(machine.update(14_999, false)).isEqualTo(BufferState.PLAYING);
    assertThat(machine.update(15_000, false)).isEqualTo(BufferState.STABLE);
  }

  @Test
  void playing_restOfTrackLoaded_becomesStable() {
    machine.update(6_000, false);
    assertThat(machine.update(6_000, true)).isEqualTo(BufferState.STABLE);
  }

  @Test
  void playing_belowFiveSeconds_keepsPlayingWithoutUnderrun() {
    machine.update(6_000, false);
    assertThat(machine.update(100, false)).isEqualTo(BufferState.PLAYING);
    assertThat(machine.canPlay()).isTrue();
  }

  @Test
  void stable_insideHysteresisBand_staysStable() {
    machine.update(20_000, false);
    assertThat(machine.update(13_000, false)).isEqualTo(BufferState.STABLE);
  }

  @Test
  void stable_belowThirteenSeconds_becomesPlaying() {
    machine.update(20_000, false);
    assertThat(machine.update(12_999, false)).isEqualTo(BufferState.PLAYING);
  }

  @Test
  void stable_loadedToEnd_staysStable() {
    machine.update(20_000, false);
    assertThat(machine.update(500, true)).isEqualTo(BufferState.STABLE);
  }

  @Test
  void underrun_whilePlaying_entersBuffering() {
    machine.update(6_000, false);
    machine.onUnderrun();
    assertThat(machine.state()).isEqualTo(BufferState.BUFFERING);
    machine.update(20_000, false);
    machine.onUnderrun();
    assertThat(machine.state()).isEqualTo(BufferState.BUFFERING);
    machine.onUnderrun();
    assertThat(machine.underrunCount()).as("an underrun while buffering is not counted again")
        .isEqualTo(2);
  }

  @Test
  void afterUnderrun_needsFiveSecondsAgain() {
    machine.update(6_000, false);
    machine.onUnderrun();
    assertThat(machine.update(4_000, false)).isEqualTo(BufferState.BUFFERING);
    assertThat(machine.update(5_000, false)).isEqualTo(BufferState.PLAYING);
  }

  @Test
  void startBuffering_fromStable_resetsTimeInState() {
    machine.update(20_000, false);
    clock.advanceMs(250);
    machine.startBuffering();
    assertThat(machine.state()).isEqualTo(BufferState.BUFFERING);
    assertThat(machine.underrunCount()).as("a seek is not an underrun").isZero();
    clock.advanceMs(40);
    assertThat(machine.timeInStateMs()).isEqualTo(40);
  }

  @ParameterizedTest
  @CsvSource({
    "0, false, URGENT",
    "4999, false, URGENT",
    "5000, false, BACKGROUND",
    "15000, false, BACKGROUND",
    "29999, false, BACKGROUND",
    "30000, false, NONE",
    "45000, false, NONE",
    "0, true, NONE",
    "2000, true, NONE"
  })
  void loadPriority_followsBands(long bufferedMs, boolean loadedToEnd, LoadPriority expected) {
    assertThat(BufferPolicy.defaults().loadPriority(bufferedMs, loadedToEnd)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"30001, false", "30000, true", "100, true", "0, true"})
  void prefetch_startsWhenThirtySecondsRemain(long remainingMs, boolean expected) {
    assertThat(BufferPolicy.defaults().shouldPrefetchNext(remainingMs)).isEqualTo(expected);
  }

  @Test
  void defaults_matchDocumentedConstants() {
    BufferPolicy policy = BufferPolicy.defaults();
    assertThat(policy.bufferForPlaybackMs()).isEqualTo(5_000);
    assertThat(policy.stableBufferMs()).isEqualTo(15_000);
    assertThat(policy.stableHysteresisMs()).isEqualTo(2_000);
    assertThat(policy.targetBufferMs()).isEqualTo(30_000);
    assertThat(policy.prefetchRemainingMs()).isEqualTo(30_000);
    assertThat(policy.prefetchBufferMs()).isEqualTo(5_000);
  }

  @Test
  void builder_inconsistentThresholds_rejected() {
    assertThatThrownBy(() -> BufferPolicy.builder().setBufferForPlaybackMs(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bufferForPlaybackMs");
    assertThatThrownBy(() -> BufferPolicy.builder().setTargetBufferMs(10_000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetBufferMs");
    assertThatThrownBy(() -> BufferPolicy.builder().setStableHysteresisMs(11_000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stableHysteresisMs");
    assertThatThrownBy(() -> BufferPolicy.builder().setPrefetchBufferMs(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefetchBufferMs");
  }

  @Test
  void customPolicy_thresholdsApply() {
    BufferPolicy policy =
        BufferPolicy.builder()
            .setBufferForPlaybackMs(1_000)
            .setStableBufferMs(3_000)
            .setStableHysteresisMs(500)
            .setTargetBufferMs(4_000)
            .build();
    BufferStateMachine custom = new BufferStateMachine(policy, clock);
    assertThat(custom.update(1_000, false)).isEqualTo(BufferState.PLAYING);
    assertThat(custom.update(3_000, false)).isEqualTo(BufferState.STABLE);
    assertThat(custom.update(2_500, false)).isEqualTo(BufferState.STABLE);
    assertThat(custom.update(2_499, false)).isEqualTo(BufferState.PLAYING);
    assertThat(policy.loadPriority(4_000, false)).isEqualTo(LoadPriority.NONE);
  }
}
