package dev.tonearm.server.recommend;

/** The candidate generator that proposed a recommended track. */
public enum SourceKind {
  /** Item-item collaborative filtering over play events. */
  COLLABORATIVE,
  /** Similarity of audio features to tracks the account played. */
  CONTENT,
  /** Tracks with the most recent plays across all accounts. */
  POPULARITY,
  /** Tracks the account has never played, least exposed first. */
  DISCOVERY
}
