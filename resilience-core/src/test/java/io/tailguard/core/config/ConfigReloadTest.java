package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.runtime.ConfigWatcher;
import io.tailguard.core.runtime.ResilienceRuntime;
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
        hedge:
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
        hedge:
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
  void rateLimitersKeepTheirKeysTakeNewLimitsAndDroppedOnesTakeTheDefaults() {
    ResilienceRuntime rt =
        runtime(
            """
            resilience:
              rate-limiter:
                instances:
                  search: {capacity: 2, window: 60s}
                  legacy: {capacity: 5}
            """);
    var search = rt.rateLimiters().limiter("search");
    assertThat(search.tryAcquire("alice")).isTrue();
    assertThat(search.tryAcquire("alice")).isTrue();
    assertThat(search.tryAcquire("alice")).isFalse();

    List<String> changes =
        rt.apply(
            YamlConfigLoader.loadString(
                """
                resilience:
                  rate-limiter:
                    instances:
                      search: {capacity: 3, window: 60s}
                """));

    assertThat(changes)
        .contains(
            "resilience.rate-limiter.instances.search.capacity: 2 -> 3",
            "resilience.rate-limiter.instances.legacy: removed");
    assertThat(rt.rateLimiters().limiter("search")).isSameAs(search);
    // alice's state is kept as time: her two permits spent a whole 60 s window, so she waits
    // one new interval (60 s / 3) for her next permit.
    assertThat(search.tryAcquire("alice")).isFalse();
    clock.advance(Duration.ofSeconds(20));
    assertThat(search.tryAcquire("alice")).isTrue();
    assertThat(search.tryAcquire("alice")).isFalse();
    assertThat(search.tryAcquire("bob")).isTrue(); // a new key has the new capacity
    assertThat(search.tryAcquire("bob")).isTrue();
    assertThat(search.tryAcquire("bob")).isTrue();
    assertThat(search.tryAcquire("bob")).isFalse();
    // Dropped from the configuration, legacy goes on with the defaults.
    assertThat(rt.rateLimiters().find("legacy"))
        .hasValueSatisfying(
            l -> assertThat(l.config()).isEqualTo(rt.config().rateLimiting().defaults()));
    rt.close();
    assertThat(rt.rateLimiters().isTerminated()).isTrue();
  }

  @Test
  void applyKeepsStateChangesSettingsAddsAndPutsDroppedNamesOnTheDefaults() {
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
            "resilience.hedge.instances.search.max-hedges: 1 -> 3");
    assertThat(rt.circuitBreakers().breaker("payments")).isSameAs(payments);
    assertThat(payments.state()).isEqualTo(CircuitState.OPEN); // state kept
    assertThat(payments.config().failureRateThreshold()).isEqualTo(0.25);
    assertThat(rt.circuitBreakers().find("orders")).isPresent();
    assertThat(rt.circuitBreakers().find("legacy"))
        .hasValueSatisfying(
            b -> assertThat(b.config()).isEqualTo(rt.config().circuitBreaker().defaults()));
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
                        "resilience.hedge.instances.search.max-hedges: must be in [1, 10], was"
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

  @Test
  void aCallIsJudgedByTheConfigurationInForceWhenItStarted() {
    ResilienceRuntime rt =
        runtime(
            "resilience:\n"
                + "  circuit-breaker:\n"
                + "    instances:\n"
                + "      payments: {slow-call-duration: 100ms}\n"
                + "  hedge:\n"
                + "    instances:\n"
                + "      search: {max-hedges: 1, delay: {strategy: fixed, delay: 10ms}}\n");
    CircuitBreaker payments = rt.circuitBreakers().breaker("payments");
    io.tailguard.core.circuitbreaker.CallGuard guard = payments.acquire();
    java.util.List<java.util.concurrent.CompletableFuture<String>> attempts =
        new CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<String> hedged =
        rt.hedgers()
            .hedger("search")
            .callAsync(
                ctx -> {
                  java.util.concurrent.CompletableFuture<String> f =
                      new java.util.concurrent.CompletableFuture<>();
                  attempts.add(f);
                  return f;
                });
    rt.apply(
        YamlConfigLoader.loadString(
            "resilience:\n"
                + "  circuit-breaker:\n"
                + "    instances:\n"
                + "      payments: {slow-call-duration: 1s}\n"
                + "  hedge:\n"
                + "    instances:\n"
                + "      search: {max-hedges: 3, delay: {strategy: fixed, delay: 10ms}}\n"));
    clock.advance(Duration.ofMillis(500));
    guard.success();
    // 500ms is slow by the 100ms in force when the call started, not by the 1s of now.
    assertThat(payments.metrics().slowCalls()).isEqualTo(1);
    // The hedged call keeps its maximum of one hedge.
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("ok");
    assertThat(hedged).isCompletedWithValue("ok");
    // A call started now uses the new settings.
    io.tailguard.core.circuitbreaker.CallGuard next = payments.acquire();
    clock.advance(Duration.ofMillis(500));
    next.success();
    assertThat(payments.metrics().slowCalls()).isEqualTo(1);
    rt.close();
  }

  @Test
  void reloadingUnderConcurrentCallsLosesNoCall() throws Exception {
    ResilienceRuntime rt =
        ResilienceRuntime.builder().config(YamlConfigLoader.loadString(V1)).build();
    ResilienceConfig v1 = YamlConfigLoader.loadString(V1);
    ResilienceConfig v2 = YamlConfigLoader.loadString(V2);
    int threads = 4;
    int callsPerThread = 2_000;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(threads);
    java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
    java.util.List<java.util.concurrent.Future<?>> workers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                started.countDown();
                for (int i = 0; i < callsPerThread; i++) {
                  String a = rt.circuitBreakers().breaker("payments").call(() -> "breaker");
                  String b = rt.hedgers().hedger("search").call(ctx -> "hedger");
                  if (a.equals("breaker") && b.equals("hedger")) {
                    answered.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    started.await();
    int reloads = 0;
    while (workers.stream().anyMatch(f -> !f.isDone())) {
      rt.apply(reloads % 2 == 0 ? v2 : v1);
      reloads++;
    }
    for (java.util.concurrent.Future<?> f : workers) {
      f.get(60, java.util.concurrent.TimeUnit.SECONDS); // rethrows any failed call
    }
    pool.shutdown();
    assertThat(answered.get()).isEqualTo((long) threads * callsPerThread);
    assertThat(reloads).isGreaterThan(1);
    assertThat(rt.circuitBreakers().breaker("payments").metrics().successfulCalls())
        .isEqualTo((long) threads * callsPerThread);
    rt.close();
  }
}
