package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.internal.Durations;
import io.tailguard.core.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one probe, fed by the outcomes of its runs: its status, its run of failures, its
 * counters and last result, and the events and log lines its changes cause. {@link ProbeScheduler}
 * decides when a run starts and ends and tells this class how it ended; this class decides what
 * that does to the status.
 *
 * <p>The rules: one failure (an error, a {@code null} result, a DOWN result, a timeout, a refused
 * run, or a skip while a timed-out run is still going) makes the probe DEGRADED, {@code
 * failureThreshold} failures in a row make it DOWN, and an UP or DEGRADED result sets the status to
 * that result and ends the run of failures. A probe that has not finished a run is UP. A new
 * threshold re-derives the status of a failing probe ({@link HealthReason#THRESHOLD_CHANGED}).
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
final class ProbeState {

  /*
   * Concurrency. Every mutable field is guarded by this object's monitor. `snapshot` (volatile)
   * is an immutable ProbeReport rebuilt under the monitor after every change, so readers never
   * lock. Changes enqueue their events in `pending` under the monitor; deliver() then hands them
   * to the listeners outside the monitor, one thread at a time (`delivering`), so the events of
   * one probe arrive in order and a listener may call back into the registry.
   *
   * Lock order: a ProbeScheduler.Probe's monitor may be held while this monitor is taken (by
   * applySettings), never the other way round; no monitor is held while listeners run.
   */

  /** A time that has not happened yet: no run has ended, no run is in progress. */
  static final long NEVER = Long.MIN_VALUE;

  // Logged under the registry's name: that is the logger users configure.
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

  private final String name;
  private final Clock clock;
  private final EventListeners<HealthEvent> listeners;
  private volatile ProbeReport snapshot;

  // Guarded by this object's monitor.
  private HealthConfig.ProbeSettings settings;
  private HealthStatus status = HealthStatus.UP;
  private int consecutiveFailures;
  private HealthReason lastReason;
  private Map<String, Object> details = Map.of();
  private long lastCheckedAtMillis = NEVER;
  private long lastSuccessAtMillis = NEVER;
  private String lastError;
  private long lastDurationNanos = NEVER;
  private long runs;
  private long failures;
  private long timeouts;
  private long skippedRuns;
  private final ArrayDeque<HealthEvent> pending = new ArrayDeque<>();
  private boolean delivering;

  /**
   * Creates the state of a probe that has not run yet (UP).
   *
   * @param name the probe's name
   * @param settings its settings
   * @param clock timestamps and durations
   * @param listeners told about failures, skips and status changes
   */
  ProbeState(
      String name,
      HealthConfig.ProbeSettings settings,
      Clock clock,
      EventListeners<HealthEvent> listeners) {
    this.name = name;
    this.settings = settings;
    this.clock = clock;
    this.listeners = listeners;
    synchronized (this) {
      this.snapshot = buildSnapshot();
    }
  }

  String name() {
    return name;
  }

  /** The last snapshot, without {@code runningFor}; lock-free. */
  ProbeReport snapshot() {
    return snapshot;
  }

  /**
   * Returns the snapshot, with {@code runningFor} set when a run is in progress.
   *
   * @param runningSinceNanos the due time of the run in progress, or {@link #NEVER} if none is
   */
  ProbeReport report(long runningSinceNanos) {
    ProbeReport r = snapshot;
    if (runningSinceNanos == NEVER) {
      return r;
    }
    return new ProbeReport(
        r.name(),
        r.settings(),
        r.status(),
        r.consecutiveFailures(),
        r.lastReason(),
        r.details(),
        r.lastCheckedAt(),
        r.lastSuccessAt(),
        r.lastError(),
        r.lastDuration(),
        Duration.ofNanos(Math.max(0, clock.nanoTime() - runningSinceNanos)),
        r.runs(),
        r.failures(),
        r.timeouts(),
        r.skippedRuns());
  }

  /**
   * Takes new settings. A new failure threshold re-derives the status of a failing probe. The
   * events this causes are queued: the caller calls {@link #deliver()} once it holds no lock.
   */
  void applySettings(HealthConfig.ProbeSettings next) {
    synchronized (this) {
      HealthConfig.ProbeSettings prev = settings;
      settings = next;
      if (next.failureThreshold() != prev.failureThreshold() && consecutiveFailures > 0) {
        HealthStatus from = status;
        status =
            consecutiveFailures >= next.failureThreshold()
                ? HealthStatus.DOWN
                : HealthStatus.DEGRADED;
        announce(from, HealthReason.THRESHOLD_CHANGED);
      }
      snapshot = buildSnapshot();
    }
  }

  // -- outcomes

  /**
   * Records the end of a run whose check returned or threw.
   *
   * @param startNanos the run's due time
   * @param result what the check returned; {@code null} is a failure
   * @param failure what it threw, or {@code null}
   * @param endNanos when it ended
   */
  void recordResult(long startNanos, HealthCheckResult result, Throwable failure, long endNanos) {
    if (failure != null) {
      recordFailure(startNanos, HealthReason.PROBE_ERROR, text(failure), failure, endNanos);
    } else if (result == null) {
      recordFailure(
          startNanos,
          HealthReason.PROBE_ERROR,
          "check() returned null instead of a HealthCheckResult",
          null,
          endNanos);
    } else if (result.status() == HealthStatus.DOWN) {
      Object reason = result.details().get("reason");
      recordFailure(
          startNanos,
          HealthReason.PROBE_DOWN,
          "the probe reported DOWN" + (reason == null ? "" : ": " + reason),
          null,
          endNanos,
          result.details());
    } else {
      synchronized (this) {
        HealthStatus from = status;
        endRun(startNanos, endNanos);
        HealthReason reason =
            result.status() == HealthStatus.UP
                ? HealthReason.PROBE_UP
                : HealthReason.PROBE_DEGRADED;
        lastReason = reason;
        details = result.details();
        consecutiveFailures = 0;
        lastSuccessAtMillis = lastCheckedAtMillis;
        status = result.status();
        announce(from, reason);
        snapshot = buildSnapshot();
      }
      deliver();
    }
  }

  /**
   * Records the end of a run that failed without a result of the check: refused, or an error.
   *
   * @param startNanos the run's due time
   * @param reason why it failed
   * @param error what went wrong, for the report
   * @param failure the exception, or {@code null}
   * @param endNanos when it ended
   */
  void recordFailure(
      long startNanos, HealthReason reason, String error, Throwable failure, long endNanos) {
    recordFailure(startNanos, reason, error, failure, endNanos, Map.of());
  }

  private void recordFailure(
      long startNanos,
      HealthReason reason,
      String error,
      Throwable failure,
      long endNanos,
      Map<String, Object> resultDetails) {
    synchronized (this) {
      HealthStatus from = status;
      endRun(startNanos, endNanos);
      details = resultDetails;
      fail(reason, error);
      if (!listeners.isEmpty()) {
        pending.add(
            new HealthEvent.ProbeFailed(
                name, clock.instant(), reason, error, failure, consecutiveFailures));
      }
      log.atDebug()
          .addKeyValue("name", name)
          .addKeyValue("reason", reason)
          .addKeyValue("consecutive_failures", consecutiveFailures)
          .setMessage("Health probe '{}' failed: {}")
          .addArgument(name)
          .addArgument(error)
          .log();
      announce(from, reason);
      snapshot = buildSnapshot();
    }
    deliver();
  }

  /**
   * Records a run that timed out.
   *
   * @param startNanos the run's due time
   * @param timeout the timeout it had
   * @param interrupted whether its check was running (and was interrupted) rather than waiting for
   *     a thread (and was dropped)
   * @param endNanos when it timed out
   */
  void recordTimeout(long startNanos, Duration timeout, boolean interrupted, long endNanos) {
    synchronized (this) {
      HealthStatus from = status;
      endRun(startNanos, endNanos);
      timeouts++;
      details = Map.of();
      String error =
          "no result within "
              + Durations.format(timeout)
              + (interrupted
                  ? "; the check was interrupted"
                  : "; the run was still waiting for a probe thread and was dropped");
      fail(HealthReason.TIMEOUT, error);
      if (!listeners.isEmpty()) {
        pending.add(
            new HealthEvent.ProbeTimedOut(
                name, clock.instant(), timeout, interrupted, consecutiveFailures));
      }
      log.atDebug()
          .addKeyValue("name", name)
          .addKeyValue("reason", HealthReason.TIMEOUT)
          .addKeyValue("consecutive_failures", consecutiveFailures)
          .setMessage("Health probe '{}' timed out: {}")
          .addArgument(name)
          .addArgument(error)
          .log();
      announce(from, HealthReason.TIMEOUT);
      snapshot = buildSnapshot();
    }
    deliver();
  }

  /**
   * Records a run skipped because the previous one was still going. The skip counts as a failure
   * only if that run has timed out already: its check ignores the interrupt.
   *
   * @param runningSinceNanos the due time of the run still going, or {@link #NEVER} if it ended
   *     meanwhile
   * @param timedOutAfter the timeout of that run if it has timed out, else {@code null}
   * @param now when the skipped run was due
   */
  void recordSkip(long runningSinceNanos, Duration timedOutAfter, long now) {
    synchronized (this) {
      HealthStatus from = status;
      skippedRuns++;
      Duration runningFor =
          runningSinceNanos == NEVER
              ? Duration.ZERO
              : Duration.ofNanos(Math.max(0, now - runningSinceNanos));
      boolean counted = runningSinceNanos != NEVER && timedOutAfter != null;
      if (counted) {
        fail(
            HealthReason.STILL_RUNNING,
            "the run due "
                + Durations.format(runningFor)
                + " ago is still going after its timeout of "
                + Durations.format(timedOutAfter)
                + "; its check ignores the interrupt");
      }
      if (!listeners.isEmpty()) {
        pending.add(
            new HealthEvent.RunSkipped(
                name, clock.instant(), runningFor, counted, consecutiveFailures));
      }
      log.atDebug()
          .addKeyValue("name", name)
          .addKeyValue("running_for_ms", runningFor.toMillis())
          .setMessage("Health probe '{}' run skipped: the previous run is still going")
          .addArgument(name)
          .log();
      if (counted) {
        announce(from, HealthReason.STILL_RUNNING);
      }
      snapshot = buildSnapshot();
    }
    deliver();
  }

  // Called with the monitor held: the common part of every run's end.
  private void endRun(long startNanos, long endNanos) {
    runs++;
    lastCheckedAtMillis = clock.currentTimeMillis();
    lastDurationNanos = Math.max(0, endNanos - startNanos);
  }

  // Called with the monitor held.
  private void fail(HealthReason reason, String error) {
    failures++;
    if (consecutiveFailures < Integer.MAX_VALUE) {
      consecutiveFailures++;
    }
    lastReason = reason;
    lastError = error;
    status =
        consecutiveFailures >= settings.failureThreshold()
            ? HealthStatus.DOWN
            : HealthStatus.DEGRADED;
  }

  // Called with the monitor held, after `status` was updated: logs and queues a change.
  private void announce(HealthStatus from, HealthReason reason) {
    if (from == status) {
      return;
    }
    String transition = from + " -> " + status;
    (status == HealthStatus.UP ? log.atInfo() : log.atWarn())
        .addKeyValue("name", name)
        .addKeyValue("transition", transition)
        .addKeyValue("reason", reason)
        .addKeyValue("consecutive_failures", consecutiveFailures)
        .addKeyValue("error", reason.isFailure() ? lastError : null)
        .setMessage("Health probe '{}' {} ({})")
        .addArgument(name)
        .addArgument(transition)
        .addArgument(reason)
        .log();
    if (!listeners.isEmpty()) {
      pending.add(
          new HealthEvent.StatusChanged(
              name, clock.instant(), from, status, reason, consecutiveFailures));
    }
  }

  // Called with the monitor held.
  private ProbeReport buildSnapshot() {
    return new ProbeReport(
        name,
        settings,
        status,
        consecutiveFailures,
        lastReason,
        details,
        instant(lastCheckedAtMillis),
        instant(lastSuccessAtMillis),
        lastError,
        lastDurationNanos == NEVER ? null : Duration.ofNanos(lastDurationNanos),
        null,
        runs,
        failures,
        timeouts,
        skippedRuns);
  }

  /** Delivers the queued events, in order, outside the monitor, one thread at a time. */
  void deliver() {
    synchronized (this) {
      if (delivering || pending.isEmpty()) {
        return; // the thread delivering now (possibly this one, re-entered) takes them
      }
      delivering = true;
    }
    boolean done = false;
    try {
      for (; ; ) {
        HealthEvent e;
        synchronized (this) {
          e = pending.poll();
          if (e == null) {
            delivering = false;
            done = true;
            return;
          }
        }
        listeners.publish(e);
      }
    } finally {
      if (!done) {
        synchronized (this) {
          delivering = false;
        }
      }
    }
  }

  /**
   * Returns an exception's text for a report, cut at {@link HealthRegistry#MAX_ERROR_LENGTH}
   * characters so a hostile message cannot flood reports, and never throwing.
   */
  static String text(Throwable t) {
    String s;
    try {
      s = t.toString();
    } catch (RuntimeException e) {
      s = t.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
    }
    int max = HealthRegistry.MAX_ERROR_LENGTH;
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }

  private static Instant instant(long millis) {
    return millis == NEVER ? null : Instant.ofEpochMilli(millis);
  }

  @Override
  public String toString() {
    return "ProbeState[" + name + ", " + snapshot.status() + "]";
  }
}
