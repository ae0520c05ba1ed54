package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A breaker instance named by an HTTP client's {@code circuit-breaker} key holds the per-host
 * breakers' settings: it is a breaker of its own only once something asks for it by name, and then
 * with its own settings, at start-up and across reloads.
 */
class HostBreakerInstanceOnDemandTest {

  final FakeClock clock = new FakeClock();
  ResilienceRuntime rt;

  @AfterEach
  void close() {
    HttpGuards.close(rt);
  }

  static String config(int threshold, String clientBreaker) {
    return """
    resilience:
      circuit-breaker:
        instances:
          catalog-hosts: { consecutive-failures-threshold: %d, open-cooldown: 30s }
          payments: { consecutive-failures-threshold: 7 }
      http-clients:
        catalog:
          endpoints: [ "http://a:80", "http://b:80" ]
          circuit-breaker: %s
    """
        .formatted(threshold, clientBreaker);
  }

  CircuitBreakerRegistry breakers() {
    return rt.circuitBreakers();
  }

  void apply(String yaml) {
    rt.apply(YamlConfigLoader.loadString(yaml));
  }

  int thresholdOf(String breaker) {
    return breakers().find(breaker).orElseThrow().config().consecutiveFailuresThreshold();
  }

  @Test
  void noBreakerOfTheInstanceAfterStartUpWhilePerHostBreakersUseItsSettings() {
    rt = HttpGuards.runtime(config(1, "catalog-hosts"), clock);

    assertThat(breakers().find("catalog-hosts")).isEmpty();
    assertThat(breakers().names())
        .containsExactlyInAnyOrder("payments", "http:catalog:a:80", "http:catalog:b:80");
    assertThat(breakers().states()).doesNotContainKey("catalog-hosts");
    assertThat(breakers().describe()).doesNotContainKey("catalog-hosts");
    assertThat(rt.health().breakerStatuses()).doesNotContainKey("catalog-hosts");
    assertThat(thresholdOf("http:catalog:a:80")).isEqualTo(1);
    assertThat(breakers().find("http:catalog:b:80").orElseThrow().config().openCooldown())
        .isEqualTo(Duration.ofSeconds(30));

    // Asked for by name: its own settings, not the defaults.
    CircuitBreaker own = breakers().breaker("catalog-hosts");
    assertThat(own.config().consecutiveFailuresThreshold()).isEqualTo(1);
    assertThat(own.config().openCooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(breakers().breaker("catalog-hosts")).isSameAs(own);
    assertThat(rt.health().breakerStatuses()).containsKey("catalog-hosts");
  }

  @Test
  void newSettingsBeforeItsCreationAreTheOnesItIsCreatedWith() {
    rt = HttpGuards.runtime(config(1, "catalog-hosts"), clock);
    apply(config(3, "catalog-hosts"));

    assertThat(breakers().find("catalog-hosts")).isEmpty();
    assertThat(thresholdOf("http:catalog:a:80")).isEqualTo(3);
    assertThat(breakers().breaker("catalog-hosts").config().consecutiveFailuresThreshold())
        .isEqualTo(3);
  }

  @Test
  void aCreatedInstanceIsReconfiguredInPlaceByLaterReloads() {
    rt = HttpGuards.runtime(config(1, "catalog-hosts"), clock);
    CircuitBreaker own = breakers().breaker("catalog-hosts");
    apply(config(4, "catalog-hosts"));

    assertThat(breakers().find("catalog-hosts")).containsSame(own);
    assertThat(own.config().consecutiveFailuresThreshold()).isEqualTo(4);
    assertThat(thresholdOf("http:catalog:a:80")).isEqualTo(4);
  }

  @Test
  void anInstanceNoLongerReferencedIsCreatedAndOneNewlyReferencedStays() {
    rt = HttpGuards.runtime(config(1, "catalog-hosts"), clock);
    CircuitBreaker payments = breakers().find("payments").orElseThrow();

    // Now the client takes payments' settings: catalog-hosts is an ordinary instance, created
    // with its own settings, and payments, already a breaker, stays as it is.
    apply(config(2, "payments"));
    assertThat(thresholdOf("catalog-hosts")).isEqualTo(2);
    assertThat(breakers().find("payments")).containsSame(payments);
    assertThat(thresholdOf("http:catalog:a:80")).isEqualTo(7);
  }

  @Test
  void anInstanceNewlyReferencedByAReloadIsNotCreated() {
    rt = HttpGuards.runtime(config(1, "default"), clock);
    assertThat(breakers().find("catalog-hosts")).isPresent();

    String withInventory =
        """
        resilience:
          circuit-breaker:
            instances:
              catalog-hosts: { consecutive-failures-threshold: 1, open-cooldown: 30s }
              payments: { consecutive-failures-threshold: 7 }
              fresh-hosts: { consecutive-failures-threshold: 5 }
          http-clients:
            catalog:
              endpoints: [ "http://a:80", "http://b:80" ]
              circuit-breaker: default
            inventory:
              endpoints: [ "http://c:80" ]
              circuit-breaker: fresh-hosts
        """;
    apply(withInventory);
    assertThat(breakers().find("fresh-hosts")).isEmpty();
    assertThat(thresholdOf("http:inventory:c:80")).isEqualTo(5);
    assertThat(breakers().breaker("fresh-hosts").config().consecutiveFailuresThreshold())
        .isEqualTo(5);
  }

  @Test
  void aHedgerOfTheSameNameAsksForItAndSoCreatesIt() {
    rt =
        HttpGuards.runtime(
            config(1, "catalog-hosts")
                .replace(
                    "  http-clients:",
                    "  hedge:\n    instances:\n      catalog-hosts: {}\n  http-clients:"),
            clock);

    // The hedger sends its attempts through the breaker of its name, as before.
    assertThat(breakers().find("catalog-hosts")).isPresent();
    assertThat(thresholdOf("catalog-hosts")).isEqualTo(1);
  }
}
