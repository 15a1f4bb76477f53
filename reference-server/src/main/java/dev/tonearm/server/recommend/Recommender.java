package dev.tonearm.server.recommend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A recommender in the style of BaRT, the bandit recommender of McInerney et al., "Explore,
 * Exploit, and Explain: Personalizing Explainable Recommendations with Bandits", RecSys 2018 (doi
 * 10.1145/3240323.3240354). Each slot of the list is filled by an arm chosen with Thompson sampling
 * over a Beta posterior of engagement. The list therefore both exploits what an account likes and
 * explores what it has not heard.
 *
 * <p>One request runs these steps:
 *
 * <ol>
 *   <li>Candidate generation: each {@link CandidateSource}, in the configured order, proposes up to
 *       {@code candidatesPerSource} tracks. A track proposed by several sources keeps the proposal
 *       of the first, with its explanation.
 *   <li>Scoring: for each candidate, in track id order so that a seeded random gives the same
 *       draws, a value {@code theta} is drawn from the {@link EngagementModel} posterior, and the
 *       score is {@code theta * (0.5 + 0.5 * relevance)}: the posterior decides, the source's
 *       relevance breaks near-ties.
 *   <li>Ranking by score, ties by track id, and selection by the {@link Diversifier}.
 * </ol>
 *
 * <p>A new account has no plays, so only popularity and discovery propose anything (cold start),
 * and a new track gets the optimistic prior of the engagement model.
 *
 * <p>Thread-safe. The random is shared by all requests, so results repeat for a seed only when one
 * thread makes the requests in the same order.
 */
public final class Recommender {
  /** Default list length. */
  public static final int DEFAULT_LIMIT = 10;

  /** Maximum list length. */
  public static final int MAX_LIMIT = 100;

  /** Default number of candidates from each source: 200. */
  public static final int DEFAULT_CANDIDATES_PER_SOURCE = 200;

  private final InteractionStore interactions;
  private final TrackProfileSource profiles;
  private final List<CandidateSource> sources;
  private final int candidatesPerSource;
  private final Random random;
  private final EngagementModel model;
  private final Diversifier diversifier = new Diversifier();

  private Recommender(Builder builder) {
    this.interactions = builder.interactions;
    this.profiles = builder.profiles;
    this.sources = List.copyOf(builder.sources);
    this.candidatesPerSource = builder.candidatesPerSource;
    this.random = builder.random;
    this.model = new EngagementModel(interactions);
  }

  /** Creates a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the sources in their default order: collaborative, content, popularity, discovery. */
  public static List<CandidateSource> defaultSources() {
    return List.of(
        new CollaborativeSource(),
        new ContentSource(),
        new PopularitySource(),
        new DiscoverySource());
  }

  /**
   * Recommends up to {@code limit} tracks to {@code accountId}.
   *
   * @throws RecommendationException INVALID_LIMIT when {@code limit} is outside [1, {@link
   *     #MAX_LIMIT}]
   */
  public Recommendation recommend(String accountId, int limit) {
    Objects.requireNonNull(accountId, "accountId");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new RecommendationException(
          RecommendationException.Reason.INVALID_LIMIT,
          "limit must be in [1, " + MAX_LIMIT + "]: " + limit);
    }
    RecommendationContext context =
        new RecommendationContext(accountId, profiles.profiles(), interactions, random);
    Map<String, Candidate> candidates = new TreeMap<>();
    int perSource = Math.max(candidatesPerSource, limit);
    for (CandidateSource source : sources) {
      for (Candidate candidate : source.propose(context, perSource)) {
        if (context.catalog().containsKey(candidate.trackId())) {
          candidates.putIfAbsent(candidate.trackId(), candidate);
        }
      }
    }
    List<ScoredCandidate> ranked = new ArrayList<>();
    for (Candidate candidate : candidates.values()) {
      double theta = model.posterior(accountId, candidate.trackId()).sample(random);
      double score = theta * (0.5 + 0.5 * candidate.relevance());
      ranked.add(new ScoredCandidate(candidate, context.catalog().get(candidate.trackId()), score));
    }
    ranked.sort(
        Comparator.comparingDouble((ScoredCandidate scored) -> -scored.score())
            .thenComparing(ScoredCandidate::trackId));
    Set<String> played = context.played();
    Diversifier.Result result = diversifier.select(ranked, played, limit);
    List<Recommendation.Item> items = new ArrayList<>();
    for (ScoredCandidate scored : result.items()) {
      TrackProfile profile = scored.profile();
      items.add(
          new Recommendation.Item(
              profile.trackId(),
              profile.title(),
              profile.artist(),
              profile.genre(),
              scored.candidate().source(),
              scored.candidate().explanation(),
              scored.score(),
              !played.contains(profile.trackId())));
    }
    return new Recommendation(items, result.relaxed());
  }

  /**
   * Records {@code event} by {@code accountId} on {@code trackId}.
   *
   * @throws RecommendationException UNKNOWN_TRACK when the track is not in the catalog
   */
  public void feedback(String accountId, String trackId, FeedbackEvent event) {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(event, "event");
    boolean known =
        profiles.profiles().stream().anyMatch(profile -> profile.trackId().equals(trackId));
    if (!known) {
      throw new RecommendationException(
          RecommendationException.Reason.UNKNOWN_TRACK, "no track with id " + trackId);
    }
    interactions.record(accountId, trackId, event);
  }

  /** Returns the engagement model, for inspecting posteriors. */
  public EngagementModel model() {
    return model;
  }

  /** Configures a {@link Recommender}. Not thread-safe. */
  public static final class Builder {
    private InteractionStore interactions;
    private TrackProfileSource profiles;
    private List<CandidateSource> sources = defaultSources();
    private int candidatesPerSource = DEFAULT_CANDIDATES_PER_SOURCE;
    private Random random;

    private Builder() {}

    /** Feedback state; required. */
    public Builder interactions(InteractionStore interactions) {
      this.interactions = Objects.requireNonNull(interactions, "interactions");
      return this;
    }

    /** Tracks that may be recommended; required. */
    public Builder profiles(TrackProfileSource profiles) {
      this.profiles = Objects.requireNonNull(profiles, "profiles");
      return this;
    }

    /** Candidate sources, earlier ones winning duplicates; default {@link #defaultSources()}. */
    public Builder sources(List<CandidateSource> sources) {
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("sources must not be empty");
      }
      this.sources = List.copyOf(sources);
      return this;
    }

    /**
     * Candidates asked of each source, raised to the request's limit when lower; default {@link
     * #DEFAULT_CANDIDATES_PER_SOURCE}.
     */
    public Builder candidatesPerSource(int candidatesPerSource) {
      if (candidatesPerSource <= 0) {
        throw new IllegalArgumentException(
            "candidatesPerSource must be > 0: " + candidatesPerSource);
      }
      this.candidatesPerSource = candidatesPerSource;
      return this;
    }

    /** Random source of Thompson sampling and of discovery ties; required, seeded in tests. */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Builds the recommender. */
    public Recommender build() {
      if (interactions == null || profiles == null || random == null) {
        throw new IllegalStateException("interactions, profiles and random are required");
      }
      return new Recommender(this);
    }
  }
}
