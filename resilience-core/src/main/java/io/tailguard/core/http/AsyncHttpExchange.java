package io.tailguard.core.http;

import java.util.concurrent.CompletionStage;

/**
 * Starts one attempt of a request without blocking and returns a stage of its response: the
 * adapter's part of an asynchronous call. A hedge that lost gets its stage cancelled (through
 * {@link java.util.concurrent.CompletableFuture#cancel(boolean)} of {@code toCompletableFuture()}),
 * which should cancel the exchange and release its connection.
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <R> the adapter's response type
 */
@FunctionalInterface
public interface AsyncHttpExchange<R> {

  /**
   * Starts sending the request to {@link HttpAttempt#target()}.
   *
   * @param attempt the attempt: its target, number and cancellation
   * @return a stage of the response, whatever its status, failing (typically with an {@link
   *     java.io.IOException}) if no response came
   */
  CompletionStage<R> exchange(HttpAttempt attempt);
}
