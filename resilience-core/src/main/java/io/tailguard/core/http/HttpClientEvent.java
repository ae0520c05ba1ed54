package io.tailguard.core.http;

import io.tailguard.core.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The events of an {@link HttpClientGuard}, made for meters: tags come from bounded sets (the
 * client's name, the {@linkplain HttpClientGuard#hostTag host tag}, the method, the outcome).
 *
 * <p>Events are immutable and thread-safe.
 */
public sealed interface HttpClientEvent extends ResilienceEvent {

  /** How an attempt ended. */
  enum Outcome {
    /** A response with a status below 500. */
    SUCCESS,
    /** A response with a status of 500 or more, or no response (an {@link java.io.IOException}). */
    FAILURE,
    /** The host's breaker refused the attempt: nothing was sent. */
    REJECTED,
    /** The attempt lost a hedge race, or its call ended, and it was cancelled. */
    CANCELLED
  }

  /**
   * One attempt ended.
   *
   * @param name the client's name
   * @param timestamp when it ended
   * @param host the host tag ({@code host:port}, or {@code other} beyond {@code max-hosts})
   * @param method the request's method
   * @param status the response's status, or -1 if there was none
   * @param outcome how it ended
   * @param duration how long it took, from sending to the end
   * @param attempt the attempt's number within its try (0 for the primary, then the hedges)
   * @param hedge whether it was a hedge
   */
  record AttemptFinished(
      String name,
      Instant timestamp,
      String host,
      String method,
      int status,
      Outcome outcome,
      Duration duration,
      int attempt,
      boolean hedge)
      implements HttpClientEvent {}
}
