package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * An operator forces a half-open breaker open while a caller asks for a trial permit and, if it
 * gets one, fails. The breaker must end FORCED_OPEN: a trial outcome from before the operator's
 * move must not re-open or close it.
 */
@JCStressTest
@Description("forceOpen() vs acquire and trial failure in HALF_OPEN: ends FORCED_OPEN")
@Outcome(id = "1, 3, 1", expect = ACCEPTABLE, desc = "admitted before forceOpen(), outcome ignored")
@Outcome(id = "0, 3, 1", expect = ACCEPTABLE, desc = "refused with FORCED_OPEN")
@Outcome(expect = FORBIDDEN, desc = "not FORCED_OPEN at the end, or a wrong refusal")
@State
public class ForceOpenVsAcquireTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenAllowedFailures(0).build());

  {
    f.halfOpen().release();
  }

  @Actor
  public void operator() {
    f.breaker.forceOpen();
  }

  @Actor
  public void caller(III_Result r) {
    try {
      CallGuard g = f.breaker.acquire();
      r.r1 = 1;
      g.failure();
    } catch (CircuitRejectedException e) {
      r.r1 = e.reason() == CircuitRejectedException.Reason.FORCED_OPEN ? 0 : -1;
    }
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r2 = f.state();
    r.r3 =
        f.transitions(CircuitState.HALF_OPEN, CircuitState.FORCED_OPEN)
            + f.transitions(CircuitState.OPEN, CircuitState.FORCED_OPEN);
  }
}
