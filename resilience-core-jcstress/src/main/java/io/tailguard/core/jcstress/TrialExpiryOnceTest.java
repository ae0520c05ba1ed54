package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The only trial permit ({@code halfOpenMaxConcurrent = 1}) is overdue and never reported; two
 * callers find it at once. It is written off exactly once (one failed trial, within the allowed
 * failures), and exactly one caller gets the permit that frees.
 */
@JCStressTest
@Description("HALF_OPEN: two callers find an overdue permit; it is written off once")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "caller 1 got the freed permit")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "caller 2 got the freed permit")
@Outcome(
    expect = FORBIDDEN,
    desc = "written off twice or not at all, two permits at once, or a fresh permit written off")
@State
public class TrialExpiryOnceTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(1).build());

  {
    f.halfOpenWithOverdueTrial(); // hung: never reported
  }

  @Actor
  public void caller1(IIII_Result r) {
    r.r1 = f.tryAcquire() != null ? 1 : 0;
  }

  @Actor
  public void caller2(IIII_Result r) {
    r.r2 = f.tryAcquire() != null ? 1 : 0;
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r3 = f.trialInFlight();
    r.r4 = f.trialFailures();
  }
}
