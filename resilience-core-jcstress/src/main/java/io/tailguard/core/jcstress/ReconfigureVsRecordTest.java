package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

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
 * A call fails while an operator shrinks the rolling window from 10s to 2s. Afterwards the window
 * must have the new shape: a call recorded now must have left it 3s later. A window of the old
 * shape (re-installed by a call that was admitted under the old configuration) would still hold it.
 */
@JCStressTest
@Description("reconfigure(window 10s -> 2s) vs a failing call: the new window shape wins")
@Outcome(id = "0, 2", expect = ACCEPTABLE, desc = "the window has the new shape")
@Outcome(id = "1, 2", expect = FORBIDDEN, desc = "a window of the old shape was installed")
@Outcome(expect = FORBIDDEN, desc = "the new configuration is not in force")
@State
public class ReconfigureVsRecordTest {

  static final CircuitConfig BEFORE = Fixture.config().consecutiveFailuresThreshold(0).build();
  static final CircuitConfig AFTER =
      BEFORE.toBuilder().rollingWindow(Duration.ofSeconds(2)).buckets(2).build();

  final Fixture f = new Fixture(BEFORE);

  @Actor
  public void caller() {
    f.breaker.acquire().failure();
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
