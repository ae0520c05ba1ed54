package io.tailguard.core.circuitbreaker;

import io.tailguard.core.internal.Durations;
import java.time.Duration;

/**
 * Thrown (or completes a future) when a {@link CircuitBreaker} refuses a call.
 *
 * <p>The exception carries no stack trace: its cause is the breaker's state, not a place in the
 * code, and refusing calls cheaply is the point of an open breaker.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CircuitRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a call was refused. */
  public enum Reason {
    /** The breaker is open and its cooldown has not passed. */
    OPEN,
    /** The breaker is half-open and all trial permits are taken. */
    HALF_OPEN_EXHAUSTED,
    /** The registry's global fuse is open: too many component breakers are open. */
    GLOBAL_OPEN,
    /** An operator forced the breaker open. */
    FORCED_OPEN
  }

  private final String name;
  private final Reason reason;
  private final transient Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param name the breaker that refused the call
   * @param reason why
   * @param retryAfter the suggested wait before trying again, not negative
   */
  public CircuitRejectedException(String name, Reason reason, Duration retryAfter) {
    super(
        "Circuit breaker '"
            + name
            + "' rejected the call: "
            + reason
            + " (retry after "
            + Durations.format(retryAfter)
            + ")",
        null,
        false,
        false);
    this.name = name;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  /**
   * Returns the name of the breaker that refused the call.
   *
   * @return the breaker name
   */
  public String name() {
    return name;
  }

  /**
   * Returns why the call was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns how long to wait before trying again: the remaining cooldown when open; for the global
   * fuse, the time until the earliest cooldown of an open component ends (never zero), or the
   * refusing breaker's base cooldown if only forced-open components hold the fuse open; the base
   * cooldown when forced open (an operator decides when it ends); and zero when half-open (a permit
   * may free up any moment).
   *
   * @return the suggested wait, never negative
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
