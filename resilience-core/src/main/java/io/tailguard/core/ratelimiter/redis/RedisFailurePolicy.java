package io.tailguard.core.ratelimiter.redis;

/**
 * What a {@link RedisRateLimiterStore} does with a request while Redis cannot answer (unreachable,
 * too slow, or its circuit breaker open).
 */
public enum RedisFailurePolicy {
  /** Permit every request: availability over limits. */
  FAIL_OPEN,
  /** Refuse every request, with a retry-after of one second: limits over availability. */
  FAIL_CLOSED,
  /**
   * Limit each instance on its own, in memory, at the shared capacity divided by the configured
   * instance count (at least 1 permit per window). The default.
   */
  LOCAL
}
