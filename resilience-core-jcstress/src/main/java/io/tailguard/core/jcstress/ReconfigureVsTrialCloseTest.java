package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The trial call that closes a half-open breaker succeeds while an operator shrinks the rolling
 * window from 10s to 2s. Closing installs a fresh window; it must have the new shape, not the shape
 * of the configuration the closing thread read before the operator's change.
 */
@JCStressTest
@Description("reconfigure(window 10s -> 2s) vs HALF_OPEN -> CLOSED: the new window shape wins")
@Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "the window has the new shape")
@Outcome(id = "1, 2", expect = FORBIDDEN, desc = "a window of the old shape was installed")
@Outcome(expect = FORBIDDEN, desc = "not closed, or the new configuration is not in force")
@State
public class ReconfigureVsTrialCloseTest {

  static final CircuitConfig BEFORE = Fixture.config().halfOpenRequiredSuccesses(1).build();
  static final CircuitConfig AFTER =
      BEFORE.toBuilder().rollingWindow(Duration.ofSeconds(2)).buckets(2).build();

  final Fixture f = new Fixture(BEFORE);
  final CallGuard trial = f.halfOpen();

  @Actor
  public void closer() {
    trial.success();
  }

  @Actor
  public void operator() {
    f.breaker.reconfigure(AFTER);
  }

  @Arbiter
  public void arbiter(II_Result r) {
    Probes.newCallLeavesWindowAfter(f, Duration.ofSeconds(3), r);
  }
}
