package io.tailguard.spring.customize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.hedge.HedgeConfig;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class ResilienceCustomizerTests {

  static BiFunction<String, HedgeConfig, HedgeConfig> compose(HedgerCustomizer... customizers) {
    return ResilienceCustomizer.compose(
        List.of(customizers), HedgeConfig::toBuilder, HedgeConfig.Builder::build);
  }

  @Test
  void aNamedCustomizerShapesOnlyItsInstance() {
    HedgeConfig defaults = HedgeConfig.defaults();
    BiFunction<String, HedgeConfig, HedgeConfig> f =
        compose(HedgerCustomizer.of("search", b -> b.maxHedges(5)));
    assertThat(f.apply("search", defaults).maxHedges()).isEqualTo(5);
    // Untouched settings stay the same object, so an unchanged reload is still recognised.
    assertThat(f.apply("other", defaults)).isSameAs(defaults);
  }

  @Test
  void customizersRunInOrderOnOneBuilder() {
    BiFunction<String, HedgeConfig, HedgeConfig> f =
        compose(
            HedgerCustomizer.ofAll(b -> b.maxHedges(3)),
            HedgerCustomizer.of("search", b -> b.maxHedges(4)));
    assertThat(f.apply("search", HedgeConfig.defaults()).maxHedges()).isEqualTo(4);
    assertThat(f.apply("other", HedgeConfig.defaults()).maxHedges()).isEqualTo(3);
  }

  @Test
  void aBlankNameOrNoCustomizerIsRefused() {
    assertThatThrownBy(() -> HedgerCustomizer.of(" ", b -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use ofAll(...) for every instance");
    assertThatThrownBy(() -> CircuitBreakerCustomizer.ofAll(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("customizer: must not be null");
  }
}
