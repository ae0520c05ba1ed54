package io.tailguard.sample.search;

import java.util.List;

/**
 * Search hits, as the downstream returns them. Immutable.
 *
 * @param query the query
 * @param hits the hits
 */
public record SearchResult(String query, List<String> hits) {}
