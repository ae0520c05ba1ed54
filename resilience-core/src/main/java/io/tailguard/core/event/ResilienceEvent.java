package io.tailguard.core.event;

import java.time.Instant;

/**
 * Something that happened in a resilience engine: a state transition, a rejected call, a
 * configuration change. Each engine declares its own sealed family of events extending this type,
 * so a listener can switch over them exhaustively.
 *
 * <p>Events are immutable and therefore thread-safe.
 */
public interface ResilienceEvent {

  /**
   * Returns the name of the instance the event is about, for example {@code payments}.
   *
   * @return the instance name
   */
  String name();

  /**
   * Returns the wall-clock time at which the event happened, read from the engine's clock.
   *
   * @return the event time
   */
  Instant timestamp();
}
