package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CircuitConfig;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two operators edit different settings of one breaker at the same time with {@code
 * reconfigure(changes)}. Both edits must be in force afterwards: an edit that started from the
 * configuration the other was replacing would undo it.
 */
@JCStressTest
@Description("reconfigure(changes) vs reconfigure(changes): no edit is lost")
@Outcome(id = "7, 3", expect = ACCEPTABLE, desc = "both edits in force")
@Outcome(expect = FORBIDDEN, desc = "one edit lost")
@State
public class ConcurrentEditsTest {

  final Fixture f = new Fixture(Fixture.config().build());

  @Actor
  public void editMinCalls() {
    f.breaker.reconfigure(b -> b.minCalls(7));
  }

  @Actor
  public void editPermits() {
    f.breaker.reconfigure(b -> b.halfOpenMaxConcurrent(3));
  }

  @Arbiter
  public void arbiter(II_Result r) {
    CircuitConfig c = f.breaker.config();
    r.r1 = c.minCalls();
    r.r2 = c.halfOpenMaxConcurrent();
  }
}
