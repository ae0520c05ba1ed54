package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HedgerRegistryTest {

  static Set<String> hedgeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("tailguard-hedge"))
        .collect(Collectors.toSet());
  }

  @Test
  void configuredInstancesDefaultsStrictnessAndBreakers() {
    CircuitBreakerRegistry breakers =
        CircuitBreakerRegistry.builder().instance("search", CircuitConfig.defaults()).build();
    HedgeConfig two = HedgeConfig.builder().maxHedges(2).build();
    try (HedgerRegistry registry =
        HedgerRegistry.builder().instance("search", two).breakers(breakers).build()) {
      assertThat(registry.names()).containsExactly("search");
      assertThat(registry.hedger("search").config()).isEqualTo(two);
      assertThat(registry.hedger("other").config()).isEqualTo(HedgeConfig.defaults());
      assertThat(registry.find("missing")).isEmpty();
      String r = registry.hedger("search").call(ctx -> "through the breaker");
      assertThat(r).isEqualTo("through the breaker");
      assertThat(breakers.breaker("search").metrics().successfulCalls()).isEqualTo(1);
      assertThat(registry.describe()).containsKeys("search", "other");
    }
    try (HedgerRegistry strict = HedgerRegistry.builder().strict(true).build()) {
      assertThatThrownBy(() -> strict.hedger("nope"))
          .isInstanceOf(UnknownInstanceException.class)
          .hasMessage("unknown hedger 'nope': the registry is strict and knows only []");
    }
  }

  @Test
  void reconfigureKeepsStateAndDefaultsApplyOnlyToUnconfiguredHedgers() {
    try (HedgerRegistry registry =
        HedgerRegistry.builder().instance("own", HedgeConfig.defaults()).build()) {
      Hedger own = registry.hedger("own");
      Hedger shared = registry.hedger("shared");
      HedgeConfig three = HedgeConfig.builder().maxHedges(3).build();
      registry.reconfigureDefaults(three);
      assertThat(shared.config()).isEqualTo(three);
      assertThat(own.config()).isEqualTo(HedgeConfig.defaults());
      assertThat(registry.reconfigure("own", three)).isSameAs(own);
      assertThat(own.config()).isEqualTo(three);
      List<HedgeEvent> events = new CopyOnWriteArrayList<>();
      registry.subscribe(events::add);
      Hedger later = registry.hedger("later");
      later.callAsync(ctx -> CompletableFuture.completedFuture("x")).join();
      assertThat(events).anyMatch(e -> e.name().equals("later"));
      // Retired: its call in flight runs on, and then it is closed.
      CompletableFuture<String> attempt = new CompletableFuture<>();
      CompletableFuture<String> inFlight = later.callAsync(ctx -> attempt);
      assertThat(registry.remove("later")).containsSame(later);
      assertThat(later.isClosed()).isFalse();
      assertThat(registry.hedger("later")).isNotSameAs(later);
      attempt.complete("y");
      assertThat(inFlight).isCompletedWithValue("y");
      assertThat(later.isClosed()).isTrue();
    }
  }

  @Test
  void noThreadOutlivesClose() throws Exception {
    Set<String> before = hedgeThreads();
    HedgerRegistry registry = HedgerRegistry.builder().closeGrace(Duration.ofSeconds(2)).build();
    Hedger h =
        registry.reconfigure(
            "slow",
            HedgeConfig.builder()
                .delay(
                    DelayConfig.builder()
                        .strategy(HedgeDelayType.FIXED)
                        .delay(Duration.ofMillis(1))
                        .build())
                .build());
    CountDownLatch running = new CountDownLatch(2);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    caller.submit(
        () ->
            h.call(
                ctx -> {
                  running.countDown();
                  try {
                    new CountDownLatch(1).await(); // until interrupted
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return "never";
                }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue(); // primary and hedge both run
    registry.close();
    assertThat(registry.isTerminated()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(hedgeThreads()).isSubsetOf(before));
    caller.shutdownNow();
    assertThatThrownBy(() -> h.call(ctx -> "x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void ownedExecutorUsesVirtualThreadsWhereAvailable() throws Exception {
    try (HedgerRegistry registry = HedgerRegistry.builder().build()) {
      boolean virtual = registry.hedger("v").call(ctx -> isVirtual(Thread.currentThread()));
      assertThat(virtual).isEqualTo(HedgeExecutors.virtualThreadsAvailable());
      assertThat(HedgeExecutors.virtualThreadsAvailable())
          .isEqualTo(Runtime.version().feature() >= 21);
    }
  }

  static boolean isVirtual(Thread t) {
    try {
      return (boolean) Thread.class.getMethod("isVirtual").invoke(t);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
