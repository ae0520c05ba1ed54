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
 * Two trial calls end at once, one failed and one succeeded, with {@code halfOpenAllowedFailures =
 * 0} and {@code halfOpenRequiredSuccesses = 1}: either outcome alone decides the trial. The one
 * counted first wins; the other belongs to a finished trial and is ignored. Exactly one transition
 * out of HALF_OPEN, and a re-open doubles the cooldown.
 */
@JCStressTest
@Description("HALF_OPEN: a success and a failure decide the trial together; one verdict")
@Outcome(
    id = "1, 0, 1, 2000",
    expect = ACCEPTABLE,
    desc = "the failure won: re-opened, 2x cooldown")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "the success won: closed")
@Outcome(expect = FORBIDDEN, desc = "two verdicts, none, or the wrong cooldown")
@State
public class TrialVerdictOnceTest {

  final Fixture f =
      new Fixture(
          Fixture.config()
              .halfOpenMaxConcurrent(2)
              .halfOpenRequiredSuccesses(1)
              .halfOpenAllowedFailures(0)
              .build());
  final CallGuard first = f.halfOpen();
  final CallGuard second = f.breaker.acquire();

  @Actor
  public void fail() {
    first.failure();
  }

  @Actor
  public void succeed() {
    second.success();
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = f.transitions(CircuitState.HALF_OPEN, CircuitState.OPEN);
    r.r2 = f.transitions(CircuitState.HALF_OPEN, CircuitState.CLOSED);
    r.r3 = f.reopens();
    r.r4 = (int) f.breaker.remainingCooldown().toMillis();
  }
}
