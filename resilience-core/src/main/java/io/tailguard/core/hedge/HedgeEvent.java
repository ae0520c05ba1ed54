package io.tailguard.core.hedge;

import io.tailguard.core.event.ResilienceEvent;
import java.time.Duration;
import java.time.Instant;

/** The events of a {@link Hedger}. Immutable and thread-safe. */
public sealed interface HedgeEvent extends ResilienceEvent {

  /** Why a hedge was sent. */
  enum Trigger {
    /** Its delay passed while the earlier attempts were still running. */
    DELAY,
    /** An earlier attempt failed with a retryable exception. */
    RETRYABLE_FAILURE,
    /** An earlier attempt returned an unacceptable result. */
    UNACCEPTABLE_RESULT,
    /** Every earlier attempt had ended without an answer, so waiting was pointless. */
    ALL_ENDED
  }

  /** How a call ended. */
  enum Outcome {
    /** An attempt returned an acceptable result. */
    SUCCESS,
    /** Every attempt failed, or one failed fatally. */
    FAILURE,
    /** The timeout passed. */
    TIMEOUT,
    /** The caller cancelled the call or was interrupted. */
    CANCELLED
  }

  /**
   * An attempt started.
   *
   * @param name the hedger
   * @param timestamp when
   * @param attempt 0 for the primary
   */
  record AttemptStarted(String name, Instant timestamp, int attempt) implements HedgeEvent {}

  /**
   * A hedge was sent.
   *
   * @param name the hedger
   * @param timestamp when
   * @param attempt the hedge's attempt number
   * @param trigger why
   * @param delay the delay in force for it
   */
  record HedgeFired(String name, Instant timestamp, int attempt, Trigger trigger, Duration delay)
      implements HedgeEvent {}

  /**
   * A call ended.
   *
   * @param name the hedger
   * @param timestamp when
   * @param outcome how
   * @param winner the attempt whose answer was used, or -1
   * @param attempts how many attempts started
   * @param latency how long the call took
   */
  record CallCompleted(
      String name, Instant timestamp, Outcome outcome, int winner, int attempts, Duration latency)
      implements HedgeEvent {}

  /**
   * A hedge was wanted but the budget had no token.
   *
   * @param name the hedger
   * @param timestamp when
   */
  record BudgetExhausted(String name, Instant timestamp) implements HedgeEvent {}

  /**
   * The delay strategy failed; the warm-up delay was used instead.
   *
   * @param name the hedger
   * @param timestamp when
   * @param error what the strategy threw
   */
  record StrategyFault(String name, Instant timestamp, Throwable error) implements HedgeEvent {}

  /**
   * The executor refused an attempt; a refused primary runs on the caller's thread, unhedged.
   *
   * @param name the hedger
   * @param timestamp when
   * @param attempt the refused attempt
   */
  record ExecutorRefused(String name, Instant timestamp, int attempt) implements HedgeEvent {}

  /**
   * The hedger took a new configuration.
   *
   * @param name the hedger
   * @param timestamp when
   * @param previous the old configuration
   * @param current the new configuration
   */
  record ConfigChanged(String name, Instant timestamp, HedgeConfig previous, HedgeConfig current)
      implements HedgeEvent {}
}
