package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The health one probe's runs feed, without a scheduler: each outcome is handed to the state as the
 * scheduler would, and the status, counters, texts and events are read back.
 */
class ProbeStateTest {

  static final Duration TIMEOUT = Duration.ofSeconds(2);

  final FakeClock clock = new FakeClock();
  final EventListeners<HealthEvent> listeners = new EventListeners<>();
  final List<HealthEvent> events = new CopyOnWriteArrayList<>();

  ProbeState state(int failureThreshold) {
    listeners.subscribe(events::add);
    return new ProbeState("db", settings(failureThreshold), clock, listeners);
  }

  static HealthConfig.ProbeSettings settings(int failureThreshold) {
    return new HealthConfig.ProbeSettings(true, Duration.ofSeconds(10), TIMEOUT, failureThreshold);
  }

  /** A run due now that takes {@code millis}, then its end time. */
  long[] run(long millis) {
    long start = clock.nanoTime();
    clock.advanceMillis(millis);
    return new long[] {start, clock.nanoTime()};
  }

  void fail(ProbeState s) {
    long[] r = run(5);
    s.recordResult(r[0], null, new IOException("refused"), r[1]);
  }

  void up(ProbeState s) {
    long[] r = run(5);
    s.recordResult(r[0], HealthCheckResult.up(), null, r[1]);
  }

  List<String> transitions() {
    List<String> t = new ArrayList<>();
    for (HealthEvent e : events) {
      if (e instanceof HealthEvent.StatusChanged c) {
        t.add(c.from() + "->" + c.to() + ":" + c.reason());
      }
    }
    return t;
  }

  @Test
  void startsUpWithNothingRecorded() {
    ProbeState s = state(3);
    ProbeReport r = s.snapshot();
    assertThat(r.name()).isEqualTo("db");
    assertThat(r.status()).isEqualTo(HealthStatus.UP);
    assertThat(r.lastReason()).isNull();
    assertThat(r.lastCheckedAt()).isNull();
    assertThat(r.lastSuccessAt()).isNull();
    assertThat(r.lastDuration()).isNull();
    assertThat(r.runningFor()).isNull();
    assertThat(r.runs()).isZero();
    assertThat(s.report(ProbeState.NEVER)).isSameAs(r);
    assertThat(events).isEmpty();
  }

