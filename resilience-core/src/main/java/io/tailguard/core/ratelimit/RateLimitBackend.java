package io.tailguard.core.ratelimit;

/** Where the rate limiters of a configuration keep their keys. */
public enum RateLimitBackend {
  /** In this process ({@link io.tailguard.core.ratelimit.InMemoryRateLimiterStore}). */
  MEMORY,
  /**
   * In Redis, shared by every instance of the service ({@link
   * io.tailguard.core.ratelimit.redis.RedisRateLimiterStore}; needs {@code io.lettuce:lettuce-core}
   * on the class path).
   */
  REDIS
}
