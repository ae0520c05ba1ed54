package io.tailguard.core.telemetry;

/**
 * What an engine tells about each call it guards when the call ends. {@link Telemetry} implements
 * it; an engine without a recorder reports nothing and pays nothing.
 *
 * <p>Implementations must be thread-safe, quick, and must not throw.
 */
@FunctionalInterface
public interface CallRecorder {

  /**
   * Reports a call that just ended.
   *
   * @param name the instance
   * @param engine the engine
   * @param outcome how it ended
   * @param latencyNanos how long it took
   * @param attempts how many attempts it made (0 if refused before any)
   */
  void callEnded(
      String name, EngineType engine, CallOutcome outcome, long latencyNanos, int attempts);
}
