package io.tailguard.core.ratelimit;

/** Where the rate limiters of a configuration keep their keys. */
public enum RateLimitBackend {
  /** In this process ({@link io.tailguard.core.ratelimit.store.InMemoryRateLimiterStore}). */
  MEMORY
}
