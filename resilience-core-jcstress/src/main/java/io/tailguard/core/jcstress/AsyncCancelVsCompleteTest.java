package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A trial call made with {@code callAsync} completes on one thread while the caller cancels the
 * returned future on another. Cancelling returns the permit without an outcome; completing counts a
 * success. Either way the permit comes back exactly once.
 */
@JCStressTest
@Description("callAsync trial: stage completion vs cancel of the result returns the permit once")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "completed first: one success")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "cancelled first: released, not counted")
@Outcome(expect = FORBIDDEN, desc = "a leaked or doubly returned permit, or a stray outcome")
@State
public class AsyncCancelVsCompleteTest {

  final Fixture f = new Fixture(Fixture.config().build());
  final CompletableFuture<String> stage = new CompletableFuture<>();
  final CompletableFuture<String> result;

  {
    f.halfOpen().release();
    result = f.breaker.callAsync(() -> stage);
  }

  @Actor
  public void complete() {
    stage.complete("ok");
  }

  @Actor
  public void cancel() {
    result.cancel(false);
  }

  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = f.trialSuccesses();
    r.r2 = f.trialFailures();
    r.r3 = f.trialInFlight();
  }
}
