package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A half-open breaker with {@code halfOpenMaxConcurrent = 2} has one trial in flight; two callers
 * race for the last permit.
 */
@JCStressTest
@Description("HALF_OPEN: two callers, one permit left; in flight never exceeds the maximum")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "actor 1 took the last permit")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "actor 2 took the last permit")
@Outcome(expect = FORBIDDEN, desc = "more permits than halfOpenMaxConcurrent, or one lost")
@State
public class HalfOpenLastPermitTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(2).build());

  {
    f.halfOpen(); // the first permit stays in flight
  }

  @Actor
  public void actor1(III_Result r) {
    r.r1 = f.tryAcquire() != null ? 1 : 0;
  }

  @Actor
  public void actor2(III_Result r) {
    r.r2 = f.tryAcquire() != null ? 1 : 0;
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r3 = f.trialInFlight();
  }
}
