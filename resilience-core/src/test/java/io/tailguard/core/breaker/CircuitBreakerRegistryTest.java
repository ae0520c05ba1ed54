package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.breaker.CircuitEvent.StateTransition;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Lookup (strict and lenient), per-instance settings over defaults, reconfiguration, listings. */
class CircuitBreakerRegistryTest {

  private final FakeClock clock = new FakeClock();

  private static final CircuitConfig DEFAULTS =
      CircuitConfig.builder().minCalls(2).openCooldown(Duration.ofSeconds(10)).build();
  private static final CircuitConfig PAYMENTS =
      DEFAULTS.toBuilder().failureRateThreshold(0.25).build();

  private CircuitBreakerRegistry.Builder registry() {
    return CircuitBreakerRegistry.builder()
        .clock(clock)
        .defaults(DEFAULTS)
        .instance("payments", PAYMENTS)
        .globalFuse(GlobalFuseConfig.DISABLED);
  }

  @Nested
  class Lenient {

    @Test
    void anUnknownNameGetsABreakerWithTheDefaults() {
      CircuitBreakerRegistry r = registry().build();

      CircuitBreaker orders = r.breaker("orders");

      assertThat(orders.name()).isEqualTo("orders");
      assertThat(orders.config()).isEqualTo(DEFAULTS);
      assertThat(orders.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(r.names()).containsExactlyInAnyOrder("payments", "orders");
    }

    @Test
    void aNameAlwaysGivesTheSameBreaker() {
      CircuitBreakerRegistry r = registry().build();

      CircuitBreaker first = r.breaker("orders");
      first.forceOpen();

      assertThat(r.breaker("orders")).isSameAs(first);
      assertThat(r.breaker("orders").state()).isEqualTo(CircuitState.FORCED_OPEN);
      assertThat(r.find("orders")).containsSame(first);
    }

    @Test
    void findNeverCreates() {
      CircuitBreakerRegistry r = registry().build();

      assertThat(r.find("orders")).isEmpty();
      assertThat(r.find(null)).isEmpty();
      assertThat(r.names()).containsExactly("payments");
    }

    @Test
    void aBreakerCreatedByLookupUsesTheRegistryClock() {
      CircuitBreakerRegistry r = registry().build();
      CircuitBreaker orders = r.breaker("orders");
      orders.acquire().failure();
      orders.acquire().failure();
      assertThat(orders.state()).isEqualTo(CircuitState.OPEN);

      clock.advance(Duration.ofSeconds(10));

      assertThat(orders.acquire().isTrial()).isTrue();
    }

    @Test
    void badNamesAreRefusedAndNothingIsCreated() {
      CircuitBreakerRegistry r = registry().build();

      assertThatThrownBy(() -> r.breaker(null))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("circuit breaker name must not be null");
      assertThatThrownBy(() -> r.breaker("pay ments"))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("was 'pay ments'");
      assertThatThrownBy(() -> r.breaker(GlobalFuse.NAME))
          .as("the fuse's name cannot be taken by a component")
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("was '__global__'");
      assertThatThrownBy(() -> r.reconfigure("", DEFAULTS))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CircuitBreakerRegistry.builder().instance("-x", DEFAULTS))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(r.names()).containsExactly("payments");
    }
  }

  @Nested
  class Strict {

    @Test
    void configuredNamesAreServed() {
      CircuitBreakerRegistry r = registry().strict(true).build();

      assertThat(r.breaker("payments").config()).isEqualTo(PAYMENTS);
    }

    @Test
    void anUnknownNameIsRefusedWithItsOwnError() {
      CircuitBreakerRegistry r = registry().instance("orders", DEFAULTS).strict(true).build();

      assertThatThrownBy(() -> r.breaker("paymnets"))
          .isExactlyInstanceOf(UnknownInstanceException.class)
          .hasMessage(
              "unknown circuit breaker 'paymnets': the registry is strict and knows only"
                  + " [orders, payments]")
          .satisfies(
              e -> {
                UnknownInstanceException u = (UnknownInstanceException) e;
                assertThat(u.engine()).isEqualTo("circuit breaker");
                assertThat(u.name()).isEqualTo("paymnets");
                assertThat(u.known()).containsExactly("orders", "payments");
              });
      assertThat(r.names()).containsExactlyInAnyOrder("orders", "payments");
      assertThat(r.find("paymnets")).isEmpty();
    }

