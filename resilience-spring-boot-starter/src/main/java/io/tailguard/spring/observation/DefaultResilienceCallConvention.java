package io.tailguard.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * The default {@link ResilienceCallConvention}: observations named {@value #NAME}, with the
 * low-cardinality keys {@code name} (the instance), {@code engine} and {@code outcome}, and the
 * contextual name (the span name) {@code "<engine> <name>"}, for example {@code circuit-breaker
 * payments}. No key carries user data, so cardinality stays bounded by the instance names.
 *
 * <p>Stateless and thread-safe.
 */
public class DefaultResilienceCallConvention implements ResilienceCallConvention {

  /** The observation name. */
  public static final String NAME = "resilience.call";

  /** The shared instance. */
  public static final DefaultResilienceCallConvention INSTANCE =
      new DefaultResilienceCallConvention();

  /** Creates the convention; subclass it to add keys. */
  public DefaultResilienceCallConvention() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public String getContextualName(ResilienceCallContext context) {
    return context.engine() + " " + context.instance();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(ResilienceCallContext context) {
    return KeyValues.of(
        "name", context.instance(), "engine", context.engine(), "outcome", context.outcome());
  }
}