  @Test
  void degradedAfterOneFailureDownAtTheThresholdUpAfterASuccess() {
    ProbeState s = state(3);
    fail(s);
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DEGRADED);
    fail(s);
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DEGRADED);
    fail(s);
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(s.snapshot().consecutiveFailures()).isEqualTo(3);
    assertThat(s.snapshot().lastError()).isEqualTo("java.io.IOException: refused");
    assertThat(s.snapshot().lastSuccessAt()).isNull();

    clock.advance(Duration.ofSeconds(1));
    up(s);
    ProbeReport r = s.snapshot();
    assertThat(r.status()).isEqualTo(HealthStatus.UP);
    assertThat(r.consecutiveFailures()).isZero();
    assertThat(r.lastReason()).isEqualTo(HealthReason.PROBE_UP);
    assertThat(r.lastSuccessAt()).isEqualTo(r.lastCheckedAt()).isNotNull();
    assertThat(r.lastError()).as("the last error stays visible").contains("refused");
    assertThat(r.runs()).isEqualTo(4);
    assertThat(r.failures()).isEqualTo(3);
    assertThat(r.lastDuration()).isEqualTo(Duration.ofMillis(5));
    assertThat(transitions())
        .containsExactly(
            "UP->DEGRADED:PROBE_ERROR", "DEGRADED->DOWN:PROBE_ERROR", "DOWN->UP:PROBE_UP");
    assertThat(events)
        .filteredOn(e -> e instanceof HealthEvent.ProbeFailed)
        .extracting(e -> ((HealthEvent.ProbeFailed) e).consecutiveFailures())
        .containsExactly(1, 2, 3);
  }

  @Test
  void aThresholdOfOneGoesStraightDown() {
    ProbeState s = state(1);
    fail(s);
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(transitions()).containsExactly("UP->DOWN:PROBE_ERROR");
  }

  @Test
  void degradedResultSetsDegradedAndEndsTheRunOfFailures() {
    ProbeState s = state(2);
    fail(s);
    long[] r = run(1);
    s.recordResult(r[0], HealthCheckResult.degraded("slow"), null, r[1]);
    ProbeReport report = s.snapshot();
    assertThat(report.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(report.consecutiveFailures()).isZero();
    assertThat(report.lastReason()).isEqualTo(HealthReason.PROBE_DEGRADED);
    assertThat(report.details()).containsEntry("reason", "slow");
    assertThat(report.lastSuccessAt()).isNotNull();
    fail(s);
    assertThat(s.snapshot().status())
        .as("one failure again, below 2")
        .isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void downResultAndNullResultAreFailures() {
    ProbeState s = state(5);
    long[] r = run(1);
    s.recordResult(r[0], HealthCheckResult.down("disk full"), null, r[1]);
    assertThat(s.snapshot().lastReason()).isEqualTo(HealthReason.PROBE_DOWN);
    assertThat(s.snapshot().lastError()).isEqualTo("the probe reported DOWN: disk full");
    assertThat(s.snapshot().details()).containsEntry("reason", "disk full");
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DEGRADED);

    r = run(1);
    s.recordResult(r[0], null, null, r[1]);
    assertThat(s.snapshot().lastReason()).isEqualTo(HealthReason.PROBE_ERROR);
    assertThat(s.snapshot().lastError())
        .isEqualTo("check() returned null instead of a HealthCheckResult");
    assertThat(s.snapshot().details()).isEmpty();
    assertThat(s.snapshot().consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void timeoutSaysWhetherTheCheckWasInterruptedOrDropped() {
    ProbeState s = state(5);
    long[] r = run(2000);
    s.recordTimeout(r[0], TIMEOUT, true, r[1]);
    assertThat(s.snapshot().lastReason()).isEqualTo(HealthReason.TIMEOUT);
    assertThat(s.snapshot().lastError())
        .isEqualTo("no result within 2s; the check was interrupted");
    r = run(2000);
    s.recordTimeout(r[0], TIMEOUT, false, r[1]);
    assertThat(s.snapshot().lastError())
        .isEqualTo(
            "no result within 2s; the run was still waiting for a probe thread and was dropped");
    assertThat(s.snapshot().timeouts()).isEqualTo(2);
    assertThat(s.snapshot().failures()).isEqualTo(2);
    assertThat(s.snapshot().runs()).isEqualTo(2);
    assertThat(events)
        .filteredOn(e -> e instanceof HealthEvent.ProbeTimedOut)
        .extracting(e -> ((HealthEvent.ProbeTimedOut) e).interrupted())
        .containsExactly(true, false);
  }

  @Test
  void aSkipCountsAsAFailureOnlyWhenTheRunStillGoingHasTimedOut() {
    ProbeState s = state(2);
    long due = clock.nanoTime();
    clock.advance(Duration.ofSeconds(10));
    s.recordSkip(due, null, clock.nanoTime());
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.UP);
    assertThat(s.snapshot().skippedRuns()).isEqualTo(1);
    assertThat(s.snapshot().failures()).isZero();

    s.recordSkip(ProbeState.NEVER, null, clock.nanoTime());
    assertThat(s.snapshot().skippedRuns()).isEqualTo(2);
    assertThat(s.snapshot().failures()).isZero();

    s.recordSkip(due, TIMEOUT, clock.nanoTime());
    ProbeReport r = s.snapshot();
    assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(r.lastReason()).isEqualTo(HealthReason.STILL_RUNNING);
    assertThat(r.lastError())
        .isEqualTo(
            "the run due 10s ago is still going after its timeout of 2s; its check ignores the"
                + " interrupt");
    assertThat(r.runs()).as("a skip is not a run").isZero();
    assertThat(events)
        .filteredOn(e -> e instanceof HealthEvent.RunSkipped)
        .extracting(e -> ((HealthEvent.RunSkipped) e).countedAsFailure())
        .containsExactly(false, false, true);
  }

  @Test
  void aNewThresholdRederivesTheStatusOfAFailingProbe() {
    ProbeState s = state(3);
    fail(s);
    fail(s);
    s.applySettings(settings(2));
    s.deliver();
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(s.snapshot().settings().failureThreshold()).isEqualTo(2);
    s.applySettings(settings(5));
    s.deliver();
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(transitions())
        .containsExactly(
            "UP->DEGRADED:PROBE_ERROR",
            "DEGRADED->DOWN:THRESHOLD_CHANGED",
            "DOWN->DEGRADED:THRESHOLD_CHANGED");
  }

  @Test
  void aNewThresholdLeavesAHealthyProbeAlone() {
    ProbeState s = state(3);
    up(s);
    s.applySettings(settings(1));
    s.deliver();
    assertThat(s.snapshot().status()).isEqualTo(HealthStatus.UP);
    assertThat(transitions()).isEmpty();
  }

  @Test
  void applySettingsQueuesItsEventsUntilDeliver() {
    ProbeState s = state(3);
    fail(s);
    events.clear();
    s.applySettings(settings(1));
    assertThat(events).as("held until the caller releases its locks").isEmpty();
    s.deliver();
    assertThat(transitions()).containsExactly("DEGRADED->DOWN:THRESHOLD_CHANGED");
  }

  @Test
  void reportAddsHowLongTheRunInProgressHasBeenGoing() {
    ProbeState s = state(3);
    long due = clock.nanoTime();
    clock.advanceMillis(1500);
    ProbeReport r = s.report(due);
    assertThat(r.running()).isTrue();
    assertThat(r.runningFor()).isEqualTo(Duration.ofMillis(1500));
    assertThat(r.status()).isEqualTo(s.snapshot().status());
    assertThat(s.snapshot().runningFor()).isNull();
  }

  @Test
  void errorTextsAreCutAndNeverThrow() {
    String longText = "x".repeat(HealthRegistry.MAX_ERROR_LENGTH * 2);
    assertThat(ProbeState.text(new RuntimeException(longText)))
        .hasSize(HealthRegistry.MAX_ERROR_LENGTH + 3)
        .endsWith("...");
    RuntimeException hostile =
        new RuntimeException() {
          @Override
          public String toString() {
            throw new IllegalStateException("no");
          }
        };
    assertThat(ProbeState.text(hostile))
        .endsWith("(its toString() threw java.lang.IllegalStateException)");
  }

  @Test
  void eventsOfOneProbeArriveInOrderEvenWhenAListenerReenters() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ProbeState[] holder = new ProbeState[1];
    listeners.subscribe(
        e -> {
          seen.add(e.getClass().getSimpleName());
          if (e instanceof HealthEvent.ProbeFailed f && f.consecutiveFailures() == 1) {
            fail(holder[0]); // re-enters: its events are queued behind the ones being delivered
          }
        });
    holder[0] = new ProbeState("db", settings(2), clock, listeners);
    fail(holder[0]);
    assertThat(seen)
        .containsExactly("ProbeFailed", "StatusChanged", "ProbeFailed", "StatusChanged");
    assertThat(holder[0].snapshot().status()).isEqualTo(HealthStatus.DOWN);
  }
}
