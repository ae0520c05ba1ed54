package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.time.Clock;
import java.util.function.UnaryOperator;

/**
 * How a policy's hedger meets time and threads: in virtual time it reads the {@link SimTime},
 * schedules on it and runs attempts on the event loop's thread; in real time it uses the system
 * clock and the hedger's own scheduler and executor.
 *
 * @param clock the clock policies measure call latencies with
 * @param builder completes a hedger's builder
 */
record Wiring(Clock clock, UnaryOperator<Hedger.Builder> builder) {

  /**
   * Returns the wiring of a virtual-time run.
   *
   * @param sim the virtual time
   * @return the wiring
   */
  static Wiring virtual(SimTime sim) {
    return new Wiring(sim, b -> b.clock(sim).scheduler(sim).executor(Runnable::run));
  }

  /**
   * Returns the wiring of a real-time run.
   *
   * @return the wiring
   */
  static Wiring realTime() {
    return new Wiring(Clock.system(), b -> b);
  }
}
