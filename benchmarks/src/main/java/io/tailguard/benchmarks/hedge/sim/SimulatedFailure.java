package io.tailguard.benchmarks.hedge.sim;

/**
 * The instant failure of a simulated attempt. Not fatal to a hedged call: the hedger starts the
 * next attempt at once (budget permitting).
 *
 * <p>Immutable and thread-safe; it carries no stack trace, since thousands are thrown per second
 * and none is ever printed.
 */
public final class SimulatedFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the failure. */
  public SimulatedFailure() {
    super("simulated failure", null, false, false);
  }
}
