package io.tailguard.core.ratelimiter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of a {@link RateLimiter} to one request, with what an HTTP response needs for its
 * {@code RateLimit-*} and {@code Retry-After} headers.
 *
 * @param reason why the request was permitted or refused
 * @param limit the capacity in force
 * @param remaining permits the key could still take at once after this request (0 if refused)
 * @param retryAfter how long until the same request would be permitted; zero if it was
 * @param resetAfter how long until the key is back to its full capacity
 */
public record RateLimitDecision(
    Reason reason, int limit, long remaining, Duration retryAfter, Duration resetAfter) {

  /** How long a refused new key is told to wait: sweeps of a full key table are a second apart. */
  static final Duration KEY_LIMIT_RETRY = Duration.ofSeconds(1);

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if a component is null or negative
   */
  public RateLimitDecision {
    if (reason == null || retryAfter == null || resetAfter == null) {
      throw new IllegalArgumentException("reason, retryAfter and resetAfter must not be null");
    }
    if (limit < 1 || remaining < 0 || retryAfter.isNegative() || resetAfter.isNegative()) {
      throw new IllegalArgumentException(
          "limit must be >= 1 and remaining, retryAfter, resetAfter >= 0, was "
              + limit
              + ", "
              + remaining
              + ", "
              + retryAfter
              + ", "
              + resetAfter);
    }
  }

  /**
   * A permitted request whose key's theoretical arrival time is now {@code aheadNanos} ahead of the
   * clock.
   *
   * @param aheadNanos how far the key's TAT runs ahead of now after this request, {@code > 0}
   * @param config the configuration in force
   * @return the decision
   */
  public static RateLimitDecision permitted(long aheadNanos, RateLimitConfig config) {
    long remaining =
        Math.max(0, (config.burstNanos() - aheadNanos) / config.emissionIntervalNanos());
    return new RateLimitDecision(
        Reason.PERMITTED,
        config.capacity(),
        remaining,
        Duration.ZERO,
        Duration.ofNanos(aheadNanos));
  }

  /**
   * A request for {@code permits} refused because it exceeded the key's allowance by {@code
   * excessNanos}.
   *
   * @param excessNanos how long until the request would fit, {@code > 0}
   * @param permits the permits asked for
   * @param config the configuration in force
   * @return the decision
   */
  public static RateLimitDecision rateExceeded(
      long excessNanos, int permits, RateLimitConfig config) {
    long aheadNow =
        excessNanos + config.burstNanos() - (long) permits * config.emissionIntervalNanos();
    return new RateLimitDecision(
        Reason.RATE_EXCEEDED,
        config.capacity(),
        0,
        Duration.ofNanos(excessNanos),
        Duration.ofNanos(Math.max(0, aheadNow)));
  }

  /**
   * A new key refused because the limiter tracks its maximum number of keys.
   *
   * @param config the configuration in force
   * @return the decision
   */
  public static RateLimitDecision keyLimit(RateLimitConfig config) {
    return new RateLimitDecision(
        Reason.KEY_LIMIT, config.capacity(), 0, KEY_LIMIT_RETRY, Duration.ZERO);
  }

  /** Why a request was permitted or refused. */
  public enum Reason {
    /** The key had a permit (perhaps after a wait within the caller's timeout). */
    PERMITTED,
    /** The key had used its capacity; {@link #retryAfter()} says when to come back. */
    RATE_EXCEEDED,
    /** The key was new and the limiter already tracks {@code maxKeys} keys. */
    KEY_LIMIT
  }

  /**
   * Returns whether the request was permitted.
   *
   * @return {@code true} if permitted
   */
  public boolean permitted() {
    return reason == Reason.PERMITTED;
  }

  /**
   * Returns the standard headers for an HTTP response: {@code RateLimit-Limit}, {@code
   * RateLimit-Remaining}, {@code RateLimit-Reset} (seconds, rounded up) and, when refused, {@code
   * Retry-After} (seconds, rounded up, at least 1).
   *
   * @return the headers, in that order
   */
  public Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("RateLimit-Limit", Integer.toString(limit));
    h.put("RateLimit-Remaining", Long.toString(remaining));
    h.put("RateLimit-Reset", Long.toString(ceilSeconds(resetAfter)));
    if (!permitted()) {
      h.put("Retry-After", Long.toString(Math.max(1, ceilSeconds(retryAfter))));
    }
    return h;
  }

  static long ceilSeconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }
}