    @Test
    void anInvalidNameIsAnInvalidNameEvenWhenStrict() {
      CircuitBreakerRegistry r = registry().strict(true).build();

      assertThatThrownBy(() -> r.breaker("pay ments"))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name must be 1 to 128");
    }

    @Test
    void aNameGivenSettingsLaterIsKnownFromThen() {
      CircuitBreakerRegistry r = registry().strict(true).build();

      r.reconfigure("orders", DEFAULTS);

      assertThat(r.breaker("orders").config()).isEqualTo(DEFAULTS);
    }

    @Test
    void aRemovedNameIsUnknownAgain() {
      CircuitBreakerRegistry r = registry().strict(true).build();

      assertThat(r.remove("payments")).isPresent();

      assertThatThrownBy(() -> r.breaker("payments"))
          .isExactlyInstanceOf(UnknownInstanceException.class);
    }
  }

  @Nested
  class DefaultsAndInstances {

    @Test
    void configuredInstancesExistFromTheStart() {
      CircuitBreakerRegistry r = registry().instance("orders", DEFAULTS).build();

      assertThat(r.names()).containsExactlyInAnyOrder("payments", "orders");
      assertThat(r.breaker("payments").config()).isEqualTo(PAYMENTS);
      assertThat(r.defaults()).isEqualTo(DEFAULTS);
    }

    @Test
    void newDefaultsReachOnlyTheBreakersWithoutTheirOwnSettings() {
      CircuitBreakerRegistry r = registry().build();
      CircuitBreaker orders = r.breaker("orders");
      CircuitBreaker payments = r.breaker("payments");
      CircuitConfig next = DEFAULTS.toBuilder().minCalls(50).build();

      r.reconfigureDefaults(next);

      assertThat(r.defaults()).isEqualTo(next);
      assertThat(orders.config()).isEqualTo(next);
      assertThat(payments.config()).isEqualTo(PAYMENTS);
      assertThat(r.breaker("later").config()).isEqualTo(next);
    }

    @Test
    void aBreakerGivenItsOwnSettingsNoLongerFollowsTheDefaults() {
      CircuitBreakerRegistry r = registry().build();
      CircuitBreaker orders = r.breaker("orders");
      CircuitConfig own = DEFAULTS.toBuilder().failureRateThreshold(0.9).build();

      assertThat(r.reconfigure("orders", own)).isSameAs(orders);
      r.reconfigureDefaults(DEFAULTS.toBuilder().minCalls(50).build());

      assertThat(orders.config()).isEqualTo(own);
    }

    @Test
    void reconfiguringAnInstanceKeepsItsStateAndCreatesMissingOnes() {
      CircuitBreakerRegistry r = registry().build();
      CircuitBreaker payments = r.breaker("payments");
      payments.forceOpen();
      CircuitConfig next = PAYMENTS.toBuilder().failureRateThreshold(0.75).build();

      r.reconfigure("payments", next);
      CircuitBreaker created = r.reconfigure("search", next);

      assertThat(r.breaker("payments")).isSameAs(payments);
      assertThat(payments.state()).isEqualTo(CircuitState.FORCED_OPEN);
      assertThat(payments.config()).isEqualTo(next);
      assertThat(created.config()).isEqualTo(next);
      assertThat(r.breaker("search")).isSameAs(created);
    }

    @Test
    void anInvalidConfigIsRefusedAndLeavesEverythingAsItWas() {
      CircuitBreakerRegistry r = registry().build();

      assertThatThrownBy(() -> r.reconfigure("payments", null))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("config must not be null");
      assertThatThrownBy(() -> r.reconfigure("fresh", null))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> r.reconfigureDefaults(null))
          .isExactlyInstanceOf(IllegalArgumentException.class);

      assertThat(r.breaker("payments").config()).isEqualTo(PAYMENTS);
      assertThat(r.find("fresh")).isEmpty();
      assertThat(r.defaults()).isEqualTo(DEFAULTS);
    }

