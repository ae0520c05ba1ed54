package io.tailguard.core.telemetry;

/** Which engine guarded a call. */
public enum EngineType {
  /** A circuit breaker. */
  CIRCUIT_BREAKER,
  /** A hedger. */
  HEDGE,
  /** A retrier. */
  RETRY,
  /** A rate limiter. */
  RATE_LIMITER,
  /** Anything else that records calls, for example application code. */
  CUSTOM
}
