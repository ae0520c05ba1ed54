package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();

  @Test
  void percentilesOfTheWindowToOnePercent() {
    LatencyRecorder r = new LatencyRecorder(clock, Duration.ofSeconds(10), Duration.ofSeconds(1));
    for (int i = 1; i <= 1000; i++) {
      r.record(i * MS);
    }
    clock.advance(Duration.ofSeconds(1));
    LatencySnapshot s = r.snapshot();
    assertThat(s.count()).isEqualTo(1000);
    assertThat((double) s.p50Nanos()).isCloseTo(500 * MS, within(5.0 * MS));
    assertThat((double) s.p99Nanos()).isCloseTo(990 * MS, within(10.0 * MS));
    assertThat((double) s.p999Nanos()).isCloseTo(999 * MS, within(10.0 * MS));
    assertThat((double) s.maxNanos()).isCloseTo(1000 * MS, within(10.0 * MS));
    assertThat(s.meanNanos()).isCloseTo(500.5 * MS, within(5.0 * MS));
  }

  @Test
  void latenciesAgeOutOfTheWindow() {
    LatencyRecorder r = new LatencyRecorder(clock, Duration.ofSeconds(3), Duration.ofSeconds(1));
    r.record(900 * MS);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.snapshot().count()).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      r.record(10 * MS);
      clock.advance(Duration.ofSeconds(1));
      r.snapshot();
    }
    LatencySnapshot s = r.snapshot();
    assertThat(s.count()).isEqualTo(3);
    assertThat((double) s.maxNanos()).isCloseTo(10 * MS, within(0.1 * MS));
    clock.advance(Duration.ofSeconds(5));
    r.refresh();
    assertThat(r.snapshot()).isEqualTo(LatencySnapshot.EMPTY);
  }

  @Test
  void encodedWindowRestoresIntoAnotherRecorder() {
    LatencyRecorder a = new LatencyRecorder(clock, Duration.ofSeconds(10), Duration.ofSeconds(1));
    for (int i = 1; i <= 100; i++) {
      a.record(i * MS);
    }
    byte[] encoded = a.encodeWindow();
    LatencyRecorder b = new LatencyRecorder(clock, Duration.ofSeconds(10), Duration.ofSeconds(1));
    b.restoreWindow(encoded);
    assertThat(b.count()).isEqualTo(100);
    assertThat(b.percentileNanos(50)).isEqualTo(a.percentileNanos(50));
    assertThatThrownBy(() -> b.restoreWindow(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid latency histogram");
    assertThat(b.count()).isEqualTo(100);
  }

  @Test
  void extremesAreClampedNotRefused() {
    LatencyRecorder r = new LatencyRecorder(clock, Duration.ofSeconds(10), Duration.ofSeconds(1));
    r.record(-5);
    r.record(0);
    r.record(Long.MAX_VALUE);
    r.refresh();
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.percentileNanos(100))
        .isGreaterThanOrEqualTo(LatencyRecorder.HIGHEST_MICROS * 1000 * 99 / 100);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(
            () -> new LatencyRecorder(clock, Duration.ofMillis(10), Duration.ofMillis(10)))
        .hasMessage("window must be in [1s, 1d], was 10ms");
    assertThatThrownBy(
            () -> new LatencyRecorder(clock, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessage("interval must be in [10ms, 1s], was 2s");
    assertThatThrownBy(() -> new LatencyRecorder(clock, Duration.ofHours(1), Duration.ofMillis(10)))
        .hasMessage("window / interval must be at most 3600, was 360000");
    LatencyRecorder r = new LatencyRecorder(clock, Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThatThrownBy(() -> r.percentileNanos(101))
        .hasMessage("percentile must be in [0, 100], was 101");
  }
}
