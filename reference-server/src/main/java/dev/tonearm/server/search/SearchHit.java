package dev.tonearm.server.search;

/**
 * One ranked result. Immutable.
 *
 * @param document the matching document
 * @param score relevance, higher first; comparable only within one result list
 */
public record SearchHit(SearchDocument document, double score) {}
