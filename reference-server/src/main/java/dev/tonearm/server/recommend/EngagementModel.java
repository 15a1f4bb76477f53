package dev.tonearm.server.recommend;

import java.util.Objects;
import java.util.Random;

/**
 * The reward model: a Beta posterior of the probability that an account engages with a track.
 *
 * <p>Successes are plays, plus {@link FeedbackEvent#SAVE_WEIGHT} per save; failures are skips. The
 * posterior of (account, track) is {@code Beta(a0 + own successes, b0 + own failures)}, with the
 * prior chosen from the track's feedback from all accounts:
 *
 * <ul>
 *   <li>no feedback at all (a new track): the optimistic prior {@code Beta(2, 1)}, with mean 0.67
 *       and a wide spread, so Thompson sampling tries the track early;
 *   <li>otherwise {@code Beta(1 + w * others' successes, 1 + w * others' failures)} with {@code w
 *       =} {@link #POPULATION_WEIGHT}, so other accounts' feedback informs a newcomer without
 *       outweighing the account's own.
 * </ul>
 *
 * <p>Thompson sampling draws one value per candidate from its posterior with the injected random
 * and ranks by it, which explores uncertain tracks and exploits well-liked ones in proportion to
 * the evidence. Stateless apart from the store; thread-safe.
 */
public final class EngagementModel {
  /** Prior successes of a track without feedback. */
  public static final double OPTIMISTIC_ALPHA = 2;

  /** Prior failures of a track without feedback. */
  public static final double OPTIMISTIC_BETA = 1;

  /** Weight of one success or failure from another account in the prior. */
  public static final double POPULATION_WEIGHT = 0.25;

  private final InteractionStore interactions;

  /** Posterior parameters of one (account, track) pair. Immutable. */
  public record Posterior(double alpha, double beta) {
    /** Returns the posterior mean {@code alpha / (alpha + beta)}. */
    public double mean() {
      return alpha / (alpha + beta);
    }

    /** Draws one engagement probability from this posterior. */
    public double sample(Random random) {
      return BetaSampler.sample(alpha, beta, random);
    }
  }

  public EngagementModel(InteractionStore interactions) {
    this.interactions = Objects.requireNonNull(interactions, "interactions");
  }

  /** Returns the current posterior of {@code accountId} engaging with {@code trackId}. */
  public Posterior posterior(String accountId, String trackId) {
    Engagement total = interactions.totalEngagement(trackId);
    Engagement own = interactions.engagement(accountId, trackId);
    double priorAlpha;
    double priorBeta;
    if (total.total() == 0) {
      priorAlpha = OPTIMISTIC_ALPHA;
      priorBeta = OPTIMISTIC_BETA;
    } else {
      Engagement others = total.minus(own);
      priorAlpha = 1 + POPULATION_WEIGHT * others.successes();
      priorBeta = 1 + POPULATION_WEIGHT * others.failures();
    }
    return new Posterior(priorAlpha + own.successes(), priorBeta + own.failures());
  }
}
