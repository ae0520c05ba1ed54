package io.tailguard.core.retry;

import java.time.Duration;
import java.util.Optional;

/**
 * Implemented by an exception that knows the HTTP status of the response it stands for, so that a
 * {@link Retrier} can judge it by {@link RetryPolicy#retryableStatuses()} and honour a {@code
 * Retry-After} without an {@link HttpStatusExtractor}, and, if it says the request's method, retry
 * only {@linkplain RetryPolicy#retryableMethods() retryable methods}. The retrier looks for it on
 * the failure and its causes.
 *
 * <p>Implementations must be thread-safe (exceptions usually are immutable).
 */
public interface HttpStatusCarrier {

  /**
   * Returns the HTTP status code of the response, for example 503.
   *
   * @return the status code
   */
  int httpStatus();

  /**
   * Returns the delay the response asked for in its {@code Retry-After} header, if any.
   *
   * @return the delay, or empty
   */
  default Optional<Duration> retryAfter() {
    return Optional.empty();
  }

  /**
   * Returns the method of the request that failed, for example {@code POST}, if known, so that a
   * {@link Retrier} sends again only requests of a {@linkplain RetryPolicy#retryableMethods()
   * retryable method}. Default: unknown.
   *
   * @return the method, or empty
   */
  default Optional<String> httpMethod() {
    return Optional.empty();
  }
}
