package io.tailguard.spring.observation;

import io.micrometer.observation.Observation;

/**
 * The context of one {@code resilience.call} observation: which instance of which engine protected
 * the call, and, once it has ended, how.
 *
 * <p>Not thread-safe beyond Micrometer's rules for contexts: the outcome is written once, before
 * the observation stops, by the thread that stops it.
 */
public final class ResilienceCallContext extends Observation.Context {

  private final String instance;
  private final String engine;
  private volatile String outcome = "unknown"; // written once, before stop()

  /**
   * Creates a context.
   *
   * @param instance the instance, for example {@code payments}
   * @param engine the engine: {@code circuit-breaker}, {@code hedge}, {@code rate-limiter}
   */
  public ResilienceCallContext(String instance, String engine) {
    this.instance = instance;
    this.engine = engine;
  }

  /**
   * Returns the instance the annotation names.
   *
   * @return the instance name
   */
  public String instance() {
    return instance;
  }

  /**
   * Returns the engine.
   *
   * @return circuit-breaker, hedge or rate-limiter
   */
  public String engine() {
    return engine;
  }

  /**
   * Returns how the call ended: success, failure, rejected, timeout, cancelled; {@code unknown}
   * while it runs.
   *
   * @return the outcome
   */
  public String outcome() {
    return outcome;
  }

  void outcome(String outcome) {
    this.outcome = outcome;
  }
}
