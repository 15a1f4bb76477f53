package dev.tonearm.server.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Beta sampler, the engagement posterior, and Thompson sampling in a simulated bandit. */
class ThompsonSamplingTest {
  private final InMemoryInteractionStore store =
      new InMemoryInteractionStore(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  private final EngagementModel model = new EngagementModel(store);

  @Test
  void betaSampler_sameSeed_repeatsSequence() {
    Random first = new Random(42);
    Random second = new Random(42);

    for (int i = 0; i < 100; i++) {
      assertThat(BetaSampler.sample(2.5, 0.7, first))
          .isEqualTo(BetaSampler.sample(2.5, 0.7, second));
    }
  }

  @Test
  void betaSampler_manyDraws_matchMeanAndVariance() {
    Random random = new Random(7);
    double alpha = 2;
    double beta = 5;
    int draws = 50_000;
    double sum = 0;
    double sumOfSquares = 0;
    for (int i = 0; i < draws; i++) {
      double value = BetaSampler.sample(alpha, beta, random);
      assertThat(value).isBetween(0.0, 1.0);
      sum += value;
      sumOfSquares += value * value;
    }
    double mean = sum / draws;
    double variance = sumOfSquares / draws - mean * mean;

    double expectedMean = alpha / (alpha + beta);
    double expectedVariance = alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1));
    assertThat(mean).isCloseTo(expectedMean, offset(0.005));
    assertThat(variance).isCloseTo(expectedVariance, offset(0.002));
  }

  @Test
  void betaSampler_smallShape_staysInRange() {
    Random random = new Random(3);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      double value = BetaSampler.sample(0.5, 0.5, random);
      assertThat(value).isBetween(0.0, 1.0);
      sum += value;
    }
    assertThat(sum / 20_000).isCloseTo(0.5, offset(0.01));
  }

  @Test
  void betaSampler_invalidShape_isRejected() {
    Random random = new Random(1);
    assertThatThrownBy(() -> BetaSampler.sample(0, 1, random))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha must be finite and > 0: 0.0");
    assertThatThrownBy(() -> BetaSampler.sample(1, Double.NaN, random))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beta");
    assertThatThrownBy(() -> BetaSampler.sample(Double.POSITIVE_INFINITY, 1, random))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void posterior_newTrack_hasOptimisticPrior() {
    EngagementModel.Posterior posterior = model.posterior("u1", "new-track");

    assertThat(posterior.alpha()).isEqualTo(EngagementModel.OPTIMISTIC_ALPHA);
    assertThat(posterior.beta()).isEqualTo(EngagementModel.OPTIMISTIC_BETA);
    assertThat(posterior.mean()).isGreaterThan(0.5);
  }

  @Test
  void posterior_ownFeedback_countsPlaySkipAndSave() {
    store.record("u1", "t", FeedbackEvent.PLAY);
    store.record("u1", "t", FeedbackEvent.SKIP);
    store.record("u1", "t", FeedbackEvent.SAVE);

    EngagementModel.Posterior posterior = model.posterior("u1", "t");

    assertThat(posterior.alpha()).isEqualTo(1 + 1 + FeedbackEvent.SAVE_WEIGHT);
    assertThat(posterior.beta()).isEqualTo(1 + 1);
  }

  @Test
  void posterior_othersFeedback_weightsPrior() {
    for (int i = 0; i < 10; i++) {
      store.record("other-" + i, "t", FeedbackEvent.PLAY);
    }
    store.record("other-0", "t", FeedbackEvent.SKIP);

    EngagementModel.Posterior newcomer = model.posterior("u1", "t");
    EngagementModel.Posterior listener = model.posterior("other-0", "t");

    assertThat(newcomer.alpha())
        .isCloseTo(1 + 10 * EngagementModel.POPULATION_WEIGHT, offset(1e-9));
    assertThat(newcomer.beta()).isCloseTo(1 + EngagementModel.POPULATION_WEIGHT, offset(1e-9));
    assertThat(listener.alpha())
        .isCloseTo(1 + 9 * EngagementModel.POPULATION_WEIGHT + 1, offset(1e-9));
    assertThat(listener.beta()).isCloseTo(2, offset(1e-9));
  }

  @Test
  void skip_newTrack_lowersMean() {
    double before = model.posterior("u1", "t").mean();

    store.record("u1", "t", FeedbackEvent.SKIP);

    assertThat(model.posterior("u1", "t").mean()).isLessThan(before);
  }

  /**
   * Three arms with true engagement rates 0.2, 0.5 and 0.8. Each round draws one value per arm from
   * its posterior, shows the arm with the highest draw, and records a play or a skip from the
   * seeded simulated listener.
   */
  @Test
  void banditSimulation_seeded_convergesToBestArm() {
    String[] arms = {"low", "mid", "high"};
    double[] rates = {0.2, 0.5, 0.8};
    Random policy = new Random(11);
    Random listener = new Random(12);
    int[] pullsInLastHundred = new int[arms.length];
    int rounds = 1000;
    for (int round = 0; round < rounds; round++) {
      int chosen = 0;
      double best = -1;
      for (int arm = 0; arm < arms.length; arm++) {
        double draw = model.posterior("u1", arms[arm]).sample(policy);
        if (draw > best) {
          best = draw;
          chosen = arm;
        }
      }
      boolean engaged = listener.nextDouble() < rates[chosen];
      store.record("u1", arms[chosen], engaged ? FeedbackEvent.PLAY : FeedbackEvent.SKIP);
      if (round >= rounds - 100) {
        pullsInLastHundred[chosen]++;
      }
    }

    assertThat(pullsInLastHundred[2]).isGreaterThan(80);
    assertThat(model.posterior("u1", "high").mean())
        .isGreaterThan(model.posterior("u1", "mid").mean());
    assertThat(store.engagement("u1", "low").total()).isGreaterThan(0);
  }

  @Test
  void banditSimulation_sameSeeds_repeatsEveryChoice() {
    assertThat(choices(5)).isEqualTo(choices(5));
    assertThat(choices(5)).isNotEqualTo(choices(6));
  }

  private static String choices(long seed) {
    InMemoryInteractionStore store =
        new InMemoryInteractionStore(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    EngagementModel model = new EngagementModel(store);
    Random policy = new Random(seed);
    Random listener = new Random(seed + 1);
    StringBuilder choices = new StringBuilder();
    for (int round = 0; round < 200; round++) {
      int chosen = 0;
      double best = -1;
      for (int arm = 0; arm < 4; arm++) {
        double draw = model.posterior("u1", "arm" + arm).sample(policy);
        if (draw > best) {
          best = draw;
          chosen = arm;
        }
      }
      choices.append(chosen);
      boolean engaged = listener.nextDouble() < 0.2 * (chosen + 1);
      store.record("u1", "arm" + chosen, engaged ? FeedbackEvent.PLAY : FeedbackEvent.SKIP);
    }
    return choices.toString();
  }
}
