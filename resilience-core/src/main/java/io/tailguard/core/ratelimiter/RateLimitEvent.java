package io.tailguard.core.ratelimiter;

import io.tailguard.core.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The events of a {@link RateLimiter}. Events carry the key of the request, which may identify a
 * user: a listener that logs or exports them decides what to keep. Immutable and thread-safe.
 */
public sealed interface RateLimitEvent extends ResilienceEvent {

  /**
   * A request was refused because its key had used its capacity.
   *
   * @param name the limiter
   * @param timestamp when
   * @param key the key
   * @param permits the permits asked for
   * @param retryAfter how long until the request would be permitted
   */
  record Rejected(String name, Instant timestamp, String key, int permits, Duration retryAfter)
      implements RateLimitEvent {}

  /**
   * A new key was refused because the limiter tracks {@code maxKeys} keys. Published at most once a
   * minute, with the warning it is logged with.
   *
   * @param name the limiter
   * @param timestamp when
   * @param maxKeys the cap in force
   */
  record KeyLimitReached(String name, Instant timestamp, int maxKeys) implements RateLimitEvent {}

  /**
   * The limiter's configuration changed.
   *
   * @param name the limiter
   * @param timestamp when
   * @param previous the configuration before
   * @param current the configuration now
   */
  record ConfigChanged(
      String name, Instant timestamp, RateLimitConfig previous, RateLimitConfig current)
      implements RateLimitEvent {}
}
