package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayStrategy;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a reload does to the state of each engine's instances: an unchanged instance keeps all of
 * it, a changed one keeps what its new settings allow, and one dropped from the configuration goes
 * on with the defaults (the registries of a runtime are lenient: the name is still served).
 */
class ReloadKeepsStateTest {

  final FakeClock clock = new FakeClock();
  ResilienceRuntime rt;

  @AfterEach
  void close() {
    if (rt != null) {
      rt.close();
    }
  }

  ResilienceRuntime runtime(String yaml) {
    rt =
        ResilienceRuntime.builder()
            .config(YamlConfigLoader.loadString(yaml))
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build();
    return rt;
  }

  List<String> apply(String yaml) {
    return rt.apply(YamlConfigLoader.loadString(yaml));
  }

  // ---------------------------------------------------------------------------------------------
  // Circuit breakers

  static final String BREAKERS =
      """
      resilience:
        circuit-breaker:
          defaults: {min-calls: 2, open-cooldown: 60s, max-open-cooldown: 10m}
          instances:
            payments: {half-open-max-concurrent: 1%s}
        hedge:
          defaults: {max-hedges: %d}
      """;

  static String breakers(String paymentsExtra, int maxHedges) {
    return BREAKERS.formatted(paymentsExtra, maxHedges);
  }

