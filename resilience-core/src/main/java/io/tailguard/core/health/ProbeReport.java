package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one probe's health: its status, the outcome of its last run, and its counters.
 *
 * @param name the probe
 * @param settings the settings it runs with
 * @param status its status; {@link HealthStatus#UP} before its first run
 * @param consecutiveFailures the current run of failures
 * @param lastReason the outcome of the last run, or {@code null} before the first
 * @param details the details of the last result the check returned (empty after an error or a
 *     timeout)
 * @param lastCheckedAt wall time the last run ended (result, failure or timeout), or {@code null}
 * @param lastSuccessAt wall time of the last UP or DEGRADED result, or {@code null}
 * @param lastError what went wrong last, or {@code null} if nothing has failed yet
 * @param lastDuration how long the last run took, from its due time to its end, or {@code null}
 * @param runningFor how long the run in progress has been going, from its due time, or {@code null}
 *     if none is
 * @param runs how many runs have ended (including failures and timeouts; skipped runs excluded)
 * @param failures how many failures have been counted (including timeouts and counted skips)
 * @param timeouts how many runs timed out
 * @param skippedRuns how many runs were skipped because the previous one was still going
 */
public record ProbeReport(
    String name,
    HealthConfig.ProbeSettings settings,
    HealthStatus status,
    int consecutiveFailures,
    HealthReason lastReason,
    Map<String, Object> details,
    Instant lastCheckedAt,
    Instant lastSuccessAt,
    String lastError,
    Duration lastDuration,
    Duration runningFor,
    long runs,
    long failures,
    long timeouts,
    long skippedRuns) {

  /**
   * Returns whether the probe runs and counts toward the aggregate status.
   *
   * @return {@code settings().enabled()}
   */
  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Returns whether a run is in progress (its check running, or waiting for a probe thread).
   *
   * @return {@code runningFor() != null}
   */
  public boolean running() {
    return runningFor != null;
  }

  /**
   * Returns the report as an ordered map of plain values (times as ISO-8601 text, durations in
   * milliseconds), for {@link HealthRegistry#describe()}.
   *
   * @return the report
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("enabled", settings.enabled());
    m.put("status", status.name());
    m.put("consecutiveFailures", consecutiveFailures);
    m.put("lastReason", lastReason == null ? null : lastReason.name());
    m.put("lastCheckedAt", lastCheckedAt == null ? null : lastCheckedAt.toString());
    m.put("lastSuccessAt", lastSuccessAt == null ? null : lastSuccessAt.toString());
    m.put("lastDurationMillis", lastDuration == null ? null : lastDuration.toNanos() / 1e6);
    m.put("lastError", lastError);
    m.put("details", details);
    m.put("running", runningFor != null);
    m.put("runningForMillis", runningFor == null ? null : runningFor.toNanos() / 1e6);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("runs", runs);
    totals.put("failures", failures);
    totals.put("timeouts", timeouts);
    totals.put("skippedRuns", skippedRuns);
    m.put("totals", totals);
    m.put("settings", settings.toMap());
    return m;
  }
}
