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
 * Two trial permits are out ({@code halfOpenMaxConcurrent = 2}). One guard is released (abandoned,
 * as a losing hedge attempt is) while it is also closed; the other guard is closed twice. Each
 * permit must come back exactly once: returning one twice would free a slot nobody holds, and the
 * breaker would admit more trials than allowed.
 */
@JCStressTest
@Description(
    "HALF_OPEN guards: release() vs close() and close() vs close() return each permit once")
@Outcome(
    id = "0, 1, 0, 2",
    expect = ACCEPTABLE,
    desc = "release() won: only the double close counts")
@Outcome(id = "0, 2, 0, 2", expect = ACCEPTABLE, desc = "close() won both guards")
@Outcome(expect = FORBIDDEN, desc = "a permit returned twice or not at all, or an outcome lost")
@State
public class TrialReleaseOnceTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(2).build());
  final CallGuard first = f.halfOpen();
  final CallGuard second = f.breaker.acquire();

  @Actor
  public void actor1() {
    first.release();
    second.close();
  }

  @Actor
  public void actor2() {
    first.close();
    second.close();
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = f.trialSuccesses();
    r.r2 = f.trialFailures();
    r.r3 = f.trialInFlight();
    // With both permits back, two more may be taken and a third is refused.
    int granted = f.tryAcquire() != null ? 1 : 0;
    granted += f.tryAcquire() != null ? 1 : 0;
    granted += f.tryAcquire() != null ? 1 : 0;
    r.r4 = granted;
  }
}
