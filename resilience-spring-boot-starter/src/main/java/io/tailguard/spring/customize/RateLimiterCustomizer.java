package io.tailguard.spring.customize;

import io.tailguard.core.ratelimiter.RateLimitConfig;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link ResilienceCustomizer} of rate limiters' settings ({@code resilience.rate-limiter}),
 * declared as a bean:
 *
 * <pre>{@code
 * @Bean
 * RateLimiterCustomizer paymentsLimiter() {
 *   return RateLimiterCustomizer.of("payments", builder -> builder.capacity(100));
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; those made by the factory methods are if {@code customizer}
 * is.
 */
public interface RateLimiterCustomizer extends ResilienceCustomizer<RateLimitConfig.Builder> {

  /**
   * Returns a customizer of one instance.
   *
   * @param name the instance name
   * @param customizer changes its settings
   * @return the customizer
   * @throws IllegalArgumentException if {@code name} is blank or an argument is {@code null}
   */
  static RateLimiterCustomizer of(String name, Consumer<RateLimitConfig.Builder> customizer) {
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
  static RateLimiterCustomizer ofAll(Consumer<RateLimitConfig.Builder> customizer) {
    return of(name -> true, customizer);
  }

  private static RateLimiterCustomizer of(
      Predicate<String> names, Consumer<RateLimitConfig.Builder> customizer) {
    if (customizer == null) {
      throw new IllegalArgumentException("customizer: must not be null");
    }
    return new RateLimiterCustomizer() {
      @Override
      public boolean appliesTo(String name) {
        return names.test(name);
      }

      @Override
      public void customize(RateLimitConfig.Builder builder) {
        customizer.accept(builder);
      }
    };
  }
}
