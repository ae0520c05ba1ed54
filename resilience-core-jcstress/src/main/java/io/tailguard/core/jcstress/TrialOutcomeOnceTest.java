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
 * A trial guard of a half-open breaker is reported as a success on one thread and as a failure on
 * another. The permit must come back once and one outcome must count.
 */
@JCStressTest
@Description("HALF_OPEN guard: success() vs failure(e) counts one outcome and returns the permit")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "success() came first")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "failure(e) came first")
@Outcome(expect = FORBIDDEN, desc = "no outcome, two outcomes, or the permit not returned once")
@State
public class TrialOutcomeOnceTest {

  final Fixture f = new Fixture(Fixture.config().build());
  final CallGuard guard = f.halfOpen();

  @Actor
  public void succeed() {
    guard.success();
  }

  @Actor
  public void fail() {
    guard.failure(new IllegalStateException("downstream said no"));
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = f.trialSuccesses();
    r.r2 = f.trialFailures();
    r.r3 = f.trialInFlight();
  }
}
