package io.tailguard.core.http;

import java.io.IOException;

/**
 * Sends one attempt of a request and returns its response: the adapter's part of a blocking call.
 * Called once per attempt, possibly on another thread than the caller's (hedges run on the
 * runtime's executor) and possibly concurrently with other attempts of the same call; a hedge that
 * lost is interrupted, so an exchange should respond to interrupts (or poll {@link
 * HttpAttempt#isCancelled()}).
 *
 * <p>Implementations must be thread-safe.
 *
 * @param <R> the adapter's response type
 */
@FunctionalInterface
public interface HttpExchange<R> {

  /**
   * Sends the request to {@link HttpAttempt#target()}.
   *
   * @param attempt the attempt: its target, number and cancellation
   * @return the response, whatever its status
   * @throws IOException if no response came
   */
  R exchange(HttpAttempt attempt) throws IOException;
}
