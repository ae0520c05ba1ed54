package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CircuitMetrics;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Calls through a closed breaker while another thread moves the shared clock across a bucket
 * boundary and makes a call of its own: every call is in the window (four 1ms buckets) whichever
 * bucket it landed in.
 */
@JCStressTest
@Description("CircuitBreaker: calls recorded while the clock crosses a bucket boundary")
@Outcome(id = "3, 3, 1", expect = ACCEPTABLE, desc = "every call counted in the window")
@Outcome(expect = FORBIDDEN, desc = "a call lost across the rollover")
@State
public class BreakerRolloverTest {

  final Fixture f =
      new Fixture(
          Fixture.config()
              .consecutiveFailuresThreshold(0)
              .rollingWindow(Duration.ofMillis(4))
              .buckets(4)
              .build());

  {
    f.clock.advanceNanos(Duration.ofMillis(1).toNanos() - 1); // one nanosecond before the boundary
  }

  @Actor
  public void caller() {
    f.breaker.acquire().success();
    f.breaker.acquire().failure();
  }

  @Actor
  public void ticker() {
    f.clock.advanceNanos(1);
    f.breaker.acquire().success();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    CircuitMetrics m = f.breaker.metrics();
    r.r1 = (int) m.windowCalls();
    r.r2 = (int) (m.successfulCalls() + m.failedCalls());
    r.r3 = (int) m.windowFailures();
  }
}
