package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registries tell hooks about every instance present, added and removed. */
class RegistryHooksTest {

  @Test
  void breakerRegistryReportsPresentAddedAndRemovedBreakers() {
    CircuitBreakerRegistry r =
        CircuitBreakerRegistry.builder().instance("configured", CircuitConfig.defaults()).build();
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Subscription s = r.onAdded(b -> added.add(b.name()));
    r.onRemoved(b -> removed.add(b.name()));
    assertThat(added).containsExactly("configured");
    r.breaker("looked-up");
    r.breaker("looked-up");
    r.reconfigure("reconfigured", CircuitConfig.defaults());
    r.reconfigure("configured", CircuitConfig.defaults()); // exists: not added again
    r.remove("looked-up");
    r.remove("never-there");
    s.close();
    r.breaker("after-unsubscribe");
    assertThat(added).containsExactly("configured", "looked-up", "reconfigured");
    assertThat(removed).containsExactly("looked-up");
  }

  @Test
  void hedgerRegistryReportsPresentAddedAndRemovedHedgers() {
    FakeClock clock = new FakeClock();
    try (HedgerRegistry r =
        HedgerRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run).build()) {
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      r.onAdded(h -> added.add(h.name()));
      r.onRemoved(h -> removed.add(h.name()));
      r.hedger("a");
      r.hedger("a");
      r.reconfigure("b", io.tailguard.core.hedge.HedgeConfig.defaults());
      r.remove("a");
      assertThat(added).containsExactly("a", "b");
      assertThat(removed).containsExactly("a");
    }
  }

  @Test
  void healthRegistryReportsRegisteredAndRemovedProbes() {
    FakeClock clock = new FakeClock();
    try (io.tailguard.core.health.HealthRegistry r =
        io.tailguard.core.health.HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build()) {
      r.register(
          io.tailguard.core.health.HealthProbe.of(
              "db", () -> io.tailguard.core.health.HealthCheckResult.up()));
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      r.onAdded(added::add);
      r.onRemoved(removed::add);
      r.register(
          io.tailguard.core.health.HealthProbe.of(
              "cache", () -> io.tailguard.core.health.HealthCheckResult.up()));
      r.remove("db");
      assertThat(added).containsExactlyInAnyOrder("db", "cache");
      assertThat(removed).containsExactly("db");
    }
  }
}
