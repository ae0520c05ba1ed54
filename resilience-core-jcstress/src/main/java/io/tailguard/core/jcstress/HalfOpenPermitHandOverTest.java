package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CallGuard;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The only trial permit of a half-open breaker is returned by its holder (a trial success that does
 * not yet close the breaker) while another caller asks for it.
 */
@JCStressTest
@Description("HALF_OPEN: a permit returned while another caller asks for it")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "returned first, then taken by actor 2")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "actor 2 asked first and was refused")
@Outcome(expect = FORBIDDEN, desc = "two permits at once, a leaked permit, or a lost success")
@State
public class HalfOpenPermitHandOverTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(1).build());
  final CallGuard held = f.halfOpen();

  @Actor
  public void holder() {
    held.success();
  }

  @Actor
  public void asker(III_Result r) {
    r.r1 = f.tryAcquire() != null ? 1 : 0;
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r2 = f.trialInFlight();
    r.r3 = f.trialSuccesses();
  }
}
