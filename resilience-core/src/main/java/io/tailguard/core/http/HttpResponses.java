package io.tailguard.core.http;

import java.util.Optional;

/**
 * How {@link HttpClientGuard} reads and releases the adapter's response type: the status decides
 * breaker outcomes and retries, {@code Retry-After} the retry delay, and a response the caller will
 * not see (a hedge that lost, one that is retried) is {@linkplain #discard(Object) discarded} so
 * its connection goes back to the pool.
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <R> the adapter's response type
 */
public interface HttpResponses<R> {

  /**
   * Returns a response's status code.
   *
   * @param response the response
   * @return the status, such as 200
   */
  int status(R response);

  /**
   * Returns a response header.
   *
   * @param response the response
   * @param name the header's name, such as {@code Retry-After}
   * @return its first value, or empty
   */
  Optional<String> header(R response, String name);

  /**
   * Closes or releases a response the caller will never see. Called at most once per response; a
   * failure is logged at debug and otherwise ignored.
   *
   * @param response the response
   */
  void discard(R response);
}
