package io.tailguard.benchmarks.hedge.sim;

/**
 * A simulated backend in real time: an attempt blocks its thread for its simulated duration, and an
 * interrupt withdraws it.
 *
 * <p>Implementations are thread-safe: every request runs on its own thread.
 */
interface BlockingBackend {

  /**
   * Sends an attempt and waits for the answer.
   *
   * @param request the request's index
   * @param attempt 0 for the primary, 1 for the first hedge, ...
   * @return the answer
   * @throws SimulatedFailure for an instant failure
   * @throws java.util.concurrent.CancellationException if interrupted (the interrupt is kept)
   */
  String attemptBlocking(long request, int attempt);
}
