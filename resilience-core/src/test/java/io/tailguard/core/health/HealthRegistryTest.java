package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.health.HealthConfig.ProbeOverride;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe state machine, scheduling, reconfiguration and reporting, driven by a fake clock. */
class HealthRegistryTest {

  static final Duration INTERVAL = Duration.ofSeconds(10);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  final FakeClock clock = new FakeClock();
  final List<HealthEvent> events = new CopyOnWriteArrayList<>();
  final List<HealthRegistry> created = new ArrayList<>();

  @AfterEach
  void closeAll() {
    created.forEach(HealthRegistry::close);
  }

  static HealthConfig config(int failureThreshold) {
    return HealthConfig.builder()
        .interval(INTERVAL)
        .timeout(TIMEOUT)
        .failureThreshold(failureThreshold)
        .build();
  }

  /** Checks run synchronously on the thread that advances the clock. */
  HealthRegistry registry(HealthConfig config, HealthProbe... probes) {
    HealthRegistry.Builder b =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .config(config);
    for (HealthProbe p : probes) {
      b.probe(p);
    }
    HealthRegistry r = b.build();
    r.subscribe(events::add);
    created.add(r);
    return r;
  }

  ScriptedProbe probe(String name) {
    return new ScriptedProbe(name, clock);
  }

  List<HealthEvent.StatusChanged> statusChanges() {
    List<HealthEvent.StatusChanged> changes = new ArrayList<>();
    for (HealthEvent e : events) {
      if (e instanceof HealthEvent.StatusChanged) {
        changes.add((HealthEvent.StatusChanged) e);
      }
    }
    return changes;
  }

  // -------------------------------------------------------------------------------------------
  // Transitions and thresholds

