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
 * A failing call opens the breaker while an operator resets it and a new call fails and opens it
 * again. Whatever the order, the breaker ends OPEN with the cooldown of its latest open: once that
 * has passed, a trial call must be let through. If the first open's record were written after the
 * second open's, the breaker would wait for a cooldown that belongs to an open long gone, and stay
 * OPEN forever.
 */
@JCStressTest
@Description("trip vs reset() + trip: the latest open's cooldown is the one in force")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "open, then a trial after the cooldown")
@Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "stuck OPEN: a stale open's record won")
@Outcome(expect = FORBIDDEN, desc = "not open at the end")
@State
public class ResetVsTripTest {

  final Fixture f = new Fixture(Fixture.config().build());
  final CallGuard early = f.breaker.acquire();

  @Actor
  public void failing() {
    early.failure();
  }

  @Actor
  public void operatorThenFailing(III_Result r) {
    f.breaker.reset();
    CallGuard g = f.tryAcquire();
    if (g != null) {
      g.failure();
    } else {
      r.r3 = 1; // refused right after a reset: only possible if something re-opened it
    }
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = f.breaker.state() == CircuitState.OPEN ? 1 : 0;
    f.clock.advanceNanos(Fixture.MAX_COOLDOWN.toNanos());
    CallGuard trial = f.tryAcquire();
    r.r2 = trial != null && trial.isTrial() ? 1 : 0;
  }
}
