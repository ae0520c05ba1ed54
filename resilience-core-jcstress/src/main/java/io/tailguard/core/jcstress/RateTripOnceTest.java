package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The window holds one success; {@code minCalls = 3} and a 50% failure-rate threshold. Two calls
 * fail at the same time: whichever thread evaluates last sees three calls, two failed, and opens
 * the breaker; if both see it, only one transition may happen.
 */
@JCStressTest
@Description("CLOSED -> OPEN on the failure rate from two failing threads: exactly one transition")
@Outcome(id = "1, 1, 3", expect = ACCEPTABLE, desc = "one transition")
@Outcome(expect = FORBIDDEN, desc = "no transition, two, or a call lost")
@State
public class RateTripOnceTest {

  final Fixture f =
      new Fixture(
          Fixture.config()
              .consecutiveFailuresThreshold(0)
              .minCalls(3)
              .failureRateThreshold(0.5)
              .build());

  {
    f.breaker.acquire().success();
  }

  final CallGuard first = f.breaker.acquire();
  final CallGuard second = f.breaker.acquire();

  @Actor
  public void actor1() {
    first.failure();
  }

  @Actor
  public void actor2() {
    second.failure();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = f.transitions(CircuitState.CLOSED, CircuitState.OPEN);
    r.r2 = f.state();
    r.r3 = (int) (f.breaker.metrics().successfulCalls() + f.breaker.metrics().failedCalls());
  }
}
