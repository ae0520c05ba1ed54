package io.tailguard.core.telemetry;

import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.time.Instant;

/**
 * One protected call, whichever engine guarded it: the record every engine hands to the {@link
 * Telemetry} hub when a call ends.
 *
 * @param name the instance, for example {@code payments}
 * @param engine the engine that guarded the call
 * @param outcome how it ended
 * @param latencyNanos how long it took, not negative
 * @param attempts how many attempts it made (hedges and retries count), at least 1; 0 for a call
 *     refused before any attempt
 * @param costUnits what it cost in the caller's units (requests, tokens, cents), not negative
 * @param start when it started (wall clock)
 * @param end when it ended (wall clock)
 */
public record CallEvent(
    String name,
    EngineType engine,
    CallOutcome outcome,
    long latencyNanos,
    int attempts,
    double costUnits,
    Instant start,
    Instant end) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException naming the field if one is invalid
   */
  public CallEvent {
    Validate.notNull("name", name);
    Validate.notNull("engine", engine);
    Validate.notNull("outcome", outcome);
    Validate.inRange("latencyNanos", latencyNanos, 0, Long.MAX_VALUE);
    Validate.inRange("attempts", attempts, 0, Integer.MAX_VALUE);
    if (!(costUnits >= 0) || Double.isInfinite(costUnits)) {
      throw new IllegalArgumentException(
          "costUnits must be a finite number >= 0, was " + Validate.num(costUnits));
    }
    Validate.notNull("start", start);
    Validate.notNull("end", end);
    if (end.isBefore(start)) {
      throw new IllegalArgumentException(
          "end must not be before start, was " + end + " < " + start);
    }
  }

  /**
   * Returns the latency as a duration.
   *
   * @return the latency
   */
  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }
}
