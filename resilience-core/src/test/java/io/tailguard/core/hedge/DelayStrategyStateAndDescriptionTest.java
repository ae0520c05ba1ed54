package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FIXED, BACKOFF and PERCENTILE: how each describes itself, the state BACKOFF and PERCENTILE save
 * and refuse, when PERCENTILE with no warm-up samples counts as warm, and a shorter PERCENTILE
 * window.
 */
class DelayStrategyStateAndDescriptionTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();

  static byte[] doubleState(double value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new DataOutputStream(bytes).writeDouble(value);
    return bytes.toByteArray();
  }

  static byte[] intState(int value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new DataOutputStream(bytes).writeInt(value);
    return bytes.toByteArray();
  }

  static void read(HedgeDelayStrategy d, byte[] state) throws IOException {
    d.readState(new DataInputStream(new ByteArrayInputStream(state)));
  }

  static byte[] written(HedgeDelayStrategy d) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    d.writeState(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  @Test
  void fixedDescribesItsDelay() {
    FixedDelay d =
        new FixedDelay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(40))
                .build());
    assertThat(d.type()).isEqualTo(HedgeDelayType.FIXED);
    assertThat(d.describe()).isEqualTo(Map.of("strategy", "FIXED", "warm", true, "delay", "40ms"));
  }

  BackoffDelay backoff() {
    return new BackoffDelay(
        DelayConfig.builder()
            .strategy(HedgeDelayType.BACKOFF)
            .delay(Duration.ofMillis(10))
            .factor(2)
            .build());
  }

  @Test
  void backoffDescribesItsDelayAndPenalty() {
    BackoffDelay d = backoff();
    d.recordFailure();
    assertThat(d.type()).isEqualTo(HedgeDelayType.BACKOFF);
    assertThat(d.describe())
        .isEqualTo(Map.of("strategy", "BACKOFF", "warm", true, "delay", "20ms", "penalty", 2.0));
  }

  @Test
  void backoffSavesItsPenaltyAndReadsItBack() throws IOException {
    BackoffDelay source = backoff();
    source.recordFailure();
    source.recordFailure();
    BackoffDelay target = backoff();
    read(target, written(source));
    assertThat(target.penalty()).isEqualTo(4.0);
    assertThat(target.delayNanos(1)).isEqualTo(40 * MS);
  }

  @Test
  void backoffReadsAPenaltyFromOneToTheLargestAndRefusesOthers() throws IOException {
    BackoffDelay d = backoff();
    read(d, doubleState(256.0)); // 2^MAX_PENALTY_STEPS
    assertThat(d.penalty()).isEqualTo(256.0);
    read(d, doubleState(1.0));
    assertThat(d.penalty()).isEqualTo(1.0);
    assertThatThrownBy(() -> read(d, doubleState(0.99)))
        .isInstanceOf(IOException.class)
        .hasMessage("backoff penalty out of range: 0.99");
    assertThatThrownBy(() -> read(d, doubleState(256.5))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read(d, doubleState(Double.NaN))).isInstanceOf(IOException.class);
    assertThat(d.penalty()).isEqualTo(1.0);
  }

  PercentileDelay percentile(int warmupSamples, int windowSeconds) {
    return new PercentileDelay(
        DelayConfig.builder()
            .strategy(HedgeDelayType.PERCENTILE)
            .percentile(50)
            .warmupSamples(warmupSamples)
            .warmupDelay(Duration.ofMillis(100))
            .window(Duration.ofSeconds(windowSeconds))
            .recomputeInterval(Duration.ofSeconds(1))
            .build(),
        BudgetConfig.DEFAULTS,
        clock);
  }

  @Test
  void percentileWithoutWarmupSamplesIsWarmOnlyWhileItsWindowHoldsALatency() {
    PercentileDelay d = percentile(0, 10);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.isWarm()).isFalse();
    assertThat(d.delayNanos(1)).isEqualTo(100 * MS);
    d.recordPrimary(20 * MS, true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.isWarm()).isTrue();
    clock.advance(Duration.ofSeconds(10));
    assertThat(d.isWarm()).isFalse();
  }

  @Test
  void aShorterPercentileWindowForgetsOldLatenciesSooner() {
    PercentileDelay d = percentile(1, 60);
    d.recordPrimary(20 * MS, true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(d.isWarm()).isTrue();
    d.reconfigure(
        DelayConfig.builder()
            .strategy(HedgeDelayType.PERCENTILE)
            .percentile(50)
            .warmupSamples(1)
            .window(Duration.ofSeconds(2))
            .recomputeInterval(Duration.ofSeconds(1))
            .build(),
        BudgetConfig.DEFAULTS);
    clock.advance(Duration.ofSeconds(2));
    assertThat(d.isWarm()).isFalse();
    assertThat(d.windowCount()).isZero();
  }

  @Test
  void percentileRefusesAnEmptyOrOversizedHistogramByItsLength() throws IOException {
    PercentileDelay d = percentile(1, 10);
    assertThatThrownBy(() -> read(d, intState(0)))
        .isInstanceOf(IOException.class)
        .hasMessage("histogram length out of range: 0");
    assertThatThrownBy(() -> read(d, intState(16 * 1024 * 1024 + 1)))
        .isInstanceOf(IOException.class)
        .hasMessage("histogram length out of range: 16777217");
    // The largest length is accepted; a state that ends early then fails to read.
    assertThatThrownBy(() -> read(d, intState(16 * 1024 * 1024))).isInstanceOf(EOFException.class);
  }

  @Test
  void percentileDescribesWhereItsPercentileComesFrom() {
    PercentileDelay derived =
        new PercentileDelay(
            DelayConfig.builder().strategy(HedgeDelayType.PERCENTILE).build(),
            new BudgetConfig(0.05, 0, 10),
            clock);
    assertThat(derived.describe())
        .containsEntry("strategy", "PERCENTILE")
        .containsEntry("percentileFrom", "budget")
        .containsEntry("warm", false)
        .containsEntry("windowSamples", 0L)
        .containsEntry("delay", "100ms");
  }
}
