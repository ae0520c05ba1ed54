package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.breaker.CallGuard;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitConfig;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.breaker.GlobalFuse;
import io.tailguard.core.breaker.GlobalFuseConfig;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Circuit breakers as health sources: the state mapping, live reads and the aggregate. */
class HealthBreakerSourceTest {

  static final Duration COOLDOWN = Duration.ofSeconds(5);

  final FakeClock clock = new FakeClock();
  final HealthRegistry health =
      HealthRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run).build();

  @AfterEach
  void close() {
    health.close();
  }

  static CircuitConfig.Builder tripsAfterTwoFailures() {
    return CircuitConfig.builder()
        .minCalls(2)
        .failureRateThreshold(0.5)
        .openCooldown(COOLDOWN)
        .halfOpenMaxConcurrent(1)
        .halfOpenRequiredSuccesses(1);
  }

  CircuitBreaker breaker(String name, CircuitConfig config) {
    return CircuitBreaker.builder(name).clock(clock).config(config).build();
  }

  static void open(CircuitBreaker b) {
    b.acquire().failure();
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void aClosedHealthyBreakerIsUp() {
    CircuitBreaker b = breaker("payments", tripsAfterTwoFailures().build());
    health.addBreaker(b);
    assertThat(health.breakerStatuses()).isEqualTo(Map.of("payments", HealthStatus.UP));
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void anOpenBreakerIsDegradedByDefaultAndTheAggregateIsNotDown() {
    CircuitBreaker b = breaker("minor", tripsAfterTwoFailures().build());
    health.addBreaker(b);
    open(b);
    assertThat(health.breakerStatuses()).containsEntry("minor", HealthStatus.DEGRADED);
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void anOpenBreakerIsDownOnlyWhereItsConfigSaysSo() {
    CircuitBreaker critical =
        breaker("critical", tripsAfterTwoFailures().openHealthStatus(HealthStatus.DOWN).build());
    CircuitBreaker minor = breaker("minor", tripsAfterTwoFailures().build());
    health.addBreaker(critical);
    health.addBreaker(minor);
    open(minor);
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    open(critical);
    assertThat(health.breakerStatuses())
        .isEqualTo(Map.of("critical", HealthStatus.DOWN, "minor", HealthStatus.DEGRADED));
    assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
    critical.forceOpen();
    assertThat(health.breakerStatuses()).containsEntry("critical", HealthStatus.DOWN);
  }

  @Test
  void halfOpenIsDegraded() {
    CircuitBreaker b =
        breaker("b", tripsAfterTwoFailures().openHealthStatus(HealthStatus.DOWN).build());
    health.addBreaker(b);
    open(b);
    clock.advance(COOLDOWN);
    CallGuard trial = b.acquire();
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(health.breakerStatuses()).containsEntry("b", HealthStatus.DEGRADED);
    trial.success();
    assertThat(health.breakerStatuses()).containsEntry("b", HealthStatus.UP);
  }

  @Test
  void aClosedBreakerWithAScoreBelowMinHealthScoreIsDegraded() {
    // Two 5s successes: success 1.0, latency score 0, jitter score 1 -> 0.5 + 0 + 0.2 = 0.7.
    CircuitBreaker b = breaker("slow", tripsAfterTwoFailures().minHealthScore(0.8).build());
    health.addBreaker(b);
    for (int i = 0; i < 2; i++) {
      CallGuard g = b.acquire();
      clock.advance(Duration.ofSeconds(5));
      g.success();
    }
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(b.healthScore()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(health.breakerStatuses()).containsEntry("slow", HealthStatus.DEGRADED);
    b.reconfigure(c -> c.minHealthScore(0.6));
    assertThat(health.breakerStatuses()).containsEntry("slow", HealthStatus.UP);
  }

  @Test
  void aDisabledBreakerIsUp() {
    CircuitBreaker b = breaker("b", tripsAfterTwoFailures().build());
    health.addBreaker(b);
    open(b);
    b.disable();
    assertThat(health.breakerStatuses()).containsEntry("b", HealthStatus.UP);
  }

  @Test
  void statusesAreReadLiveWithoutPolling() {
    CircuitBreaker b = breaker("b", tripsAfterTwoFailures().build());
    health.addBreaker(b);
    assertThat(clock.pendingTasks()).as("nothing is scheduled for breakers").isZero();
    b.forceOpen();
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    b.close();
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void aRegistrySourceListsEveryBreakerPresentAndFutureAndTheGlobalFuse() {
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.builder()
            .clock(clock)
            .defaults(tripsAfterTwoFailures().build())
            .instance(
                "payments", tripsAfterTwoFailures().openHealthStatus(HealthStatus.DOWN).build())
            .globalFuse(new GlobalFuseConfig(true, 0.5, 2))
            .build();
    Subscription source = health.addBreakers(breakers);
    assertThat(health.breakerStatuses())
        .isEqualTo(Map.of(GlobalFuse.NAME, HealthStatus.UP, "payments", HealthStatus.UP));

    CircuitBreaker search = breakers.breaker("search");
    assertThat(health.breakerStatuses()).containsKey("search");
    open(search);
    assertThat(health.breakerStatuses())
        .as("one of two open: the fuse is open too")
        .containsEntry("search", HealthStatus.DEGRADED)
        .containsEntry(GlobalFuse.NAME, HealthStatus.DEGRADED)
        .containsEntry("payments", HealthStatus.UP);
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    // The open fuse refuses payments' calls, so an operator opens it.
    breakers.breaker("payments").forceOpen();
    assertThat(health.status()).isEqualTo(HealthStatus.DOWN);

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> described =
        (Map<String, Map<String, Object>>) health.describe().get("breakers");
    assertThat(described.get("payments"))
        .containsEntry("status", "DOWN")
        .containsEntry("state", "FORCED_OPEN")
        .containsEntry("openHealthStatus", "DOWN")
        .containsEntry("minHealthScore", 0.5)
        .containsKey("healthScore");
    assertThat(described.get(GlobalFuse.NAME)).containsEntry("state", "OPEN");

    source.close();
    assertThat(health.breakerStatuses()).isEmpty();
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void probesAndBreakersTogetherMakeTheAggregate() {
    ScriptedProbe db = new ScriptedProbe("db", clock);
    health.register(db);
    CircuitBreaker b = breaker("b", tripsAfterTwoFailures().build());
    health.addBreaker(b);
    clock.runDueTasks();
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
    open(b);
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
    db.answers(HealthCheckResult.down("gone"));
    health.reconfigure(c -> c.failureThreshold(1));
    clock.advance(health.config().interval());
    assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(health.describe().get("status")).isEqualTo("DOWN");
  }

  @Test
  void breakersOfTheSameNameFromTwoSourcesAreBothListed() {
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.builder()
            .clock(clock)
            .instance("a", CircuitConfig.defaults())
            .build();
    CircuitBreaker otherA = breaker("a", tripsAfterTwoFailures().build());
    health.addBreakers(breakers);
    health.addBreaker(otherA);
    otherA.forceOpen();
    assertThat(health.breakerStatuses())
        .isEqualTo(
            Map.of(
                GlobalFuse.NAME,
                HealthStatus.UP,
                "a",
                HealthStatus.UP,
                "a#2",
                HealthStatus.DEGRADED));
  }

  @Test
  void theSameSourceCannotBeAddedTwice() {
    CircuitBreaker b = breaker("b", tripsAfterTwoFailures().build());
    Subscription first = health.addBreaker(b);
    assertThatThrownBy(() -> health.addBreaker(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is already a health source");
    first.close();
    first.close();
    health.addBreaker(b);
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder().clock(clock).build();
    health.addBreakers(breakers);
    assertThatThrownBy(() -> health.addBreakers(breakers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is already a health source");
  }
}
