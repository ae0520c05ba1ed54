package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every invalid setting and argument of the hedging engine gets a clear error. */
class HedgeBadInputTest {

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        bad(() -> HedgeConfig.builder().maxHedges(0), "maxHedges must be in [1, 10], was 0"),
        bad(() -> HedgeConfig.builder().maxHedges(11), "maxHedges must be in [1, 10], was 11"),
        bad(
            () -> HedgeConfig.builder().timeout(Duration.ZERO),
            "timeout must be in [1ms, 1d], was 0ms"),
        bad(
            () -> HedgeConfig.builder().timeout(Duration.ofDays(2)),
            "timeout must be in [1ms, 1d], was 2d"),
        bad(() -> HedgeConfig.builder().timeout(null), "timeout must not be null"),
        bad(() -> HedgeConfig.builder().delay(null), "delay must not be null"),
        bad(() -> HedgeConfig.builder().budget(null), "budget must not be null"),
        bad(
            () -> HedgeConfig.builder().unacceptableResult(null),
            "unacceptableResult must not be null"),
        bad(
            () -> HedgeConfig.builder().retryableExceptions(null),
            "retryableExceptions must not be null"),
        bad(
            () ->
                HedgeConfig.builder().fatalExceptions(Arrays.asList(RuntimeException.class, null)),
            "fatalExceptions must not contain null, was null at 1"),
        bad(
            () ->
                HedgeConfig.builder()
                    .retryableExceptions(List.of(IllegalStateException.class))
                    .fatalExceptions(List.of(IllegalStateException.class))
                    .build(),
            "an exception type must not be both retryable and fatal, was"
                + " java.lang.IllegalStateException in retryableExceptions and fatalExceptions"),
        bad(
            () -> DelayConfig.builder().strategy(null),
            "delay.strategy must be one of [FIXED, PERCENTILE, ADAPTIVE, BACKOFF], was null"),
        bad(
            () -> DelayConfig.builder().delay(Duration.ofMillis(-1)),
            "delay.delay must be in [0ms, 1h], was -1ms"),
        bad(
            () -> DelayConfig.builder().percentile(0),
            "delay.percentile must be in (0, 100), was 0"),
        bad(
            () -> DelayConfig.builder().percentile(100),
            "delay.percentile must be in (0, 100), was 100"),
        bad(
            () -> DelayConfig.builder().percentile(Double.NaN),
            "delay.percentile must be in (0, 100), was NaN"),
        bad(
            () -> DelayConfig.builder().warmupSamples(-1),
            "delay.warmupSamples must be in [0, 1000000], was -1"),
        bad(
            () -> DelayConfig.builder().warmupDelay(Duration.ofHours(2)),
            "delay.warmupDelay must be in [0ms, 1h], was 2h"),
        bad(() -> DelayConfig.builder().minDelay(null), "delay.minDelay must not be null"),
        bad(
            () -> DelayConfig.builder().maxDelay(Duration.ofHours(1).plusNanos(1)),
            "delay.maxDelay must be in [0ms, 1h], was 3600000000001ns"),
        bad(
            () ->
                DelayConfig.builder()
                    .minDelay(Duration.ofSeconds(2))
                    .maxDelay(Duration.ofSeconds(1))
                    .build(),
            "delay.minDelay must be at most delay.maxDelay (1s), was 2s"),
        bad(
            () -> DelayConfig.builder().window(Duration.ofMillis(500)),
            "delay.window must be in [1s, 1d], was 500ms"),
        bad(
            () -> DelayConfig.builder().recomputeInterval(Duration.ofMillis(5)),
            "delay.recomputeInterval must be in [10ms, 1h], was 5ms"),
        bad(
            () ->
                DelayConfig.builder()
                    .window(Duration.ofSeconds(5))
                    .recomputeInterval(Duration.ofSeconds(6))
                    .build(),
            "delay.recomputeInterval must be at most delay.window (5s), was 6s"),
        bad(
            () ->
                DelayConfig.builder()
                    .window(Duration.ofHours(2))
                    .recomputeInterval(Duration.ofMillis(10))
                    .build(),
            "delay.window / delay.recomputeInterval must be at most 3600, was 2h / 10ms = 720000"),
        bad(() -> DelayConfig.builder().factor(0.5), "delay.factor must be in [1, 100], was 0.5"),
        bad(
            () -> DelayConfig.builder().learningRate(0),
            "delay.learningRate must be in (0, 1], was 0"),
        bad(
            () -> DelayConfig.builder().learningRate(1.5),
            "delay.learningRate must be in (0, 1], was 1.5"),
        bad(() -> new BudgetConfig(0, 1, 10), "budget.maxExtraLoad must be in (0, 10], was 0"),
        bad(() -> new BudgetConfig(11, 1, 10), "budget.maxExtraLoad must be in (0, 10], was 11"),
        bad(
            () -> new BudgetConfig(0.05, -1, 10),
            "budget.minHedgesPerSecond must be in [0, 1000000], was -1"),
        bad(() -> new BudgetConfig(0.05, 1, 0.5), "budget.burst must be in [1, 1000000], was 0.5"),
        bad(
            () -> new BudgetConfig(Double.NaN, 1, 1),
            "budget.maxExtraLoad must be in (0, 10], was NaN"));
  }

  static Arguments bad(Executable action, String message) {
    return Arguments.of(action, message);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidSettings")
  void invalidSettingsAreRefusedWithFieldRangeAndValue(Executable action, String message) {
    assertThatThrownBy(action::execute)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void boundaryValuesAreAccepted() {
    HedgeConfig c =
        HedgeConfig.builder()
            .maxHedges(10)
            .timeout(Duration.ofMillis(1))
            .delay(
                DelayConfig.builder()
                    .delay(Duration.ZERO)
                    .percentile(99.99)
                    .warmupSamples(0)
                    .minDelay(Duration.ZERO)
                    .maxDelay(Duration.ofHours(1))
                    .factor(1)
                    .learningRate(1)
                    .build())
            .budget(new BudgetConfig(10, 0, 1))
            .build();
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
  }

  @Test
  void invalidNamesAndNullArgumentsAreRefused() {
    FakeClock clock = new FakeClock();
    assertThatThrownBy(() -> Hedger.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hedger name must not be null");
    assertThatThrownBy(() -> Hedger.builder(" x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("hedger name must be 1 to 128 letters");
    Hedger h = Hedger.builder("ok").clock(clock).scheduler(clock).executor(Runnable::run).build();
    assertThatThrownBy(() -> h.call((Function<AttemptContext, String>) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempt must not be null");
    assertThatThrownBy(() -> h.callAsync(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attempt must not be null");
    assertThatThrownBy(() -> h.callAsync(null, ctx -> CompletableFuture.completedFuture("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> h.reconfigure((HedgeConfig) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config must not be null");
    assertThatThrownBy(() -> h.reconfigure(b -> b.maxHedges(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxHedges must be in [1, 10], was 99");
    assertThat(h.config()).isEqualTo(HedgeConfig.defaults()); // the old config stays
    assertThatThrownBy(() -> h.useStrategy(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("strategy must not be null");
    assertThatThrownBy(() -> h.saveTo(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("file must not be null");
    assertThatThrownBy(() -> Hedger.builder("x").executor(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor must not be null");
    assertThatThrownBy(() -> Hedger.builder("x").closeGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("closeGrace must be in [0ms, 1h], was -1s");
    // and the hedger still works
    assertThat(h.callAsync(ctx -> CompletableFuture.completedFuture("fine")))
        .isCompletedWithValue("fine");
  }
}
