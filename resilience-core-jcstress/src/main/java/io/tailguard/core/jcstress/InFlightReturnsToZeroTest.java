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
 * Two threads each make two trial calls through a half-open breaker ({@code halfOpenMaxConcurrent =
 * 2}, the trial never ends): acquire, report, close. Every permit goes back, so in-flight returns
 * to zero and each thread's calls all get a permit.
 */
@JCStressTest
@Description("HALF_OPEN: concurrent guards complete, in-flight returns to 0, every outcome counted")
@Outcome(id = "2, 2, 4, 0", expect = ACCEPTABLE, desc = "every call admitted and counted")
@Outcome(expect = FORBIDDEN, desc = "a permit leaked, returned twice, or an outcome lost")
@State
public class InFlightReturnsToZeroTest {

  final Fixture f = new Fixture(Fixture.config().halfOpenMaxConcurrent(2).build());

  {
    f.halfOpen().release(); // in HALF_OPEN with no permit out
  }

  @Actor
  public void actor1(IIII_Result r) {
    int admitted = 0;
    for (int i = 0; i < 2; i++) {
      try (CallGuard g = f.tryAcquire()) {
        if (g != null) {
          admitted++;
          g.success();
        }
      }
    }
    r.r1 = admitted;
  }

  @Actor
  public void actor2(IIII_Result r) {
    int admitted = 0;
    for (int i = 0; i < 2; i++) {
      try (CallGuard g = f.tryAcquire()) {
        if (g != null) {
          admitted++; // no outcome reported: close() counts a failure
        }
      }
    }
    r.r2 = admitted;
  }

  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r3 = f.trialSuccesses() + f.trialFailures();
    r.r4 = f.trialInFlight();
  }
}