  CircuitBreaker openPayments() {
    CircuitBreaker payments = rt.circuitBreakers().breaker("payments");
    payments.acquire().failure();
    payments.acquire().failure();
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN);
    clock.advance(Duration.ofSeconds(10));
    assertThat(payments.remainingCooldown()).isEqualTo(Duration.ofSeconds(50));
    return payments;
  }

  @Test
  void anOpenBreakerWhoseSettingsAreUnchangedKeepsItsStateAndCooldown() {
    runtime(breakers("", 1));
    CircuitBreaker payments = openPayments();

    assertThat(apply(breakers("", 2)))
        .containsExactly("resilience.hedge.defaults.max-hedges: 1 -> 2");

    assertThat(rt.circuitBreakers().breaker("payments")).isSameAs(payments);
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN);
    assertThat(payments.remainingCooldown()).isEqualTo(Duration.ofSeconds(50));
    assertThatThrownBy(payments::acquire).isInstanceOf(CircuitRejectedException.class);
    clock.advance(Duration.ofSeconds(50));
    payments.acquire().success(); // the trial call of half-open, on the original schedule
    assertThat(payments.state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void anOpenBreakerWhoseSettingsChangeStaysOpenWithItsRemainingCooldown() {
    runtime(breakers("", 1));
    CircuitBreaker payments = openPayments();

    // A longer cooldown does not lengthen the open period in progress.
    apply(breakers(", failure-rate-threshold: 0.25, open-cooldown: 5m", 1));

    assertThat(rt.circuitBreakers().breaker("payments")).isSameAs(payments);
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN);
    assertThat(payments.config().failureRateThreshold()).isEqualTo(0.25);
    assertThat(payments.remainingCooldown()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void aShorterCooldownCutsTheRemainingCooldownOfAnOpenBreaker() {
    runtime(breakers("", 1));
    CircuitBreaker payments = openPayments();

    apply(breakers(", open-cooldown: 20s", 1));

    assertThat(payments.state()).isEqualTo(CircuitState.OPEN);
    assertThat(payments.remainingCooldown()).isEqualTo(Duration.ofSeconds(20));
    clock.advance(Duration.ofSeconds(20));
    payments.acquire().success();
    assertThat(payments.state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void windowCountsSurviveAChangeThatKeepsTheWindowsShapeAndResetWhenItChanges() {
    runtime(breakers(", min-calls: 10", 1));
    CircuitBreaker payments = rt.circuitBreakers().breaker("payments");
    payments.acquire().failure();
    payments.acquire().failure();
    payments.acquire().success();

    apply(breakers(", min-calls: 8, failure-rate-threshold: 0.9", 1));
    assertThat(payments.metrics().windowCalls()).isEqualTo(3);
    assertThat(payments.metrics().windowFailures()).isEqualTo(2);

    apply(breakers(", min-calls: 8, failure-rate-threshold: 0.9, rolling-window: 20s", 1));
    assertThat(payments.metrics().windowCalls()).isZero();
    assertThat(payments.metrics().failedCalls()).isEqualTo(2); // lifetime totals are kept
    assertThat(payments.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void anOpenBreakerDroppedFromTheConfigurationStaysOpenOnTheDefaults() {
    runtime(breakers("", 1));
    CircuitBreaker payments = openPayments();

    List<String> changes =
        apply(
            """
            resilience:
              circuit-breaker:
                defaults: {min-calls: 2, open-cooldown: 60s, max-open-cooldown: 10m}
            """);

    assertThat(changes).contains("resilience.circuit-breaker.instances.payments: removed");
    assertThat(rt.circuitBreakers().breaker("payments")).isSameAs(payments);
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN);
    assertThat(payments.remainingCooldown()).isEqualTo(Duration.ofSeconds(50));
    assertThat(payments.config()).isEqualTo(rt.config().circuitBreaker().defaults());
    assertThatThrownBy(() -> rt.circuitBreakers().breaker("payments").acquire())
        .isInstanceOf(CircuitRejectedException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Hedgers

  static final String HEDGERS =
      """
      resilience:
        hedge:
          defaults:
            max-hedges: 1
            delay: {strategy: percentile, percentile: 50, warmup-samples: 10, warmup-delay: 5ms}
          instances:
            search:
              max-hedges: %d
              delay: {strategy: %s, percentile: 50, warmup-samples: 10, warmup-delay: 5ms}
      """;

  /** Teaches the hedger's strategy a delay of 40 ms. */
  static void teach(Hedger search, FakeClock clock) {
    for (int i = 0; i < 20; i++) {
      search.strategy().recordPrimary(Duration.ofMillis(40).toNanos(), true);
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(search.strategy().isWarm()).isTrue();
    assertThat(search.strategy().delayNanos(1))
        .isCloseTo(
            Duration.ofMillis(40).toNanos(), org.assertj.core.data.Percentage.withPercentage(2));
  }

  @Test
  void aHedgerKeepsItsLearntDelayAndBudgetWhenUnchangedChangedOrDropped() {
    runtime(HEDGERS.formatted(1, "percentile"));
    Hedger search = rt.hedgers().hedger("search");
    teach(search, clock);
    HedgeDelayStrategy learnt = search.strategy();
    long delay = learnt.delayNanos(1);
    double budget = search.availableBudget();

    apply(HEDGERS.formatted(1, "percentile").replace("max-hedges: 1\n", "max-hedges: 3\n"));
    assertThat(rt.hedgers().hedger("search")).isSameAs(search);
    assertThat(search.strategy()).isSameAs(learnt);
    assertThat(search.strategy().delayNanos(1)).isEqualTo(delay);
    assertThat(search.availableBudget()).isEqualTo(budget);

    apply(HEDGERS.formatted(2, "percentile"));
    assertThat(search.config().maxHedges()).isEqualTo(2);
    assertThat(search.strategy()).isSameAs(learnt);
    assertThat(search.strategy().delayNanos(1)).isEqualTo(delay);
    assertThat(search.availableBudget()).isEqualTo(budget);

    apply(
        """
        resilience:
          hedge:
            defaults:
              max-hedges: 1
              delay: {strategy: percentile, percentile: 50, warmup-samples: 10, warmup-delay: 5ms}
        """);
    assertThat(rt.hedgers().hedger("search")).isSameAs(search);
    assertThat(search.isClosed()).isFalse();
    assertThat(search.config()).isEqualTo(rt.config().hedging().defaults());
    assertThat(search.strategy()).isSameAs(learnt);
    assertThat(search.strategy().delayNanos(1)).isEqualTo(delay);
  }

  @Test
  void anInFlightHedgedCallCompletesAcrossAReloadThatDropsItsHedger() {
    runtime(HEDGERS.formatted(1, "fixed"));
    Hedger search = rt.hedgers().hedger("search");
    List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
    CompletableFuture<String> call =
        search.callAsync(
            ctx -> {
              CompletableFuture<String> f = new CompletableFuture<>();
              attempts.add(f);
              return f;
            });

    apply(
        """
        resilience:
          hedge:
            defaults: {max-hedges: 1}
        """);

    assertThat(call).isNotDone();
    attempts.get(0).complete("answer");
    assertThat(call).isCompletedWithValue("answer");
    String next = rt.hedgers().hedger("search").call(ctx -> "next");
    assertThat(next).isEqualTo("next");
  }

  @Test
  void removingAHedgerRetiresItWithoutCancellingItsCallsInFlightThenClosesIt() {
    try (HedgerRegistry registry =
        HedgerRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .instance("search", HedgeConfig.defaults())
            .build()) {
      Hedger search = registry.hedger("search");
      CompletableFuture<String> attempt = new CompletableFuture<>();
      CompletableFuture<String> call = search.callAsync(ctx -> attempt);

      assertThat(registry.remove("search")).containsSame(search);

      // The registry serves a new hedger for the name; the call in flight runs to its end, and
      // then the retired hedger is closed.
      assertThat(registry.hedger("search")).isNotSameAs(search);
      assertThat(call).isNotDone();
      assertThat(search.isClosed()).isFalse();
      attempt.complete("answer");
      assertThat(call).isCompletedWithValue("answer");
      assertThat(search.isClosed()).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rate limiters

  static final String LIMITERS =
      """
      resilience:
        rate-limiter:
          defaults: {capacity: 4, window: 60s}
          instances:
            search: {capacity: %d, window: %s}
        hedge:
          defaults: {max-hedges: %d}
      """;

  static int permits(RateLimiter limiter, String key) {
    int n = 0;
    while (limiter.tryAcquire(key)) {
      n++;
    }
    return n;
  }

  @Test
  void rateLimitKeysKeepTheirStateWhenTheLimiterIsUnchangedOrDropped() {
    runtime(LIMITERS.formatted(4, "60s", 1));
    RateLimiter search = rt.rateLimiters().limiter("search");
    assertThat(permits(search, "alice")).isEqualTo(4);
    search.tryAcquire("bob");

    apply(LIMITERS.formatted(4, "60s", 2)); // the limiter is unchanged
    assertThat(rt.rateLimiters().limiter("search")).isSameAs(search);
    assertThat(search.tryAcquire("alice")).isFalse();
    assertThat(permits(search, "bob")).isEqualTo(3);

    apply(
        """
        resilience:
          rate-limiter:
            defaults: {capacity: 4, window: 60s}
        """);
    assertThat(rt.rateLimiters().limiter("search")).isSameAs(search);
    assertThat(search.tryAcquire("alice")).isFalse();
    assertThat(search.tryAcquire("bob")).isFalse();
    clock.advance(Duration.ofSeconds(15));
    assertThat(permits(search, "alice")).isEqualTo(1);
    assertThat(permits(search, "carol")).isEqualTo(4);
  }

  @Test
  void aNewWindowRescalesEachKeysUsedShareOfItsBucket() {
    runtime(LIMITERS.formatted(10, "60s", 1));
    RateLimiter search = rt.rateLimiters().limiter("search");
    assertThat(permits(search, "alice")).isEqualTo(10); // all of her bucket
    for (int i = 0; i < 5; i++) {
      assertThat(search.tryAcquire("bob")).isTrue(); // half of his
    }

    apply(LIMITERS.formatted(10, "10s", 1));

    // Alice's bucket is still empty: she waits one new interval (1 s), not what was left of the
    // old window (60 s). Bob still has half of his.
    assertThat(search.tryAcquire("alice")).isFalse();
    assertThat(permits(search, "bob")).isEqualTo(5);
    clock.advance(Duration.ofSeconds(1));
    assertThat(permits(search, "alice")).isEqualTo(1);

    // Back to the longer window: still one share each, now of a 60 s window.
    for (int i = 0; i < 5; i++) {
      assertThat(search.tryAcquire("carol")).isTrue(); // half of her bucket
    }
    apply(LIMITERS.formatted(10, "60s", 1));
    assertThat(permits(search, "carol")).isEqualTo(5);
    assertThat(search.tryAcquire("alice")).isFalse();
    clock.advance(Duration.ofSeconds(6));
    assertThat(permits(search, "alice")).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Retriers

  static final String RETRIERS =
      """
      resilience:
        retry:
          policies:
            payments: {max-attempts: %d, budget: 0.5, min-retries-per-second: 0}
      """;

  @Test
  void aRetrierKeepsItsBudgetWhenUnchangedChangedOrDropped() throws Exception {
    runtime(RETRIERS.formatted(3));
    Retrier payments = rt.retriers().retrier("payments");
    for (int i = 0; i < 8; i++) {
      payments.call(() -> "ok");
    }
    assertThat(payments.availableBudget()).isEqualTo(4.0);

    apply(RETRIERS.formatted(4));
    assertThat(rt.retriers().retrier("payments")).isSameAs(payments);
    assertThat(payments.policy().maxAttempts()).isEqualTo(4);
    assertThat(payments.availableBudget()).isEqualTo(4.0);

    apply(
        """
        resilience:
          retry:
            policies:
              default: {budget: 0.5, min-retries-per-second: 0}
        """);
    assertThat(rt.retriers().retrier("payments")).isSameAs(payments);
    assertThat(payments.policy()).isEqualTo(rt.retriers().defaults());
    assertThat(payments.availableBudget()).isEqualTo(4.0);
  }
}
