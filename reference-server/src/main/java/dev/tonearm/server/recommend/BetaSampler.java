package dev.tonearm.server.recommend;

import java.util.Random;

/**
 * Draws from Beta distributions as {@code X / (X + Y)} with {@code X ~ Gamma(alpha)} and {@code Y ~
 * Gamma(beta)}. Gamma variates use the squeeze-and-reject method of Marsaglia and Tsang, "A Simple
 * Method for Generating Gamma Variables", ACM TOMS 26(3), 2000, with the boost {@code Gamma(a) =
 * Gamma(a + 1) * U^(1/a)} for shapes below 1. Every number comes from the given {@link Random}, so
 * a seeded random gives a repeatable sequence. Stateless.
 */
public final class BetaSampler {
  private BetaSampler() {}

  /**
   * Draws one value of Beta({@code alpha}, {@code beta}).
   *
   * @throws IllegalArgumentException when a shape is not finite and positive
   */
  public static double sample(double alpha, double beta, Random random) {
    checkShape("alpha", alpha);
    checkShape("beta", beta);
    double x = gamma(alpha, random);
    double y = gamma(beta, random);
    double sum = x + y;
    // Both variates underflow only for tiny shapes; the mean is the best stand-in then.
    return sum > 0 ? x / sum : alpha / (alpha + beta);
  }

  /** Draws one value of Gamma({@code shape}, 1). */
  static double gamma(double shape, Random random) {
    if (shape < 1) {
      double u = 1 - random.nextDouble();
      return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double root = 1 + c * x;
      if (root <= 0) {
        continue;
      }
      double v = root * root * root;
      double u = 1 - random.nextDouble();
      double xSquared = x * x;
      if (u < 1 - 0.0331 * xSquared * xSquared) {
        return d * v;
      }
      if (Math.log(u) < 0.5 * xSquared + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private static void checkShape(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and > 0: " + value);
    }
  }
}
