package io.tailguard.core.retry;

import io.tailguard.core.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The events of a {@link Retrier}. Immutable and thread-safe (the failures they carry are the
 * caller's exceptions and should not be changed by listeners).
 */
public sealed interface RetryEvent extends ResilienceEvent {

  /**
   * An attempt failed (or returned an unacceptable result) and another was scheduled.
   *
   * @param name the retrier
   * @param timestamp when
   * @param attempt the number of the attempt that will run, from 2
   * @param delay how long the call waits before it
   * @param failure what the failed attempt threw, or {@code null} if it returned an unacceptable
   *     result
   */
  record RetryScheduled(
      String name, Instant timestamp, int attempt, Duration delay, Throwable failure)
      implements RetryEvent {}

  /**
   * A call got an answer.
   *
   * @param name the retrier
   * @param timestamp when
   * @param attempts how many attempts it made
   * @param latency how long the call took, waits included
   */
  record Succeeded(String name, Instant timestamp, int attempts, Duration latency)
      implements RetryEvent {}

  /**
   * A call made every attempt allowed without an answer.
   *
   * @param name the retrier
   * @param timestamp when
   * @param attempts how many attempts it made
   * @param failure the last failure, or {@code null} if the last attempt returned an unacceptable
   *     result
   * @param latency how long the call took
   */
  record Exhausted(
      String name, Instant timestamp, int attempts, Throwable failure, Duration latency)
      implements RetryEvent {}

  /**
   * A call ended on a failure not worth retrying, or was interrupted or cancelled.
   *
   * @param name the retrier
   * @param timestamp when
   * @param attempts how many attempts it made
   * @param failure the failure, or the {@link InterruptedException} or {@link
   *     java.util.concurrent.CancellationException} that stopped the call
   * @param latency how long the call took
   */
  record NotRetryable(
      String name, Instant timestamp, int attempts, Throwable failure, Duration latency)
      implements RetryEvent {}

  /**
   * A retry was wanted but the budget had none left; the call ended with its last failure.
   *
   * @param name the retrier
   * @param timestamp when
   * @param attempts how many attempts it made
   * @param failure the last failure, or {@code null} if the last attempt returned an unacceptable
   *     result
   * @param latency how long the call took
   */
  record BudgetExhausted(
      String name, Instant timestamp, int attempts, Throwable failure, Duration latency)
      implements RetryEvent {}

  /**
   * The retrier took a new policy.
   *
   * @param name the retrier
   * @param timestamp when
   * @param previous the old policy
   * @param current the new policy
   */
  record ConfigChanged(String name, Instant timestamp, RetryPolicy previous, RetryPolicy current)
      implements RetryEvent {}
}
