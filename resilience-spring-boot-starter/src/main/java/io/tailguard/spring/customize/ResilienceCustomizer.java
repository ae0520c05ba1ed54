package io.tailguard.spring.customize;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Shapes the settings of one engine's instances, as Resilience4j's {@code Customizer} does: the
 * starter applies every customizer bean of an engine whose {@link #appliesTo} accepts an instance's
 * name, in the beans' order, to a builder holding what {@code resilience.*} configures, when the
 * instance is created and whenever a reload or a reconfiguration gives it new settings, so no
 * reload drops a customization. Declare the per-engine types ({@link CircuitBreakerCustomizer},
 * {@link HedgerCustomizer}, {@link RetryCustomizer}, {@link RateLimiterCustomizer}) as beans.
 *
 * <p>Implementations are called holding the registry's lock and must be quick, thread-safe and free
 * of calls back into the engines.
 *
 * @param <B> the builder of the engine's settings
 */
public interface ResilienceCustomizer<B> {

  /**
   * Returns whether this customizer shapes the instance with this name.
   *
   * @param name the instance name
   * @return {@code true} to be applied
   */
  boolean appliesTo(String name);

  /**
   * Changes the settings of an instance this customizer applies to.
   *
   * @param builder a builder holding the settings so far
   */
  void customize(B builder);

  /**
   * Composes customizers into the function the core's registries take: for a name, the settings
   * passed through every customizer that applies to it, in order; unchanged if none does.
   *
   * @param customizers the customizers, in order
   * @param toBuilder makes a builder from settings
   * @param build builds settings
   * @param <C> the settings type
   * @param <B> the builder type
   * @return the function
   */
  static <C, B> BiFunction<String, C, C> compose(
      List<? extends ResilienceCustomizer<B>> customizers,
      Function<C, B> toBuilder,
      Function<B, C> build) {
    List<ResilienceCustomizer<B>> copy = List.copyOf(customizers);
    return (name, config) -> {
      B builder = null;
      for (ResilienceCustomizer<B> c : copy) {
        if (c.appliesTo(name)) {
          if (builder == null) {
            builder = toBuilder.apply(config);
          }
          c.customize(builder);
        }
      }
      return builder == null ? config : build.apply(builder);
    };
  }

  /**
   * Checks an instance name given to a factory method.
   *
   * @param name the name
   * @return the name
   * @throws IllegalArgumentException if it is {@code null} or blank
   */
  static String checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "name: a customizer needs the name of an instance; use ofAll(...) for every instance");
    }
    return name;
  }
}
