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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The only trial permit ({@code halfOpenMaxConcurrent = 1}) is overdue. Its holder gives it back
 * and asks for a new one, while another caller asks for a permit: each caller either takes the
 * returned permit or writes the overdue one off (a failed trial, within the allowed failures) and
 * takes a fresh one. A permit taken just now is never written off: if the caller reads the overdue
 * word, then the holder returns its permit and takes a fresh one, the state word is the same again,
 * and only the trial lock keeps the caller from writing off the holder's fresh permit (the ABA
 * case, which would let both hold a permit). Two actors, as jcstress on two CPUs runs no more.
 */
@JCStressTest
@Description("HALF_OPEN: an overdue permit handed back and taken again; no fresh permit expires")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "returned, then taken again by its holder")
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "returned, then taken by the caller")
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "written off; the holder took a fresh one")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE, desc = "written off; the caller took a fresh one")
@Outcome(
    expect = FORBIDDEN,
    desc = "two permits at once, a fresh permit written off, or a permit leaked")
@State
public class TrialExpiryVsHandOverTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(1).build());
  final CallGuard held = f.halfOpenWithOverdueTrial();

  @Actor
  public void holder(IIII_Result r) {
    held.release();
    r.r1 = f.tryAcquire() != null ? 1 : 0;
  }

  @Actor
  public void caller(IIII_Result r) {
    r.r2 = f.tryAcquire() != null ? 1 : 0;
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r3 = f.trialInFlight();
    r.r4 = f.trialFailures();
  }
}
