package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {

  final FakeClock clock = new FakeClock();

  static final String V1 =
      """
      resilience:
        circuit-breaker:
          defaults: {min-calls: 2, open-cooldown: 10s}
          instances:
            payments: {failure-rate-threshold: 0.5}
            legacy: {}
        hedging:
          instances:
            search: {max-hedges: 1}
      """;

  static final String V2 =
      """
      resilience:
        circuit-breaker:
          defaults: {min-calls: 2, open-cooldown: 10s}
          instances:
            payments: {failure-rate-threshold: 0.25}
            orders: {}
        hedging:
          instances:
            search: {max-hedges: 3}
      """;

  ResilienceRuntime runtime(String yaml) {
    return ResilienceRuntime.builder()
        .config(YamlConfigLoader.loadString(yaml))
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run)
        .build();
  }

  @Test
  void applyKeepsStateChangesSettingsAddsAndRetires() {
    ResilienceRuntime rt = runtime(V1);
    CircuitBreaker payments = rt.circuitBreakers().breaker("payments");
    payments.acquire().failure();
    payments.acquire().failure();
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN);
    List<Object> events = new CopyOnWriteArrayList<>();
    rt.subscribe(events::add);

    List<String> changes = rt.apply(YamlConfigLoader.loadString(V2));

    assertThat(changes)
        .contains(
            "resilience.circuit-breaker.instances.payments.failure-rate-threshold: 0.5 -> 0.25",
            "resilience.circuit-breaker.instances.orders: added",
            "resilience.circuit-breaker.instances.legacy: removed",
            "resilience.hedging.instances.search.max-hedges: 1 -> 3");
    assertThat(rt.circuitBreakers().breaker("payments")).isSameAs(payments);
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN); // state kept
    assertThat(payments.config().failureRateThreshold()).isEqualTo(0.25);
    assertThat(rt.circuitBreakers().find("orders")).isPresent();
    assertThat(rt.circuitBreakers().find("legacy")).isEmpty();
    assertThat(rt.hedgers().hedger("search").config().maxHedges()).isEqualTo(3);
    assertThat(rt.config()).isEqualTo(YamlConfigLoader.loadString(V2));
    assertThat(events).singleElement().isInstanceOf(ResilienceRuntime.ConfigApplied.class);
    assertThat(rt.apply(rt.config())).isEmpty(); // nothing changed, nothing published
    assertThat(events).hasSize(1);
    assertThat(YamlConfigLoader.loadString(rt.exportYaml())).isEqualTo(rt.config());
    rt.close();
  }

  @Test
  void watcherAppliesValidChangesAndRefusesInvalidOnesAsAWhole(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("resilience.yml");
    Files.writeString(file, V1);
    ResilienceRuntime rt = runtime(V1);
    List<Object> events = new CopyOnWriteArrayList<>();
    rt.subscribe(events::add);
    ConfigWatcher watcher = ConfigWatcher.watch(file, rt, clock, Duration.ofSeconds(2));

    clock.advance(Duration.ofSeconds(2));
    assertThat(watcher.appliedReloads()).isZero(); // unchanged

    Files.writeString(file, V2);
    clock.advance(Duration.ofSeconds(2));
    assertThat(watcher.appliedReloads()).isEqualTo(1);
    assertThat(rt.circuitBreakers().breaker("payments").config().failureRateThreshold())
        .isEqualTo(0.25);

    // Half of this change is valid, half is not: none of it applies.
    Files.writeString(
        file,
        V2.replace("failure-rate-threshold: 0.25", "failure-rate-threshold: 0.75")
            .replace("max-hedges: 3", "max-hedges: 30"));
    clock.advance(Duration.ofSeconds(2));
    assertThat(watcher.rejectedReloads()).isEqualTo(1);
    assertThat(rt.circuitBreakers().breaker("payments").config().failureRateThreshold())
        .isEqualTo(0.25);
    assertThat(rt.hedgers().hedger("search").config().maxHedges()).isEqualTo(3);
    assertThat(events)
        .last()
        .isInstanceOfSatisfying(
            ResilienceRuntime.ConfigRejected.class,
            e ->
                assertThat(e.reason())
                    .contains(
                        "resilience.hedging.instances.search.max-hedges: must be in [1, 10], was"
                            + " 30"));

    Files.delete(file);
    clock.advance(Duration.ofSeconds(2));
    assertThat(rt.hedgers().hedger("search").config().maxHedges()).isEqualTo(3);

    Files.writeString(file, V1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(watcher.appliedReloads()).isEqualTo(2);
    assertThat(rt.hedgers().hedger("search").config().maxHedges()).isEqualTo(1);

    watcher.close();
    Files.writeString(file, V2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(watcher.appliedReloads()).isEqualTo(2);
    rt.close();
  }
}