  @Test
  void goesUpDegradedDownAndUpAgain() {
    ScriptedProbe db = probe("db");
    HealthRegistry health = registry(config(3), db);
    assertThat(health.status("db")).isEqualTo(HealthStatus.UP);
    assertThat(health.report("db").lastCheckedAt()).isNull();

    clock.runDueTasks();
    assertThat(db.calls()).isEqualTo(1);
    ProbeReport first = health.report("db");
    assertThat(first.status()).isEqualTo(HealthStatus.UP);
    assertThat(first.lastReason()).isEqualTo(HealthReason.PROBE_UP);
    assertThat(first.lastCheckedAt()).isEqualTo(FakeClock.DEFAULT_WALL_START);

    db.fails(new IllegalStateException("connection refused"));
    clock.advance(INTERVAL);
    assertThat(health.report("db").status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.report("db").consecutiveFailures()).isEqualTo(1);
    clock.advance(INTERVAL);
    assertThat(health.report("db").status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(health.report("db").consecutiveFailures()).isEqualTo(2);
    clock.advance(INTERVAL);
    ProbeReport down = health.report("db");
    assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(down.consecutiveFailures()).isEqualTo(3);
    assertThat(down.lastReason()).isEqualTo(HealthReason.PROBE_ERROR);
    assertThat(down.lastError()).isEqualTo("java.lang.IllegalStateException: connection refused");
    assertThat(down.lastCheckedAt()).isEqualTo(FakeClock.DEFAULT_WALL_START.plusSeconds(30));
    assertThat(down.lastSuccessAt()).isEqualTo(FakeClock.DEFAULT_WALL_START);
    clock.advance(INTERVAL);
    assertThat(health.report("db").status()).isEqualTo(HealthStatus.DOWN);
    assertThat(health.report("db").consecutiveFailures()).isEqualTo(4);

    db.answers(HealthCheckResult.up(Map.of("version", "16.2")));
    clock.advance(INTERVAL);
    ProbeReport up = health.report("db");
    assertThat(up.status()).isEqualTo(HealthStatus.UP);
    assertThat(up.consecutiveFailures()).isZero();
    assertThat(up.details()).containsEntry("version", "16.2");
    assertThat(up.runs()).isEqualTo(6);
    assertThat(up.failures()).isEqualTo(4);
    assertThat(up.lastError()).as("the last error stays visible").contains("connection refused");

    assertThat(statusChanges())
        .extracting(
            HealthEvent.StatusChanged::from,
            HealthEvent.StatusChanged::to,
            HealthEvent.StatusChanged::reason,
            HealthEvent.StatusChanged::consecutiveFailures)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                HealthStatus.UP, HealthStatus.DEGRADED, HealthReason.PROBE_ERROR, 1),
            org.assertj.core.groups.Tuple.tuple(
                HealthStatus.DEGRADED, HealthStatus.DOWN, HealthReason.PROBE_ERROR, 3),
            org.assertj.core.groups.Tuple.tuple(
                HealthStatus.DOWN, HealthStatus.UP, HealthReason.PROBE_UP, 0));
    assertThat(events).filteredOn(e -> e instanceof HealthEvent.ProbeFailed).hasSize(4);
    // A failure's own event comes before the status change it causes.
    assertThat(events.get(0)).isInstanceOf(HealthEvent.ProbeFailed.class);
    assertThat(events.get(1)).isInstanceOf(HealthEvent.StatusChanged.class);
    assertThat(events).allSatisfy(e -> assertThat(e.probe()).isEqualTo("db"));
  }

  @Test
  void thresholdOfOneGoesStraightDown() {
    ScriptedProbe db = probe("db").fails(new RuntimeException("x"));
    HealthRegistry health = registry(config(1), db);
    clock.runDueTasks();
    assertThat(health.status("db")).isEqualTo(HealthStatus.DOWN);
    assertThat(statusChanges())
        .extracting(HealthEvent.StatusChanged::to)
        .containsExactly(HealthStatus.DOWN);
  }

  @Test
  void aProbeReportingDownCountsAsAFailureAndKeepsItsDetails() {
    ScriptedProbe disk =
        probe("disk").answers(HealthCheckResult.down("disk full").withDetail("freeBytes", 0));
    HealthRegistry health = registry(config(2), disk);
    clock.runDueTasks();
    ProbeReport r = health.report("disk");
    assertThat(r.status()).as("damped like any failure").isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.lastReason()).isEqualTo(HealthReason.PROBE_DOWN);
    assertThat(r.lastError()).isEqualTo("the probe reported DOWN: disk full");
    assertThat(r.details()).containsEntry("reason", "disk full").containsEntry("freeBytes", 0);
    clock.advance(INTERVAL);
    assertThat(health.status("disk")).isEqualTo(HealthStatus.DOWN);
    HealthEvent.ProbeFailed failed = (HealthEvent.ProbeFailed) events.get(0);
    assertThat(failed.reason()).isEqualTo(HealthReason.PROBE_DOWN);
    assertThat(failed.failure()).isNull();
  }

  @Test
  void aProbeReportingDegradedIsASuccessThatResetsTheFailureRun() {
    ScriptedProbe cache = probe("cache").fails(new RuntimeException("timeout"));
    HealthRegistry health = registry(config(3), cache);
    clock.runDueTasks();
    clock.advance(INTERVAL);
    assertThat(health.report("cache").consecutiveFailures()).isEqualTo(2);

    cache.answers(HealthCheckResult.degraded("replica lag 30s"));
    clock.advance(INTERVAL);
    ProbeReport r = health.report("cache");
    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.consecutiveFailures()).isZero();
    assertThat(r.lastReason()).isEqualTo(HealthReason.PROBE_DEGRADED);
    assertThat(r.lastSuccessAt()).isEqualTo(clock.instant());

    cache.fails(new RuntimeException("timeout"));
    clock.advance(INTERVAL);
    clock.advance(INTERVAL);
    assertThat(health.status("cache"))
        .as("the run of failures started again: 2 < 3")
        .isEqualTo(HealthStatus.DEGRADED);
    clock.advance(INTERVAL);
    assertThat(health.status("cache")).isEqualTo(HealthStatus.DOWN);

    cache.answers(HealthCheckResult.degraded("warming up"));
    clock.advance(INTERVAL);
    assertThat(health.status("cache")).isEqualTo(HealthStatus.DEGRADED);
    assertThat(statusChanges().get(statusChanges().size() - 1).reason())
        .isEqualTo(HealthReason.PROBE_DEGRADED);
  }

  @Test
  void aNullResultIsAFailure() {
    ScriptedProbe p = probe("p").does(() -> null);
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    ProbeReport r = health.report("p");
    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.lastReason()).isEqualTo(HealthReason.PROBE_ERROR);
    assertThat(r.lastError()).contains("returned null");
  }

  @Test
  void hugeErrorMessagesAreCut() {
    ScriptedProbe p = probe("p").fails(new RuntimeException("x".repeat(100_000)));
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    assertThat(health.report("p").lastError())
        .hasSize(HealthRegistry.MAX_ERROR_LENGTH + 3)
        .endsWith("...");
  }

  @Test
  void anExceptionWhoseToStringThrowsIsStillReported() {
    RuntimeException hostile =
        new RuntimeException() {
          private static final long serialVersionUID = 1L;

          @Override
          public String toString() {
            throw new IllegalStateException("no");
          }
        };
    ScriptedProbe p = probe("p").fails(hostile);
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    assertThat(health.report("p").lastError()).contains("its toString() threw");
    assertThat(health.status("p")).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void anErrorThrownByACheckIsRecordedAndTheScheduleGoesOn() {
    ScriptedProbe p =
        probe("p")
            .does(
                () -> {
                  throw new AssertionError("broken invariant");
                });
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    assertThat(health.report("p").lastError()).contains("AssertionError: broken invariant");
    clock.advance(INTERVAL);
    assertThat(p.calls()).isEqualTo(2);
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling

  @Test
  void runsAtOnceAndThenExactlyEveryInterval() {
    ScriptedProbe a = probe("a");
    ScriptedProbe fast = probe("fast");
    HealthConfig cfg =
        config(3).toBuilder()
            .probe(
                "fast",
                ProbeOverride.builder()
                    .interval(Duration.ofMillis(300))
                    .timeout(Duration.ofMillis(100))
                    .build())
            .build();
    registry(cfg, a, fast);
    long t0 = clock.nanoTime();
    clock.advance(Duration.ofSeconds(95));
    assertThat(a.calledAt()).hasSize(10);
    for (int i = 0; i < a.calledAt().size(); i++) {
      assertThat(a.calledAt().get(i) - t0).isEqualTo(i * INTERVAL.toNanos());
    }
    assertThat(fast.calledAt()).hasSize(317); // 0, 0.3s, ..., 94.8s
    for (int i = 0; i < fast.calledAt().size(); i++) {
      assertThat(fast.calledAt().get(i) - t0).isEqualTo(i * 300_000_000L);
    }
  }

  @Test
  void intervalsStayExactWhenChecksTakeTime() {
    ScriptedProbe slow =
        probe("slow")
            .does(
                () -> {
                  clock.advance(Duration.ofSeconds(1)); // a check that takes 1s of the 2s timeout
                  return HealthCheckResult.up();
                });
    HealthRegistry health = registry(config(3), slow);
    long t0 = clock.nanoTime();
    clock.advance(Duration.ofSeconds(35));
    assertThat(slow.calledAt())
        .containsExactly(t0, t0 + 10_000_000_000L, t0 + 20_000_000_000L, t0 + 30_000_000_000L);
    ProbeReport r = health.report("slow");
    assertThat(r.lastDuration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void disabledProbesNeverRunAndDoNotCount() {
    ScriptedProbe on = probe("on");
    ScriptedProbe off = probe("off").fails(new RuntimeException("must not run"));
    HealthConfig cfg = config(1).toBuilder().probe("off", ProbeOverride.enabled(false)).build();
    HealthRegistry health = registry(cfg, on, off);
    clock.advance(Duration.ofMinutes(10));
    assertThat(off.calls()).isZero();
    assertThat(on.calls()).isEqualTo(61);
    ProbeReport r = health.report("off");
    assertThat(r.enabled()).isFalse();
    assertThat(r.runs()).isZero();
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
    assertThat(clock.pendingTasks()).as("only the enabled probe's next run").isEqualTo(1);
  }

  @Test
  void disablingAFailingProbeTakesItOutOfTheAggregateAndEnablingRunsItAtOnce() {
    ScriptedProbe p = probe("p").fails(new RuntimeException("down"));
    HealthRegistry health = registry(config(1), p);
    clock.runDueTasks();
    assertThat(health.status()).isEqualTo(HealthStatus.DOWN);

    health.reconfigure(b -> b.probe("p", ProbeOverride.enabled(false)));
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
    assertThat(health.report("p").status())
        .as("its last status is still shown")
        .isEqualTo(HealthStatus.DOWN);
    clock.advance(Duration.ofMinutes(5));
    assertThat(p.calls()).isEqualTo(1);

    p.answers(HealthCheckResult.up());
    long enabledAt = clock.nanoTime();
    health.reconfigure(b -> b.removeProbe("p"));
    clock.runDueTasks();
    assertThat(p.calledAt()).hasSize(2).last().isEqualTo(enabledAt);
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
    clock.advance(INTERVAL);
    assertThat(p.calledAt()).hasSize(3).last().isEqualTo(enabledAt + INTERVAL.toNanos());
  }

  @Test
  void oneProbeCanBeReconfiguredByName() {
    ScriptedProbe a = probe("a");
    ScriptedProbe b = probe("b");
    HealthRegistry health = registry(config(3), a, b);
    clock.runDueTasks();
    health.reconfigure("b", ProbeOverride.enabled(false));
    assertThat(health.config().probes()).containsOnlyKeys("b");
    assertThat(health.report("a").enabled()).isTrue();
    assertThat(health.report("b").enabled()).isFalse();
    clock.advance(INTERVAL);
    assertThat(a.calls()).isEqualTo(2);
    assertThat(b.calls()).isEqualTo(1);
  }

  @Test
  void anExecutorThatThrowsCountsAsRejected() {
    ScriptedProbe p = probe("p");
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(
                r -> {
                  throw new java.util.concurrent.RejectedExecutionException("saturated");
                })
            .config(config(2))
            .probe(p)
            .build();
    created.add(health);
    clock.runDueTasks();
    ProbeReport r = health.report("p");
    assertThat(r.lastReason()).isEqualTo(HealthReason.REJECTED);
    assertThat(r.lastError())
        .isEqualTo(
            "the probe executor refused the run:"
                + " java.util.concurrent.RejectedExecutionException: saturated");
    assertThat(r.running()).isFalse();
    assertThat(clock.pendingTasks())
        .as("the next run only; the timeout was cancelled")
        .isEqualTo(1);
    clock.advance(INTERVAL);
    assertThat(health.status("p")).isEqualTo(HealthStatus.DOWN);
    assertThat(p.calls()).isZero();
  }

  @Test
  void aBrokenExecutorCountsAsRejectedToo() {
    ScriptedProbe p = probe("p");
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(
                r -> {
                  throw new IllegalStateException("bug in a custom executor");
                })
            .config(config(2))
            .probe(p)
            .build();
    created.add(health);
    clock.runDueTasks();
    assertThat(health.report("p").lastReason()).isEqualTo(HealthReason.REJECTED);
    assertThat(health.report("p").running()).isFalse();
  }

  @Test
  void aNewIntervalCountsFromTheLastRun() {
    ScriptedProbe p = probe("p");
    HealthRegistry health = registry(config(3), p);
    long t0 = clock.nanoTime();
    clock.advance(Duration.ofSeconds(13)); // runs at 0 and 10
    health.reconfigure(b -> b.interval(Duration.ofSeconds(4)));
    clock.advance(Duration.ofSeconds(10)); // to 23: runs at 14, 18, 22
    assertThat(p.calledAt())
        .containsExactly(t0, t0 + sec(10), t0 + sec(14), t0 + sec(18), t0 + sec(22));

    health.reconfigure(b -> b.interval(Duration.ofSeconds(30)));
    clock.advance(Duration.ofSeconds(40)); // to 63: next at 22 + 30 = 52
    assertThat(p.calledAt()).hasSize(6).last().isEqualTo(t0 + sec(52));

    clock.advance(Duration.ofSeconds(20)); // to 83: nothing due before 82? 52 + 30 = 82
    assertThat(p.calledAt()).hasSize(7).last().isEqualTo(t0 + sec(82));
    // Shrinking the interval below the time already waited runs at once.
    clock.advance(Duration.ofSeconds(10)); // 93
    health.reconfigure(b -> b.interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(1)));
    clock.runDueTasks();
    assertThat(p.calledAt()).hasSize(8).last().isEqualTo(t0 + sec(93));
  }

  static long sec(long s) {
    return Duration.ofSeconds(s).toNanos();
  }

  @Test
  void aNewThresholdReDerivesTheStatusOfAFailingProbe() {
    ScriptedProbe p = probe("p").fails(new RuntimeException("x"));
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    clock.advance(INTERVAL);
    assertThat(health.status("p")).isEqualTo(HealthStatus.DEGRADED);
    events.clear();

    health.reconfigure(b -> b.failureThreshold(2));
    assertThat(health.status("p")).isEqualTo(HealthStatus.DOWN);
    health.reconfigure(b -> b.failureThreshold(5));
    assertThat(health.status("p")).isEqualTo(HealthStatus.DEGRADED);

    assertThat(events)
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("ConfigChanged", "StatusChanged", "ConfigChanged", "StatusChanged");
    assertThat(statusChanges())
        .extracting(HealthEvent.StatusChanged::reason)
        .containsOnly(HealthReason.THRESHOLD_CHANGED);
    HealthEvent.ConfigChanged changed = (HealthEvent.ConfigChanged) events.get(0);
    assertThat(changed.name()).isEqualTo(HealthRegistry.NAME);
    assertThat(changed.previous().failureThreshold()).isEqualTo(3);
    assertThat(changed.current().failureThreshold()).isEqualTo(2);
  }

  @Test
  void aThresholdChangeLeavesAHealthyProbeAlone() {
    ScriptedProbe p = probe("p");
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    health.reconfigure(b -> b.failureThreshold(1));
    assertThat(health.status("p")).isEqualTo(HealthStatus.UP);
    assertThat(statusChanges()).isEmpty();
  }

  @Test
  void anInvalidReconfigurationLeavesTheOldConfigInForce() {
    ScriptedProbe p = probe("p");
    HealthRegistry health = registry(config(3), p);
    HealthConfig before = health.config();
    assertThatThrownBy(() -> health.reconfigure(b -> b.timeout(Duration.ofSeconds(10))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be less than interval (10s), was 10s");
    assertThat(health.config()).isSameAs(before);
    assertThat(events).isEmpty();
  }

  @Test
  void reconfiguringToAnEqualConfigChangesNothing() {
    HealthRegistry health = registry(config(3), probe("p"));
    health.reconfigure(config(3));
    assertThat(events).isEmpty();
  }

  @Test
  void overridesApplyToProbesRegisteredLaterAndUnmatchedOnesAreListed() {
    HealthConfig cfg =
        config(3).toBuilder()
            .probe("vector-store", ProbeOverride.builder().failureThreshold(1).build())
            .probe("typo-store", ProbeOverride.enabled(false))
            .build();
    HealthRegistry health = registry(cfg);
    ScriptedProbe vs = probe("vector-store").fails(new RuntimeException("x"));
    health.register(vs);
    clock.runDueTasks();
    assertThat(health.status("vector-store")).isEqualTo(HealthStatus.DOWN);
    assertThat(health.describe().get("unmatchedOverrides")).isEqualTo(List.of("typo-store"));
  }

  // -------------------------------------------------------------------------------------------
  // Timeouts (single-threaded: the check itself moves the fake clock)

  @Test
  void aCheckThatOverrunsItsTimeoutIsInterruptedAndCountsAsFailed() {
    boolean[] sawInterrupt = {false};
    ScriptedProbe slow =
        probe("slow")
            .does(
                () -> {
                  clock.advance(TIMEOUT); // the timeout fires while the check is running
                  sawInterrupt[0] = Thread.currentThread().isInterrupted();
                  return HealthCheckResult.up(); // too late: ignored
                });
    HealthRegistry health = registry(config(3), slow);
    clock.runDueTasks();
    assertThat(sawInterrupt[0]).isTrue();
    assertThat(Thread.currentThread().isInterrupted())
        .as("the interrupt is cleared once the check returns")
        .isFalse();
    ProbeReport r = health.report("slow");
    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.lastReason()).isEqualTo(HealthReason.TIMEOUT);
    assertThat(r.timeouts()).isEqualTo(1);
    assertThat(r.runs()).isEqualTo(1);
    assertThat(r.lastDuration()).isEqualTo(TIMEOUT);
    assertThat(r.lastError()).isEqualTo("no result within 2s; the check was interrupted");
    assertThat(r.running()).isFalse();
    HealthEvent.ProbeTimedOut timedOut = (HealthEvent.ProbeTimedOut) events.get(0);
    assertThat(timedOut.interrupted()).isTrue();
    assertThat(timedOut.timeout()).isEqualTo(TIMEOUT);
    assertThat(timedOut.timestamp()).isEqualTo(FakeClock.DEFAULT_WALL_START.plus(TIMEOUT));
  }

  @Test
  void aCheckThatFinishesJustBeforeItsTimeoutSucceeds() {
    ScriptedProbe slow =
        probe("slow")
            .does(
                () -> {
                  clock.advance(TIMEOUT.minusNanos(1));
                  return HealthCheckResult.up();
                });
    HealthRegistry health = registry(config(3), slow);
    clock.runDueTasks();
    assertThat(health.report("slow").lastReason()).isEqualTo(HealthReason.PROBE_UP);
    assertThat(clock.pendingTasks()).as("the timeout was cancelled").isEqualTo(1);
  }

  @Test
  void aRunWaitingForAThreadPastItsTimeoutIsDroppedAndCountsAsFailed() {
    ManualExecutor executor = new ManualExecutor();
    ScriptedProbe p = probe("p");
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(executor)
            .config(config(3))
            .probe(p)
            .build();
    created.add(health);
    health.subscribe(events::add);
    clock.runDueTasks();
    assertThat(executor.queued()).isEqualTo(1);
    assertThat(health.report("p").running()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(health.report("p").runningFor()).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    ProbeReport r = health.report("p");
    assertThat(r.lastReason()).isEqualTo(HealthReason.TIMEOUT);
    assertThat(r.running()).isFalse();
    assertThat(r.lastError()).contains("still waiting for a probe thread");
    assertThat(((HealthEvent.ProbeTimedOut) events.get(0)).interrupted()).isFalse();
    executor.runAll();
    assertThat(p.calls()).as("a dropped run never calls the check").isZero();
    clock.advance(INTERVAL.minus(TIMEOUT)); // to the next due time, 10s
    executor.runAll();
    assertThat(p.calls()).isEqualTo(1);
    assertThat(health.status("p")).isEqualTo(HealthStatus.UP);
  }

  @Test
  void aHungCheckIgnoringInterruptsMakesLaterRunsSkipAndCountUntilItReturns() {
    int[] interruptsSeen = {0};
    ScriptedProbe stuck =
        probe("stuck")
            .does(
                () -> {
                  // Hangs for three and a half intervals, ignoring the interrupt.
                  clock.advance(INTERVAL.multipliedBy(3).plus(INTERVAL.dividedBy(2)));
                  if (Thread.interrupted()) {
                    interruptsSeen[0]++;
                  }
                  return HealthCheckResult.up();
                });
    HealthRegistry health = registry(config(3), stuck);
    long t0 = clock.nanoTime();
    clock.runDueTasks();
    assertThat(interruptsSeen[0]).isEqualTo(1);
    assertThat(stuck.calls()).as("runs never overlap").isEqualTo(1);
    ProbeReport r = health.report("stuck");
    assertThat(r.timeouts()).isEqualTo(1);
    assertThat(r.skippedRuns()).isEqualTo(3);
    assertThat(r.failures()).isEqualTo(4);
    assertThat(r.consecutiveFailures()).isEqualTo(4);
    assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(r.running()).isFalse();
    assertThat(r.runs()).as("skips are not runs").isEqualTo(1);

    List<HealthEvent.RunSkipped> skips = new ArrayList<>();
    events.forEach(
        e -> {
          if (e instanceof HealthEvent.RunSkipped) {
            skips.add((HealthEvent.RunSkipped) e);
          }
        });
    assertThat(skips).extracting(HealthEvent.RunSkipped::countedAsFailure).containsOnly(true);
    assertThat(skips)
        .extracting(HealthEvent.RunSkipped::runningFor)
        .containsExactly(INTERVAL, INTERVAL.multipliedBy(2), INTERVAL.multipliedBy(3));
    assertThat(statusChanges())
        .extracting(HealthEvent.StatusChanged::to, HealthEvent.StatusChanged::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(HealthStatus.DEGRADED, HealthReason.TIMEOUT),
            org.assertj.core.groups.Tuple.tuple(HealthStatus.DOWN, HealthReason.STILL_RUNNING));

    // It returned at 35s; the run due at 40s happens normally.
    stuck.answers(HealthCheckResult.up());
    clock.advance(Duration.ofSeconds(5));
    assertThat(stuck.calledAt()).hasSize(2).last().isEqualTo(t0 + sec(40));
    assertThat(health.status("stuck")).isEqualTo(HealthStatus.UP);
  }

  // -------------------------------------------------------------------------------------------
  // Aggregate, registration and reporting

  @Test
  void theAggregateIsTheWorstAndDegradedNeverMakesItDown() {
    List<ScriptedProbe> probes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      probes.add(probe("p" + i).answers(HealthCheckResult.degraded("slow")));
    }
    ScriptedProbe ok = probe("ok");
    HealthRegistry health = registry(config(3));
    assertThat(health.status()).as("no sources at all").isEqualTo(HealthStatus.UP);
    health.register(ok);
    probes.forEach(health::register);
    clock.runDueTasks();
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);

    ScriptedProbe broken = probe("broken").fails(new RuntimeException("x"));
    health.register(broken);
    health.reconfigure(b -> b.failureThreshold(1));
    clock.runDueTasks();
    assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
    health.remove("broken");
    assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void removedProbesStopRunningAndAreUnknown() {
    ScriptedProbe p = probe("p");
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    assertThat(health.remove("p")).containsSame(p);
    assertThat(health.remove("p")).isEmpty();
    assertThat(health.remove(null)).isEmpty();
    clock.advance(Duration.ofMinutes(5));
    assertThat(p.calls()).isEqualTo(1);
    assertThat(clock.pendingTasks()).isZero();
    assertThat(health.find("p")).isEmpty();
    assertThat(health.names()).isEmpty();
    assertThatThrownBy(() -> health.report("p"))
        .isInstanceOf(UnknownInstanceException.class)
        .hasMessage("unknown health probe 'p': the registry is strict and knows only []");
    health.register(p);
    clock.runDueTasks();
    assertThat(p.calls()).as("a name can be registered again").isEqualTo(2);
  }

  @Test
  void describeHasStatusesTimesDurationsErrorsAndConfig() {
    ScriptedProbe db =
        probe("db")
            .does(
                () -> {
                  clock.advance(Duration.ofMillis(250));
                  throw new java.io.IOException("reset by peer");
                });
    ScriptedProbe cache = probe("cache");
    HealthRegistry health = registry(config(3), db, cache);
    clock.runDueTasks();
    Map<String, Object> d = health.describe();
    assertThat(d.get("status")).isEqualTo("DEGRADED");
    assertThat(d).containsKeys("probes", "breakers", "config", "unmatchedOverrides", "closed");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> probes = (Map<String, Map<String, Object>>) d.get("probes");
    assertThat(probes.keySet()).containsExactly("cache", "db");
    Map<String, Object> dbMap = probes.get("db");
    assertThat(dbMap)
        .containsEntry("status", "DEGRADED")
        .containsEntry("enabled", true)
        .containsEntry("consecutiveFailures", 1)
        .containsEntry("lastReason", "PROBE_ERROR")
        .containsEntry("lastError", "java.io.IOException: reset by peer")
        .containsEntry("lastDurationMillis", 250.0)
        .containsEntry("lastCheckedAt", FakeClock.DEFAULT_WALL_START.plusMillis(250).toString())
        .containsEntry("lastSuccessAt", null)
        .containsEntry("running", false);
    assertThat(dbMap.get("totals"))
        .isEqualTo(Map.of("runs", 1L, "failures", 1L, "timeouts", 0L, "skippedRuns", 0L));
    assertThat(dbMap.get("settings"))
        .isEqualTo(
            Map.of("enabled", true, "interval", "10s", "timeout", "2s", "failureThreshold", 3));
    assertThat(probes.get("cache")).containsEntry("status", "UP");
    assertThat(d.get("config"))
        .isEqualTo(
            Map.of("interval", "10s", "timeout", "2s", "failureThreshold", 3, "probes", Map.of()));
    assertThat(health.reports()).extracting(ProbeReport::name).containsExactly("cache", "db");
  }

  @Test
  void aListenerMayCallBackIntoTheRegistryAndEventsStayInOrder() {
    ScriptedProbe p = probe("p").fails(new RuntimeException("x"));
    HealthRegistry health = registry(config(1), p);
    List<String> seen = new ArrayList<>();
    health.subscribe(
        e -> {
          seen.add(e.getClass().getSimpleName());
          if (e instanceof HealthEvent.StatusChanged
              && ((HealthEvent.StatusChanged) e).to() == HealthStatus.DOWN) {
            health.describe();
            health.reconfigure(b -> b.failureThreshold(3));
          }
        });
    clock.runDueTasks();
    assertThat(seen)
        .containsExactly("ProbeFailed", "StatusChanged", "ConfigChanged", "StatusChanged");
    assertThat(health.status("p")).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void aThrowingListenerIsCountedAndBreaksNothing() {
    ScriptedProbe p = probe("p").fails(new RuntimeException("x"));
    HealthRegistry health = registry(config(3), p);
    health.subscribe(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    clock.runDueTasks();
    clock.advance(INTERVAL);
    // ProbeFailed, StatusChanged (UP -> DEGRADED), ProbeFailed: each reached the throwing listener.
    assertThat(health.listenerFailures()).isEqualTo(3);
    assertThat(health.report("p").consecutiveFailures()).isEqualTo(2);
    assertThat(events).hasSize(3);
  }

  @Test
  void closeCancelsEverythingAndRefusesNewProbes() {
    ScriptedProbe p = probe("p");
    HealthRegistry health = registry(config(3), p);
    clock.runDueTasks();
    health.close();
    health.close();
    assertThat(health.isClosed()).isTrue();
    assertThat(clock.pendingTasks()).isZero();
    clock.advance(Duration.ofMinutes(5));
    assertThat(p.calls()).isEqualTo(1);
    assertThat(health.status()).isEqualTo(HealthStatus.UP);
    assertThatThrownBy(() -> health.register(probe("q")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the health registry is closed; health probe 'q' was not registered");
  }

  @Test
  void wallClockTimesComeFromTheInjectedClock() {
    FakeClock late = FakeClock.startingAt(Long.MAX_VALUE - 5_000_000_000L);
    ScriptedProbe p = new ScriptedProbe("p", late);
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(late)
            .scheduler(late)
            .executor(Runnable::run)
            .config(config(3))
            .probe(p)
            .build();
    created.add(health);
    late.advance(Duration.ofSeconds(25)); // the monotonic clock wraps past Long.MAX_VALUE
    assertThat(p.calls()).isEqualTo(3);
    assertThat(health.report("p").lastCheckedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:20Z"));
  }
}
