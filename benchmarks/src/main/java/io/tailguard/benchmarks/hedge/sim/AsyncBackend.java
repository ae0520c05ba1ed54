package io.tailguard.benchmarks.hedge.sim;

import java.util.concurrent.CompletableFuture;

/**
 * A simulated backend in virtual time: an attempt returns at once a future that an event of the
 * {@link SimTime} completes. Cancelling the future withdraws the attempt.
 *
 * <p>Implementations are driven by the single thread of the event loop.
 */
interface AsyncBackend {

  /**
   * Sends an attempt.
   *
   * @param request the request's index
   * @param attempt 0 for the primary, 1 for the first hedge, ...
   * @return the answer, failed with {@link SimulatedFailure} for an instant failure
   */
  CompletableFuture<String> attempt(long request, int attempt);
}
