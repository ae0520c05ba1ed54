package io.tailguard.spring.customize;

import io.tailguard.core.circuitbreaker.CircuitConfig;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link ResilienceCustomizer} of circuit breakers' settings ({@code
 * resilience.circuit-breaker}), declared as a bean:
 *
 * <pre>{@code
 * @Bean
 * CircuitBreakerCustomizer paymentsBreaker() {
 *   return CircuitBreakerCustomizer.of("payments", builder -> builder.failureRateThreshold(0.3));
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; those made by the factory methods are if {@code customizer}
 * is.
 */
public interface CircuitBreakerCustomizer extends ResilienceCustomizer<CircuitConfig.Builder> {

  /**
   * Returns a customizer of one instance.
   *
   * @param name the instance name
   * @param customizer changes its settings
   * @return the customizer
   * @throws IllegalArgumentException if {@code name} is blank or an argument is {@code null}
   */
  static CircuitBreakerCustomizer of(String name, Consumer<CircuitConfig.Builder> customizer) {
    String n = ResilienceCustomizer.checkName(name);
    return of(n::equals, customizer);
  }

  /**
   * Returns a customizer of every instance.
   *
   * @param customizer changes their settings
   * @return the customizer
   * @throws IllegalArgumentException if {@code customizer} is {@code null}
   */
  static CircuitBreakerCustomizer ofAll(Consumer<CircuitConfig.Builder> customizer) {
    return of(name -> true, customizer);
  }

  private static CircuitBreakerCustomizer of(
      Predicate<String> names, Consumer<CircuitConfig.Builder> customizer) {
    if (customizer == null) {
      throw new IllegalArgumentException("customizer: must not be null");
    }
    return new CircuitBreakerCustomizer() {
      @Override
      public boolean appliesTo(String name) {
        return names.test(name);
      }

      @Override
      public void customize(CircuitConfig.Builder builder) {
        customizer.accept(builder);
      }
    };
  }
}
