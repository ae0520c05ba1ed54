package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of a {@link HealthProbe} found: a status and details for the report (a version, a
 * latency, a free-disk figure, a reason).
 *
 * <p>A probe's own status is interpreted by the {@link HealthRegistry}: {@link HealthStatus#UP} and
 * {@link HealthStatus#DEGRADED} are successful checks reported as they are; {@link
 * HealthStatus#DOWN} counts as a failed check, exactly as if the probe had thrown, so it is damped
 * by {@code failureThreshold} like any other failure. See {@code docs/health.md}.
 *
 * <p>The details keep the order they were given in. Keys must be non-blank and values non-null, so
 * the report never shows a hole.
 *
 * @param status the status the probe reports
 * @param details facts about the check for the report; unmodifiable, never {@code null}
 */
public record HealthCheckResult(HealthStatus status, Map<String, Object> details) {

  private static final HealthCheckResult UP = new HealthCheckResult(HealthStatus.UP, Map.of());

  /**
   * Validates and copies the details.
   *
   * @throws IllegalArgumentException if the status or the details are {@code null}, or a key is
   *     {@code null} or blank, or a value is {@code null}
   */
  public HealthCheckResult {
    if (status == null) {
      throw new IllegalArgumentException("status must be one of [UP, DEGRADED, DOWN], was null");
    }
    if (details == null) {
      throw new IllegalArgumentException("details must not be null (use an empty map)");
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : details.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "details keys must not be null or blank, was "
                + (key == null ? "null" : "'" + key + "'"));
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("details['" + key + "'] must not be null");
      }
      copy.put(key, e.getValue());
    }
    details = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns a result saying UP with no details.
   *
   * @return the result
   */
  public static HealthCheckResult up() {
    return UP;
  }

  /**
   * Returns a result saying UP.
   *
   * @param details facts for the report
   * @return the result
   */
  public static HealthCheckResult up(Map<String, Object> details) {
    return new HealthCheckResult(HealthStatus.UP, details);
  }

  /**
   * Returns a result saying DEGRADED: the dependency answers but is impaired. Not a failure.
   *
   * @param reason why, shown under the detail {@code reason}
   * @return the result
   */
  public static HealthCheckResult degraded(String reason) {
    return new HealthCheckResult(HealthStatus.DEGRADED, reasonDetail(reason));
  }

  /**
   * Returns a result saying DOWN. It counts as a failed check.
   *
   * @param reason why, shown under the detail {@code reason}
   * @return the result
   */
  public static HealthCheckResult down(String reason) {
    return new HealthCheckResult(HealthStatus.DOWN, reasonDetail(reason));
  }

  /**
   * Returns a result with a status and details.
   *
   * @param status the status
   * @param details facts for the report
   * @return the result
   */
  public static HealthCheckResult of(HealthStatus status, Map<String, Object> details) {
    return new HealthCheckResult(status, details);
  }

  /**
   * Returns a copy with one more detail (replacing one of the same key).
   *
   * @param key the key, not blank
   * @param value the value, not {@code null}
   * @return the new result
   */
  public HealthCheckResult withDetail(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(details);
    copy.put(key, value);
    return new HealthCheckResult(status, copy);
  }

  private static Map<String, Object> reasonDetail(String reason) {
    if (reason == null) {
      throw new IllegalArgumentException("reason must not be null");
    }
    return Map.of("reason", reason);
  }
}
