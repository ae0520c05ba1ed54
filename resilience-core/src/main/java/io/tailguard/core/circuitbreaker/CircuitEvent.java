package io.tailguard.core.circuitbreaker;

import io.tailguard.core.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The events of a circuit breaker. Immutable and thread-safe.
 *
 * <p>The global fuse of a {@link CircuitBreakerRegistry} publishes {@link StateTransition}s under
 * the name {@value GlobalFuse#NAME}.
 */
public sealed interface CircuitEvent extends ResilienceEvent {

  /**
   * The breaker moved from one state to another.
   *
   * @param name the breaker
   * @param timestamp when
   * @param from the previous state
   * @param to the new state
   * @param reason why
   * @param metrics the breaker's figures right after the transition
   */
  record StateTransition(
      String name,
      Instant timestamp,
      CircuitState from,
      CircuitState to,
      TransitionReason reason,
      CircuitMetrics metrics)
      implements CircuitEvent {}

  /**
   * The breaker refused a call.
   *
   * @param name the breaker
   * @param timestamp when
   * @param reason why
   * @param retryAfter the suggested wait before trying again
   */
  record CallRejected(
      String name, Instant timestamp, CircuitRejectedException.Reason reason, Duration retryAfter)
      implements CircuitEvent {}

  /**
   * The breaker took a new configuration.
   *
   * @param name the breaker
   * @param timestamp when
   * @param previous the old configuration
   * @param current the new configuration
   */
  record ConfigChanged(
      String name, Instant timestamp, CircuitConfig previous, CircuitConfig current)
      implements CircuitEvent {}
}
