package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitMetrics;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A closed breaker's guard is reported as a success on one thread and closed (which counts a
 * failure if nothing was reported) on another, as when a result callback races a finally block.
 */
@JCStressTest
@Description("CLOSED guard: success() vs close() records exactly one outcome")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "success() came first")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "close() came first: a failure")
@Outcome(expect = FORBIDDEN, desc = "no outcome or two outcomes")
@State
public class GuardOutcomeOnceTest {

  // The failure would open the breaker; keep it closed so the window is the one written to.
  final Fixture f = new Fixture(Fixture.config().consecutiveFailuresThreshold(0).build());
  final CallGuard guard = f.breaker.acquire();

  @Actor
  public void succeed() {
    guard.success();
  }

  @Actor
  public void close() {
    guard.close();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    CircuitMetrics m = f.breaker.metrics();
    r.r1 = (int) m.successfulCalls();
    r.r2 = (int) m.failedCalls();
    r.r3 = (int) m.windowCalls();
  }
}
