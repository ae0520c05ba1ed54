package io.tailguard.core.telemetry;

/**
 * Receives the {@link CallEvent} of every call an engine guards. Engines call it on the thread that
 * ends the call, so implementations must be quick, thread-safe and must not throw (an engine
 * catches and counts what they throw).
 */
@FunctionalInterface
public interface CallEventSink {

  /**
   * Takes one event.
   *
   * @param event the event
   */
  void accept(CallEvent event);
}
