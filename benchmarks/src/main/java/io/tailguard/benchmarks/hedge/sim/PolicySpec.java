package io.tailguard.benchmarks.hedge.sim;

import java.util.function.Function;

/**
 * A named policy and how to make a fresh instance of it.
 *
 * @param name the name in tables, for example "fixed-10ms"
 * @param factory makes an instance wired to virtual or real time
 */
record PolicySpec(String name, Function<Wiring, SimPolicy> factory) {

  /**
   * Makes a fresh instance.
   *
   * @param wiring how it meets time and threads
   * @return the instance
   */
  SimPolicy create(Wiring wiring) {
    return factory.apply(wiring);
  }
}
