package io.tailguard.core.jcstress;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import java.time.Duration;
import org.openjdk.jcstress.infra.results.II_Result;

/** Checks shared by several arbiters. Stateless. */
final class Probes {

  private Probes() {}

  /**
   * Tells the shape of the breaker's live window from the outside: makes one successful call now,
   * moves the clock by {@code later} (longer than the new window, shorter than the old) and sets
   * {@code r1} to 1 if the window still holds any call, 0 if it is empty, -1 if the call was
   * refused; {@code r2} to the configured bucket count.
   */
  static void newCallLeavesWindowAfter(Fixture f, Duration later, II_Result r) {
    r.r2 = f.breaker.config().buckets();
    try {
      f.breaker.acquire().success();
    } catch (CircuitRejectedException e) {
      r.r1 = -1;
      return;
    }
    f.clock.advanceNanos(later.toNanos());
    r.r1 = f.breaker.metrics().windowCalls() > 0 ? 1 : 0;
  }
}
