package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.GlobalFuse;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.health.HealthConfig.ProbeOverride;
import io.tailguard.core.time.FakeClock;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health API's smaller promises, through its public types only: overrides and settings as
 * values, hooks and subscriptions, lookups, the cadence of a scheduler that runs late, timers left
 * behind, a queued run at close, and the default executor's threads.
 */
class HealthApiEdgesTest {

  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final FakeClock clock = new FakeClock();
  private final List<HealthRegistry> created = new ArrayList<>();

  @AfterEach
  void closeAll() {
    created.forEach(HealthRegistry::close);
  }

  private static HealthConfig config() {
    return HealthConfig.builder().interval(INTERVAL).timeout(TIMEOUT).failureThreshold(3).build();
  }

  /** Checks run synchronously on the thread that advances the clock. */
  private HealthRegistry registry(HealthProbe... probes) {
    return build(
        HealthRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run), probes);
  }

  private HealthRegistry build(HealthRegistry.Builder b, HealthProbe... probes) {
    b.config(config());
    for (HealthProbe p : probes) {
      b.probe(p);
    }
    HealthRegistry r = b.build();
    created.add(r);
    return r;
  }

  private static long sec(long s) {
    return Duration.ofSeconds(s).toNanos();
  }

  private static List<Long> since(long t0, List<Long> times) {
    List<Long> seconds = new ArrayList<>();
    for (long t : times) {
      seconds.add((t - t0) / sec(1));
    }
    return seconds;
  }

  // -------------------------------------------------------------------------------------------
  // Settings as values

  @Test
  void anEmptyOverrideOverridesNothing() {
    ProbeOverride none = ProbeOverride.builder().build();
    assertThat(none.enabled()).isEmpty();
    assertThat(none.interval()).isEmpty();
    assertThat(none.timeout()).isEmpty();
    assertThat(none.failureThreshold()).isEmpty();
    assertThat(none.toMap()).isEmpty();
    assertThat(none).hasToString("ProbeOverride{}");
  }

  @Test
  void anOverrideIsAValue() {
    ProbeOverride full =
        ProbeOverride.builder()
            .enabled(false)
            .interval(Duration.ofSeconds(20))
            .timeout(Duration.ofSeconds(5))
            .failureThreshold(2)
            .build();
    assertThat(full.enabled()).contains(false);
    assertThat(full.interval()).contains(Duration.ofSeconds(20));
    assertThat(full.timeout()).contains(Duration.ofSeconds(5));
    assertThat(full.failureThreshold()).contains(2);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("enabled", false);
    expected.put("interval", "20s");
    expected.put("timeout", "5s");
    expected.put("failureThreshold", 2);
    assertThat(full.toMap()).containsExactlyEntriesOf(expected);
    assertThat(full)
        .hasToString("ProbeOverride{enabled=false, interval=20s, timeout=5s, failureThreshold=2}");

    ProbeOverride copy = full.toBuilder().build();
    assertThat(copy).isEqualTo(full).hasSameHashCodeAs(full).isNotSameAs(full);
    assertThat(full).isEqualTo(full).isNotEqualTo(null).isNotEqualTo("ProbeOverride");
    assertThat(full.toBuilder().enabled(true).build()).isNotEqualTo(full);
    assertThat(full.toBuilder().interval(Duration.ofSeconds(21)).build()).isNotEqualTo(full);
    assertThat(full.toBuilder().timeout(Duration.ofSeconds(6)).build()).isNotEqualTo(full);
    assertThat(full.toBuilder().failureThreshold(3).build()).isNotEqualTo(full);
    assertThat(ProbeOverride.builder().failureThreshold(2).build().toMap())
        .containsExactly(Map.entry("failureThreshold", 2));
    assertThat(ProbeOverride.builder().timeout(Duration.ofSeconds(1)).build().toMap())
        .containsExactly(Map.entry("timeout", "1s"));
    assertThat(ProbeOverride.builder().interval(Duration.ofSeconds(1)).build().toMap())
        .containsExactly(Map.entry("interval", "1s"));
    assertThat(ProbeOverride.enabled(true).toMap()).containsExactly(Map.entry("enabled", true));
  }

  @Test
  void theConfigIsAValueWithItsOverridesInItsMap() {
    HealthConfig defaults = HealthConfig.defaults();
    assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.failureThreshold()).isEqualTo(3);

    HealthConfig a = config().toBuilder().probe("db", ProbeOverride.enabled(false)).build();
    HealthConfig b = config().toBuilder().probe("db", ProbeOverride.enabled(false)).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isEqualTo(a).isNotEqualTo(null);
    assertThat(a).isNotEqualTo(config());
    assertThat(a).isNotEqualTo(a.toBuilder().interval(Duration.ofSeconds(11)).build());
    assertThat(a).isNotEqualTo(a.toBuilder().timeout(Duration.ofSeconds(3)).build());
    assertThat(a).isNotEqualTo(a.toBuilder().failureThreshold(4).build());
    assertThat(a.toMap().get("probes")).isEqualTo(Map.of("db", Map.of("enabled", false)));
    assertThat(a)
        .hasToString(
            "HealthConfig{interval=10s, timeout=2s, failureThreshold=3,"
                + " probes={db={enabled=false}}}");
  }

  @Test
  void theFailureReasonsAreTheOnesThatCount() {
    EnumSet<HealthReason> failures = EnumSet.noneOf(HealthReason.class);
    for (HealthReason r : HealthReason.values()) {
      if (r.isFailure()) {
        failures.add(r);
      }
    }
    assertThat(failures)
        .containsExactlyInAnyOrder(
            HealthReason.PROBE_DOWN,
            HealthReason.PROBE_ERROR,
            HealthReason.TIMEOUT,
            HealthReason.STILL_RUNNING,
            HealthReason.REJECTED);
  }

  @Test
  void aProbeMadeFromACheckShowsItsName() {
    assertThat(HealthProbe.of("orders-db", HealthCheckResult::up))
        .hasToString("HealthProbe[orders-db]");
  }

  // -------------------------------------------------------------------------------------------
  // Hooks, subscriptions and lookups

  @Test
  void hooksHearOfProbesAddedAndRemovedUntilUnsubscribed() {
    HealthRegistry health = registry(HealthProbe.of("a", HealthCheckResult::up));
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Subscription onAdded = health.onAdded(added::add);
    assertThat(added).as("the probes present").containsExactly("a");
    health.register(HealthProbe.of("b", HealthCheckResult::up));
    Subscription onRemoved = health.onRemoved(removed::add);
    health.remove("a");
    assertThat(added).containsExactly("a", "b");
    assertThat(removed).containsExactly("a");

    onAdded.close();
    onRemoved.close();
    health.register(HealthProbe.of("c", HealthCheckResult::up));
    health.remove("b");
    assertThat(added).containsExactly("a", "b");
    assertThat(removed).containsExactly("a");
  }

  @Test
  void aListenerHearsEventsUntilUnsubscribed() {
    HealthRegistry health = registry(HealthProbe.of("a", () -> HealthCheckResult.down("no")));
    List<HealthEvent> events = new CopyOnWriteArrayList<>();
    Subscription s = health.subscribe(events::add);
    clock.runDueTasks();
    int heard = events.size();
    assertThat(heard).isPositive();
    s.close();
    clock.advance(INTERVAL);
    assertThat(events).hasSize(heard);
    assertThat(health.report("a").runs()).isEqualTo(2);
  }

  @Test
  void findReportsRegisteredProbesOnly() {
    HealthRegistry health = registry(HealthProbe.of("a", HealthCheckResult::up));
    assertThat(health.find("a")).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("a"));
    assertThat(health.find("b")).isEmpty();
    assertThat(health.find(null)).isEmpty();
  }

  @Test
  void isClosedAndToString() {
    HealthRegistry health =
        registry(
            HealthProbe.of("a", HealthCheckResult::up),
            HealthProbe.of("b", () -> HealthCheckResult.degraded("slow")));
    clock.runDueTasks();
    assertThat(health).hasToString("HealthRegistry[2 probes, DEGRADED]");
    assertThat(health.isClosed()).isFalse();
    health.close();
    assertThat(health.isClosed()).isTrue();
  }

  @Test
  void errorTextsOfUpTo1000CharactersAreKeptWhole() {
    String prefix = "java.lang.IllegalStateException: ";
    String exactly = prefix + "x".repeat(1000 - prefix.length());
    String longer = exactly + "y";
    AtomicReference<RuntimeException> next =
        new AtomicReference<>(new IllegalStateException(exactly.substring(prefix.length())));
    HealthRegistry health =
        registry(
            HealthProbe.of(
                "a",
                () -> {
                  throw next.get();
                }));
    clock.runDueTasks();
    assertThat(health.report("a").lastError()).isEqualTo(exactly);
    next.set(new IllegalStateException(longer.substring(prefix.length())));
    clock.advance(INTERVAL);
    assertThat(health.report("a").lastError()).isEqualTo(exactly + "...");
  }

  @Test
  void aRunningRunShowsHowLongItHasRun() {
    ManualExecutor manual = new ManualExecutor();
    HealthRegistry health =
        build(
            HealthRegistry.builder().clock(clock).scheduler(clock).executor(manual),
            HealthProbe.of("a", HealthCheckResult::up));
    clock.runDueTasks(); // queued, not started
    clock.advance(Duration.ofMillis(1500));
    ProbeReport running = health.report("a");
    assertThat(running.running()).isTrue();
    assertThat(running.toMap())
        .containsEntry("running", true)
        .containsEntry("runningForMillis", 1500.0);
    manual.runAll();
    assertThat(health.report("a").toMap())
        .containsEntry("running", false)
        .containsEntry("runningForMillis", null);
  }

  @Test
  void threeBreakersOfOneNameAreNumbered() {
    HealthRegistry health = registry();
    for (int i = 0; i < 3; i++) {
      health.addBreaker(CircuitBreaker.builder("x").clock(clock).build());
    }
    assertThat(health.breakerStatuses()).containsOnlyKeys("x", "x#2", "x#3");
  }

  @Test
  void twoBreakerRegistriesAreTwoSources() {
    HealthRegistry health = registry();
    health.addBreakers(CircuitBreakerRegistry.builder().clock(clock).build());
    health.addBreakers(CircuitBreakerRegistry.builder().clock(clock).build());
    assertThat(health.breakerStatuses()).containsOnlyKeys(GlobalFuse.NAME, GlobalFuse.NAME + "#2");
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling

  /** A scheduler that runs every task {@code lateness} after it is due, on the fake clock. */
  private Scheduler late(Duration lateness) {
    return (task, delay) -> clock.schedule(task, delay.plus(lateness));
  }

  private List<Long> runsWithALateScheduler(Duration lateness, Duration span) {
    ScriptedProbe p = new ScriptedProbe("p", clock);
    build(
        HealthRegistry.builder().clock(clock).scheduler(late(lateness)).executor(Runnable::run), p);
    long t0 = clock.nanoTime();
    clock.advance(span);
    return since(t0, p.calledAt());
  }

  @Test
  void aLateTickKeepsTheCadence() {
    // Each run is due 10 s after the last due time, however late the tick ran.
    assertThat(runsWithALateScheduler(Duration.ofSeconds(1), Duration.ofSeconds(35)))
        .containsExactly(1L, 11L, 21L, 31L);
  }

  @Test
  void aTickLateByAWholeIntervalDoesNotMakeUpMissedRuns() {
    // Due at 0, run at 10: the next is due an interval after the run, not at 10 again.
    assertThat(runsWithALateScheduler(INTERVAL, Duration.ofSeconds(55)))
        .containsExactly(10L, 30L, 50L);
  }

  @Test
  void aTickLateByMoreThanAnIntervalDoesNotMakeUpMissedRuns() {
    assertThat(runsWithALateScheduler(Duration.ofSeconds(15), Duration.ofSeconds(70)))
        .containsExactly(15L, 40L, 65L);
  }

  @Test
  void aShorterIntervalWhoseDueTimeHasPassedRunsNowAndCountsFromNow() {
    ScriptedProbe p = new ScriptedProbe("p", clock);
    HealthRegistry health = registry(p);
    long t0 = clock.nanoTime();
    clock.advance(Duration.ofSeconds(28)); // runs at 0, 10, 20
    health.reconfigure(b -> b.interval(Duration.ofSeconds(5))); // 20 + 5 has passed
    clock.advance(Duration.ofSeconds(6));
    assertThat(since(t0, p.calledAt())).containsExactly(0L, 10L, 20L, 28L, 33L);
  }

  @Test
  void reconfiguringLeavesOneTimerPerProbeAndDisablingNone() {
    HealthRegistry health = registry(HealthProbe.of("p", HealthCheckResult::up));
    clock.runDueTasks();
    assertThat(clock.pendingTasks()).as("the next run").isEqualTo(1);
    health.reconfigure(b -> b.interval(Duration.ofSeconds(20)));
    assertThat(clock.pendingTasks()).isEqualTo(1);
    assertThat(clock.nextTaskDelay()).isEqualTo(Duration.ofSeconds(20));
    health.reconfigure("p", ProbeOverride.enabled(false));
    assertThat(clock.pendingTasks()).isZero();
  }

  // -------------------------------------------------------------------------------------------
  // Threads and shutdown

  @Test
  void closeDropsARunStillWaitingForAThreadWithoutWaitingForTheGrace() {
    ManualExecutor manual = new ManualExecutor();
    ScriptedProbe p = new ScriptedProbe("p", clock);
    HealthRegistry.Builder b =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(manual)
            .shutdownGrace(Duration.ofSeconds(30));
    HealthRegistry health = build(b, p);
    clock.runDueTasks();
    assertThat(manual.queued()).isEqualTo(1);

    long start = System.nanoTime();
    health.close();
    assertThat(System.nanoTime() - start).isLessThan(sec(20));
    manual.runAll(); // the executor gets to it after all: it does nothing
    assertThat(p.calls()).isZero();
    assertThat(health.report("p").runs()).isZero();
  }

  @Test
  void theDefaultExecutorRunsChecksOnNamedDaemonThreads() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<Thread> thread = new AtomicReference<>();
    build(
        HealthRegistry.builder().clock(clock).scheduler(clock), // the registry's own pool
        HealthProbe.of(
            "p",
            () -> {
              thread.set(Thread.currentThread());
              ran.countDown();
              return HealthCheckResult.up();
            }));
    clock.runDueTasks();
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get().isDaemon()).isTrue();
    assertThat(thread.get().getName()).startsWith(HealthRegistry.THREAD_NAME_PREFIX);
  }
}
