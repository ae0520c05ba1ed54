package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * An operator resets an open breaker (cooldown still running) while a caller asks for a permit. A
 * caller admitted after the reset counts in the reset's fresh window; one refused before it saw an
 * OPEN breaker. The reset also forgets the re-open history.
 */
@JCStressTest
@Description("reset() vs acquire on an OPEN breaker: admitted calls land in the new window")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "admitted after the reset, counted")
@Outcome(id = "0, 0, 0, 0", expect = ACCEPTABLE, desc = "refused (OPEN) before the reset")
@Outcome(expect = FORBIDDEN, desc = "not closed, the call not counted, or re-opens remembered")
@State
public class ResetVsAcquireTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenAllowedFailures(0).build());

  {
    f.halfOpen().failure(); // re-opened once: OPEN, with a full (doubled) cooldown ahead
  }

  @Actor
  public void operator() {
    f.breaker.reset();
  }

  @Actor
  public void caller(IIII_Result r) {
    try {
      CallGuard g = f.breaker.acquire();
      r.r1 = 1;
      g.success();
    } catch (CircuitRejectedException e) {
      r.r1 = e.reason() == CircuitRejectedException.Reason.OPEN ? 0 : -1;
    }
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r2 = f.state();
    r.r3 = (int) f.breaker.metrics().windowCalls();
    r.r4 = f.reopens();
  }
}
