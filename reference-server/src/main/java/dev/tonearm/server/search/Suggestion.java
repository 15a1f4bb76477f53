package dev.tonearm.server.search;

/**
 * One autocomplete entry. Immutable.
 *
 * @param text the normalised query with its last term completed
 * @param term the completed last term
 */
public record Suggestion(String text, String term) {}
