package io.tailguard.spring.customize;

import io.tailguard.core.retry.RetryPolicy;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link ResilienceCustomizer} of retry policies ({@code resilience.retry.policies}), declared as
 * a bean:
 *
 * <pre>{@code
 * @Bean
 * RetryCustomizer paymentsRetry() {
 *   return RetryCustomizer.of("payments", builder -> builder.maxAttempts(5));
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; those made by the factory methods are if {@code customizer}
 * is.
 */
public interface RetryCustomizer extends ResilienceCustomizer<RetryPolicy.Builder> {

  /**
   * Returns a customizer of one instance.
   *
   * @param name the instance name
   * @param customizer changes its settings
   * @return the customizer
   * @throws IllegalArgumentException if {@code name} is blank or an argument is {@code null}
   */
  static RetryCustomizer of(String name, Consumer<RetryPolicy.Builder> customizer) {
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
  static RetryCustomizer ofAll(Consumer<RetryPolicy.Builder> customizer) {
    return of(name -> true, customizer);
  }

  private static RetryCustomizer of(
      Predicate<String> names, Consumer<RetryPolicy.Builder> customizer) {
    if (customizer == null) {
      throw new IllegalArgumentException("customizer: must not be null");
    }
    return new RetryCustomizer() {
      @Override
      public boolean appliesTo(String name) {
        return names.test(name);
      }

      @Override
      public void customize(RetryPolicy.Builder builder) {
        customizer.accept(builder);
      }
    };
  }
}
