package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitEvent;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.circuitbreaker.GlobalFuseConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * A registry of two breakers whose global fuse opens at one open breaker of two: {@code open} is
 * open with its cooldown passed, so the fuse refuses {@code closed}. A call to {@code closed} (the
 * fuse moves {@code open} to HALF_OPEN with no permit taken, closes and lets it through) races with
 * a call to {@code open} (which moves it to HALF_OPEN itself and takes the first trial permit).
 * Either way both calls go through, {@code open} moves to HALF_OPEN exactly once and holds exactly
 * the one permit its caller took, and the fuse ends closed.
 */
@JCStressTest
@Description("Global fuse: its cooldown sweep vs the open breaker's own first trial")
@Outcome(id = "1, 1, 1, 1, 0", expect = ACCEPTABLE, desc = "both through, one move, one permit")
@Outcome(
    expect = FORBIDDEN,
    desc = "a call refused, two moves to HALF_OPEN, a permit lost or counted twice, fuse open")
@State
public class FuseSweepVsAcquireTest {

  final TestClock clock = new TestClock();
  final CircuitBreakerRegistry registry =
      CircuitBreakerRegistry.builder()
          .clock(clock)
          .defaults(Fixture.config().halfOpenMaxConcurrent(2).build())
          .globalFuse(new GlobalFuseConfig(true, 0.5, 2))
          .instance("open", Fixture.config().halfOpenMaxConcurrent(2).build())
          .instance("closed", Fixture.config().halfOpenMaxConcurrent(2).build())
          .build();
  final CircuitBreaker open = registry.breaker("open");
  final CircuitBreaker closed = registry.breaker("closed");
  // Moves of `open` to HALF_OPEN, counted by the thread that won each.
  final AtomicInteger toHalfOpen = new AtomicInteger();

  {
    open.subscribe(
        e -> {
          if (e instanceof CircuitEvent.StateTransition t && t.to() == CircuitState.HALF_OPEN) {
            toHalfOpen.incrementAndGet();
          }
        });
    open.acquire().failure(); // one failure opens it, and the fuse with it
    clock.advanceNanos(Fixture.COOLDOWN.toNanos());
  }

  @Actor
  public void callClosed(IIIII_Result r) {
    r.r1 = permitted(closed);
  }

  @Actor
  public void callOpen(IIIII_Result r) {
    r.r2 = permitted(open);
  }

  @Arbiter
  public void arbiter(IIIII_Result r) {
    Object trial = open.describe().get("halfOpen");
    r.r3 = trial instanceof Map<?, ?> m ? ((Number) m.get("inFlight")).intValue() : -1;
    r.r4 = toHalfOpen.get();
    r.r5 = registry.globalFuse().isOpen() ? 1 : 0;
  }

  private static int permitted(CircuitBreaker b) {
    try {
      b.acquire(); // held: the arbiter counts the permit
      return 1;
    } catch (io.tailguard.core.circuitbreaker.CircuitRejectedException e) {
      return 0;
    }
  }
}
