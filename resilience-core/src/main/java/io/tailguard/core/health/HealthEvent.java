package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The events of a {@link HealthRegistry}. {@link #name()} is the probe the event is about, except
 * for {@link ConfigChanged}, whose name is {@value HealthRegistry#NAME}.
 *
 * <p>The events of one probe are delivered in the order they happened, one at a time. A run that
 * fails publishes {@link ProbeFailed} (or {@link ProbeTimedOut}) before the {@link StatusChanged}
 * it causes.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface HealthEvent extends ResilienceEvent {

  /**
   * Returns the probe the event is about; the same as {@link #name()}.
   *
   * @return the probe's name
   */
  default String probe() {
    return name();
  }

  /**
   * A probe's status changed.
   *
   * @param name the probe
   * @param timestamp when
   * @param from the previous status
   * @param to the new status
   * @param reason the outcome that caused it
   * @param consecutiveFailures the run of failures after the change
   */
  record StatusChanged(
      String name,
      Instant timestamp,
      HealthStatus from,
      HealthStatus to,
      HealthReason reason,
      int consecutiveFailures)
      implements HealthEvent {}

  /**
   * A run failed: the check threw, returned {@code null}, returned DOWN, or the executor refused
   * it.
   *
   * @param name the probe
   * @param timestamp when
   * @param reason {@link HealthReason#PROBE_ERROR}, {@link HealthReason#PROBE_DOWN} or {@link
   *     HealthReason#REJECTED}
   * @param error what went wrong, as text
   * @param failure the exception, or {@code null} if the check returned DOWN or {@code null}
   * @param consecutiveFailures the run of failures including this one
   */
  record ProbeFailed(
      String name,
      Instant timestamp,
      HealthReason reason,
      String error,
      Throwable failure,
      int consecutiveFailures)
      implements HealthEvent {}

  /**
   * A run gave no result within its timeout and counts as failed.
   *
   * @param name the probe
   * @param timestamp when
   * @param timeout the timeout that passed
   * @param interrupted {@code true} if the check was running and its thread was interrupted, {@code
   *     false} if it was still waiting for a probe thread and will not run
   * @param consecutiveFailures the run of failures including this one
   */
  record ProbeTimedOut(
      String name,
      Instant timestamp,
      Duration timeout,
      boolean interrupted,
      int consecutiveFailures)
      implements HealthEvent {}

  /**
   * A run was due but the previous run of the same probe was still going, so it was skipped: probes
   * never overlap themselves.
   *
   * @param name the probe
   * @param timestamp when
   * @param runningFor how long the previous run has been going
   * @param countedAsFailure {@code true} if the previous run had already timed out, so the skip
   *     counts as a failure ({@link HealthReason#STILL_RUNNING})
   * @param consecutiveFailures the run of failures after the skip
   */
  record RunSkipped(
      String name,
      Instant timestamp,
      Duration runningFor,
      boolean countedAsFailure,
      int consecutiveFailures)
      implements HealthEvent {}

  /**
   * The registry took a new configuration.
   *
   * @param name {@value HealthRegistry#NAME}
   * @param timestamp when
   * @param previous the old configuration
   * @param current the new configuration
   */
  record ConfigChanged(String name, Instant timestamp, HealthConfig previous, HealthConfig current)
      implements HealthEvent {}
}
