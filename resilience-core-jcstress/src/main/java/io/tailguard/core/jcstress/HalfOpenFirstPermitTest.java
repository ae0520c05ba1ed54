package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CircuitState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two callers arrive together at an open breaker whose cooldown has passed, with {@code
 * halfOpenMaxConcurrent = 1}: both try to move it to HALF_OPEN and take the one trial permit.
 */
@JCStressTest
@Description("OPEN -> HALF_OPEN race: one permit, one transition, whoever wins")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "actor 1 started the trial")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "actor 2 started the trial")
@Outcome(
    expect = FORBIDDEN,
    desc = "more permits than halfOpenMaxConcurrent, or not one transition")
@State
public class HalfOpenFirstPermitTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(1).build());

  {
    f.openWithCooldownPassed();
  }

  @Actor
  public void actor1(IIII_Result r) {
    r.r1 = f.tryAcquire() != null ? 1 : 0;
  }

  @Actor
  public void actor2(IIII_Result r) {
    r.r2 = f.tryAcquire() != null ? 1 : 0;
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r3 = f.trialInFlight();
    r.r4 = f.transitions(CircuitState.OPEN, CircuitState.HALF_OPEN);
  }
}