    @Test
    void yamlInstancesAreMergedOverTheDefaults() {
      ResilienceRuntime rt =
          ResilienceRuntime.builder()
              .clock(clock)
              .scheduler(clock)
              .executor(Runnable::run)
              .config(
                  YamlConfigLoader.loadString(
                      """
                      resilience:
                        circuit-breaker:
                          defaults: {min-calls: 7, open-cooldown: 12s, buckets: 5}
                          instances:
                            payments: {failure-rate-threshold: 0.25, buckets: 20}
                      """))
              .build();
      CircuitBreakerRegistry r = rt.circuitBreakers();

      CircuitConfig payments = r.breaker("payments").config();
      CircuitConfig other = r.breaker("other").config();

      assertThat(payments.failureRateThreshold()).isEqualTo(0.25);
      assertThat(payments.buckets()).isEqualTo(20);
      assertThat(payments.minCalls()).isEqualTo(7);
      assertThat(payments.openCooldown()).isEqualTo(Duration.ofSeconds(12));
      assertThat(payments.rollingWindow()).isEqualTo(CircuitConfig.defaults().rollingWindow());
      assertThat(other.failureRateThreshold())
          .isEqualTo(CircuitConfig.defaults().failureRateThreshold());
      assertThat(other.buckets()).isEqualTo(5);
      assertThat(other.minCalls()).isEqualTo(7);
    }
  }

  @Nested
  class Listings {

    @Test
    void statesListEveryBreakerByNameAndTheGlobalFuse() {
      CircuitBreakerRegistry r = registry().build();
      r.breaker("zeta").forceOpen();
      r.breaker("alpha");

      assertThat(r.states())
          .containsExactly(
              Map.entry(GlobalFuse.NAME, CircuitState.CLOSED),
              Map.entry("alpha", CircuitState.CLOSED),
              Map.entry("payments", CircuitState.CLOSED),
              Map.entry("zeta", CircuitState.FORCED_OPEN));
    }

    @Test
    void describeListsTheGlobalFuseFirstThenEveryBreakerByName() {
      CircuitBreakerRegistry r = registry().build();
      r.breaker("zeta").forceOpen();
      r.breaker("alpha");

      Map<String, Map<String, Object>> d = r.describe();

      assertThat(d.keySet()).containsExactly(GlobalFuse.NAME, "alpha", "payments", "zeta");
      assertThat(d.get(GlobalFuse.NAME))
          .containsEntry("name", GlobalFuse.NAME)
          .containsEntry("state", "CLOSED")
          .containsEntry("openComponents", List.of("zeta"))
          .containsEntry("components", 3);
      assertThat(d.get("zeta")).containsEntry("name", "zeta").containsEntry("state", "FORCED_OPEN");
      assertThat(d.get("payments")).isEqualTo(r.breaker("payments").describe());
    }

    @Test
    void theGlobalFuseIsNeverAComponent() {
      CircuitBreakerRegistry r = registry().build();
      r.breaker("alpha");

      assertThat(r.names()).doesNotContain(GlobalFuse.NAME);
      assertThat(r.breakers()).extracting(CircuitBreaker::name).doesNotContain(GlobalFuse.NAME);
      assertThat(r.find(GlobalFuse.NAME)).isEmpty();
    }

    @Test
    void aRemovedBreakerLeavesTheListings() {
      CircuitBreakerRegistry r = registry().build();
      CircuitBreaker alpha = r.breaker("alpha");

      assertThat(r.remove("alpha")).containsSame(alpha);
      assertThat(r.remove("alpha")).isEmpty();
      assertThat(r.remove(null)).isEmpty();

      assertThat(r.states()).containsOnlyKeys(GlobalFuse.NAME, "payments");
      assertThat(r.describe()).containsOnlyKeys(GlobalFuse.NAME, "payments");
      assertThat(r.breaker("alpha")).as("a lookup creates a new one").isNotSameAs(alpha);
    }

    @Test
    void registryListenersHearEveryBreakerPresentAndFuture() {
      CircuitBreakerRegistry r = registry().build();
      List<String> heard = new ArrayList<>();
      r.subscribe(
          e -> {
            if (e instanceof StateTransition t) {
              heard.add(t.name() + " " + t.to());
            }
          });

      r.breaker("payments").forceOpen();
      r.breaker("later").disable();

      assertThat(heard).containsExactly("payments FORCED_OPEN", "later DISABLED");
    }
  }
}
