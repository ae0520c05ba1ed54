package io.tailguard.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The first lookup of a breaker by name (created with the defaults) races with new defaults. In
 * every order the breaker ends with the new defaults: created after them, it reads them; created
 * before, reconfigureDefaults reconfigures it; created with the old ones while they change (not yet
 * in the map when reconfigureDefaults looks), the lookup catches up.
 */
@JCStressTest
@Description("First lookup of a breaker vs reconfigureDefaults: the breaker ends on the new ones")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the breaker has the new defaults")
@Outcome(expect = FORBIDDEN, desc = "the breaker kept the old defaults")
@State
public class LookupVsDefaultsTest {

  static final CircuitConfig OLD = Fixture.config().minCalls(5).build();
  static final CircuitConfig NEW = Fixture.config().minCalls(7).build();

  final CircuitBreakerRegistry registry =
      CircuitBreakerRegistry.builder().clock(new TestClock()).defaults(OLD).build();

  @Actor
  public void lookup() {
    registry.breaker("a");
  }

  @Actor
  public void newDefaults() {
    registry.reconfigureDefaults(NEW);
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = registry.breaker("a").config().minCalls() == 7 ? 1 : 0;
  }
}
