package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two threads take permits of one key until refused, on a stopped clock: 4096 permits per second,
 * enough for leases of two or more on machines of up to 64 CPUs, and an emission interval (about
 * 244 µs) longer than a lease (50 µs), so a lease wastes nothing and every permit debited is handed
 * out. Whether the key becomes contended and leased depends on the race; either way exactly the
 * capacity is granted, never more and, since each thread uses up its lease before it can be
 * refused, never less.
 */
@JCStressTest
@Description("Leases on a contended key: two threads together get exactly the capacity")
@Outcome(id = "4096, 0", expect = ACCEPTABLE, desc = "the capacity, no lease was taken")
@Outcome(id = "4096, 1", expect = ACCEPTABLE_INTERESTING, desc = "the capacity, through leases")
@Outcome(expect = FORBIDDEN, desc = "more or fewer permits than the capacity")
@State
public class LeasedPermitsTest {

  private static final int CAPACITY = 4096;

  final RateLimiter limiter =
      RateLimiter.builder("leases")
          .config(RateLimitConfig.of(CAPACITY, Duration.ofSeconds(1)))
          .clock(new TestClock())
          .build();

  int first;
  int second;

  private int drain() {
    int n = 0;
    while (limiter.tryAcquire("hot")) {
      n++;
    }
    return n;
  }

  @Actor
  public void actor1() {
    first = drain();
  }

  @Actor
  public void actor2() {
    second = drain();
  }

  @Arbiter
  public void arbiter(II_Result r) {
    r.r1 = first + second;
    Map<?, ?> store = (Map<?, ?>) limiter.describe().get("store");
    r.r2 = ((Number) store.get("leasedKeys")).intValue();
  }
}
