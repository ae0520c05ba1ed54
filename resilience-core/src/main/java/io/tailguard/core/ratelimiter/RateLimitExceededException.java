package io.tailguard.core.ratelimiter;

import java.time.Duration;

/**
 * Thrown when a {@link RateLimiter} refuses a request: the key used its capacity, or it is a new
 * key and the limiter already tracks its maximum number of keys.
 *
 * <p>The message names the limiter, never the key, so it is safe to show and to log. Like other
 * flow-control signals it carries no stack trace: a refusal is expected under load and must stay
 * cheap. Instances are immutable and thread-safe.
 */
public final class RateLimitExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String limiterName;
  private final RateLimitDecision.Reason reason;
  private final Duration retryAfter;
  private final int limit;

  /**
   * Creates the exception.
   *
   * @param limiterName the limiter
   * @param decision the refusal
   */
  public RateLimitExceededException(String limiterName, RateLimitDecision decision) {
    super(message(limiterName, decision), null, false, false);
    this.limiterName = limiterName;
    this.reason = decision.reason();
    this.retryAfter = decision.retryAfter();
    this.limit = decision.limit();
  }

  private static String message(String name, RateLimitDecision d) {
    if (d.reason() == RateLimitDecision.Reason.KEY_LIMIT) {
      return "Rate limiter '" + name + "' tracks its maximum number of keys; new keys are refused";
    }
    return "Rate limit of '"
        + name
        + "' exceeded ("
        + d.limit()
        + " per window); retry after "
        + d.retryAfter().toMillis()
        + " ms";
  }

  /**
   * Returns the limiter that refused.
   *
   * @return its name
   */
  public String limiterName() {
    return limiterName;
  }

  /**
   * Returns why the request was refused.
   *
   * @return {@link RateLimitDecision.Reason#RATE_EXCEEDED} or {@link
   *     RateLimitDecision.Reason#KEY_LIMIT}
   */
  public RateLimitDecision.Reason reason() {
    return reason;
  }

  /**
   * Returns how long until the same request would be permitted.
   *
   * @return the wait
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Returns the capacity in force.
   *
   * @return permits per window
   */
  public int limit() {
    return limit;
  }
}
