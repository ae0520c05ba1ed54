package io.tailguard.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags {@code resilience.call} observations. Define a bean of this type to change them;
 * {@link DefaultResilienceCallConvention} is the default.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ResilienceCallConvention extends ObservationConvention<ResilienceCallContext> {

  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof ResilienceCallContext;
  }
}
