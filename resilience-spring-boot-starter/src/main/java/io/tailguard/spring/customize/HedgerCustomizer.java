package io.tailguard.spring.customize;

import io.tailguard.core.hedge.HedgeConfig;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link ResilienceCustomizer} of hedgers' settings ({@code resilience.hedge}), declared as a
 * bean:
 *
 * <pre>{@code
 * @Bean
 * HedgerCustomizer searchHedger() {
 *   return HedgerCustomizer.of("payments", builder -> builder.maxHedges(2));
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; those made by the factory methods are if {@code customizer}
 * is.
 */
public interface HedgerCustomizer extends ResilienceCustomizer<HedgeConfig.Builder> {

  /**
   * Returns a customizer of one instance.
   *
   * @param name the instance name
   * @param customizer changes its settings
   * @return the customizer
   * @throws IllegalArgumentException if {@code name} is blank or an argument is {@code null}
   */
  static HedgerCustomizer of(String name, Consumer<HedgeConfig.Builder> customizer) {
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
  static HedgerCustomizer ofAll(Consumer<HedgeConfig.Builder> customizer) {
    return of(name -> true, customizer);
  }

  private static HedgerCustomizer of(
      Predicate<String> names, Consumer<HedgeConfig.Builder> customizer) {
    if (customizer == null) {
      throw new IllegalArgumentException("customizer: must not be null");
    }
    return new HedgerCustomizer() {
      @Override
      public boolean appliesTo(String name) {
        return names.test(name);
      }

      @Override
      public void customize(HedgeConfig.Builder builder) {
        customizer.accept(builder);
      }
    };
  }
}
