package io.tailguard.core.config;

import java.util.Collection;

/** "Did you mean" for misspelt keys and enum values: the closest known word, if close enough. */
final class Suggestions {

  private Suggestions() {}

  /**
   * Returns the known word closest to {@code word} by edit distance, if it is within a third of the
   * word's length (at least 1, at most 3 edits), or one is a prefix of the other.
   */
  static String closest(String word, Collection<String> known) {
    String w0 = word.toLowerCase(java.util.Locale.ROOT);
    if (w0.length() >= 3) {
      // Among the keys that are a prefix of the word or start with it, the closest by edit
      // distance, then the shortest: 'hedge-method' means 'hedge-methods', not 'hedge'.
      String prefixed = null;
      int prefixedDistance = Integer.MAX_VALUE;
      for (String k : known) {
        String kl = k.toLowerCase(java.util.Locale.ROOT);
        if (kl.startsWith(w0) || w0.startsWith(kl)) {
          int d = distance(w0, kl);
          if (prefixed == null
              || d < prefixedDistance
              || (d == prefixedDistance && k.length() < prefixed.length())) {
            prefixed = k;
            prefixedDistance = d;
          }
        }
      }
      if (prefixed != null) {
        return prefixed;
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = word.toLowerCase(java.util.Locale.ROOT);
    for (String k : known) {
      String kl = k.toLowerCase(java.util.Locale.ROOT);
      int d = distance(w, kl);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    if (best == null) {
      return null;
    }
    int limit = Math.min(3, Math.max(1, word.length() / 3));
    return bestDistance <= limit ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
