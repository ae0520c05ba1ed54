package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Hedge settings: which fields make two configurations differ, what the settings look like as a map
 * and a string, and the edges the builders accept between fields.
 */
class HedgeConfigEqualityAndMapTest {

  static final Predicate<Object> EMPTY = "empty"::equals;

  static void assertDiffers(HedgeConfig base, UnaryOperator<HedgeConfig.Builder> change) {
    HedgeConfig changed = change.apply(base.toBuilder()).build();
    assertThat(changed).isNotEqualTo(base);
    assertThat(base).isNotEqualTo(changed);
  }

  static void assertDiffers(DelayConfig base, UnaryOperator<DelayConfig.Builder> change) {
    DelayConfig changed = change.apply(base.toBuilder()).build();
    assertThat(changed).isNotEqualTo(base);
    assertThat(base).isNotEqualTo(changed);
  }

  @Test
  void hedgeConfigsDifferingInAnyFieldAreNotEqual() {
    HedgeConfig base = HedgeConfig.defaults();
    assertThat(base).isEqualTo(base).isNotEqualTo(null).isNotEqualTo("HedgeConfig");
    assertThat(base.toBuilder().build()).isEqualTo(base).hasSameHashCodeAs(base);
    assertDiffers(base, b -> b.maxHedges(3));
    assertDiffers(base, b -> b.idempotent(false));
    assertDiffers(base, b -> b.coalesce(true));
    assertDiffers(base, b -> b.delay(DelayConfig.builder().warmupSamples(5).build()));
    assertDiffers(base, b -> b.budget(new BudgetConfig(0.1, 1, 10)));
    assertDiffers(base, b -> b.timeout(Duration.ofSeconds(3)));
    assertDiffers(base, b -> b.retryableExceptions(List.of(IOException.class)));
    assertDiffers(base, b -> b.fatalExceptions(List.of(IOException.class)));
    assertDiffers(base, b -> b.unacceptableResult(EMPTY));
  }

  @Test
  void delayConfigsDifferingInAnyFieldAreNotEqual() {
    DelayConfig base = DelayConfig.defaults();
    assertThat(base).isEqualTo(base).isNotEqualTo(null).isNotEqualTo("DelayConfig");
    assertThat(base.toBuilder().build()).isEqualTo(base).hasSameHashCodeAs(base);
    assertDiffers(base, b -> b.strategy(HedgeDelayType.FIXED));
    assertDiffers(base, b -> b.delay(Duration.ofMillis(51)));
    assertDiffers(base, b -> b.percentile(90));
    assertDiffers(base, b -> b.warmupSamples(99));
    assertDiffers(base, b -> b.warmupDelay(Duration.ofMillis(99)));
    assertDiffers(base, b -> b.minDelay(Duration.ofMillis(2)));
    assertDiffers(base, b -> b.maxDelay(Duration.ofSeconds(9)));
    assertDiffers(base, b -> b.window(Duration.ofSeconds(20)));
    assertDiffers(base, b -> b.recomputeInterval(Duration.ofMillis(500)));
    assertDiffers(base, b -> b.factor(3));
    assertDiffers(base, b -> b.learningRate(0.1));
    // Back to the derived percentile: equal again.
    assertThat(base.toBuilder().percentile(90).percentileFromBudget().build()).isEqualTo(base);
  }

  @Test
  void theHedgeSettingsAsAMap() {
    HedgeConfig c =
        HedgeConfig.builder()
            .maxHedges(3)
            .budget(new BudgetConfig(0.1, 2, 20))
            .timeout(Duration.ofSeconds(5))
            .coalesce(true)
            .retryableExceptions(List.of(UncheckedIOException.class))
            .fatalExceptions(List.of(IllegalArgumentException.class, IllegalStateException.class))
            .unacceptableResult(EMPTY)
            .build();
    Map<String, Object> m = c.toMap();
    assertThat(m)
        .containsEntry("maxHedges", 3)
        .containsEntry("delay", c.delay().toMap())
        .containsEntry(
            "budget", Map.of("maxExtraLoad", 0.1, "minHedgesPerSecond", 2.0, "burst", 20.0))
        .containsEntry("timeout", "5s")
        .containsEntry("idempotent", true)
        .containsEntry("coalesce", true)
        .containsEntry("retryableExceptions", List.of("java.io.UncheckedIOException"))
        .containsEntry(
            "fatalExceptions",
            List.of("java.lang.IllegalArgumentException", "java.lang.IllegalStateException"))
        .containsEntry("unacceptableResult", "custom");
    assertThat(HedgeConfig.defaults().toMap()).containsEntry("unacceptableResult", "none");
    assertThat(c.toString()).isEqualTo("HedgeConfig" + m);
    assertThat(c.retryableExceptions()).containsExactly(UncheckedIOException.class);
    assertThat(c.fatalExceptions())
        .containsExactly(IllegalArgumentException.class, IllegalStateException.class);
  }

  @Test
  void theDelaySettingsAsAMap() {
    DelayConfig auto = DelayConfig.defaults();
    assertThat(auto.toMap())
        .containsExactly(
            Map.entry("strategy", "ADAPTIVE"),
            Map.entry("delay", "50ms"),
            Map.entry("percentile", "auto"),
            Map.entry("warmupSamples", 100),
            Map.entry("warmupDelay", "100ms"),
            Map.entry("minDelay", "1ms"),
            Map.entry("maxDelay", "10s"),
            Map.entry("window", "10s"),
            Map.entry("recomputeInterval", "250ms"),
            Map.entry("factor", 2.0),
            Map.entry("learningRate", 0.05));
    DelayConfig fixed = auto.toBuilder().percentile(97.5).build();
    assertThat(fixed.toMap()).containsEntry("percentile", 97.5);
    assertThat(fixed.toString()).isEqualTo("DelayConfig" + fixed.toMap());
  }

  @Test
  void theDelayBuilderAcceptsEqualBoundsAndTheMostRecomputationsPerWindow() {
    DelayConfig equalBounds =
        DelayConfig.builder()
            .minDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(20))
            .build();
    assertThat(equalBounds.minDelay()).isEqualTo(equalBounds.maxDelay());
    DelayConfig oneInterval =
        DelayConfig.builder()
            .window(Duration.ofSeconds(2))
            .recomputeInterval(Duration.ofSeconds(2))
            .build();
    assertThat(oneInterval.recomputeInterval()).isEqualTo(oneInterval.window());
    DelayConfig most =
        DelayConfig.builder()
            .window(Duration.ofSeconds(36))
            .recomputeInterval(Duration.ofMillis(10))
            .build();
    assertThat(most.window()).isEqualTo(Duration.ofSeconds(36));
    assertThatThrownBy(
            () ->
                DelayConfig.builder()
                    .window(Duration.ofMillis(36_010))
                    .recomputeInterval(Duration.ofMillis(10))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "delay.window / delay.recomputeInterval must be at most 3600, was 36010ms / 10ms"
                + " = 3601");
  }

  @Test
  void aFailureIsRetryableWhenNoTypesAreListedOrItsTypeIs() {
    assertThat(HedgeConfig.defaults().isRetryable(new TimeoutException())).isTrue();
    HedgeConfig listed =
        HedgeConfig.builder().retryableExceptions(List.of(UncheckedIOException.class)).build();
    assertThat(listed.isRetryable(new UncheckedIOException(new IOException()))).isTrue();
    assertThat(listed.isRetryable(new IllegalStateException())).isFalse();
  }
}
