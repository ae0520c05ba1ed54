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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two calls fail at the same time and each, on its own, is enough to open the breaker ({@code
 * consecutiveFailuresThreshold = 1}). Exactly one CLOSED -> OPEN transition happens, both failures
 * are counted, and the open carries a cooldown (the first re-open count).
 */
@JCStressTest
@Description("CLOSED -> OPEN from two failing threads: exactly one transition event")
@Outcome(id = "1, 1, 2, 1000", expect = ACCEPTABLE, desc = "one transition, one cooldown")
@Outcome(expect = FORBIDDEN, desc = "zero or two transitions, a failure lost, or no cooldown")
@State
public class TripOnceTest {

  final Fixture f = new Fixture(Fixture.config().build());
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
  public void arbiter(IIII_Result r) {
    r.r1 = f.transitions(CircuitState.CLOSED, CircuitState.OPEN);
    r.r2 = f.state();
    r.r3 = (int) f.breaker.metrics().failedCalls();
    r.r4 = (int) f.breaker.remainingCooldown().toMillis();
  }
}
