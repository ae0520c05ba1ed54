package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When the latency window turns over (once per interval, not before), how reconfiguring and
 * restoring change it, and the exact figures of a snapshot.
 */
class LatencyRecorderWindowTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();

  LatencyRecorder recorder(int windowSeconds, int intervalSeconds) {
    return new LatencyRecorder(
        clock, Duration.ofSeconds(windowSeconds), Duration.ofSeconds(intervalSeconds));
  }

  @Test
  void refreshIfDueFoldsOnlyOnceAnIntervalHasPassed() {
    LatencyRecorder r = recorder(10, 1);
    r.record(5 * MS);
    clock.advanceMillis(999);
    assertThat(r.refreshIfDue()).isFalse();
    assertThat(r.count()).isZero();
    clock.advanceMillis(1);
    assertThat(r.refreshIfDue()).isTrue();
    assertThat(r.count()).isEqualTo(1);
    // The next turn is one interval after this one, not at once.
    r.record(5 * MS);
    assertThat(r.refreshIfDue()).isFalse();
    clock.advanceMillis(999);
    assertThat(r.refreshIfDue()).isFalse();
    assertThat(r.count()).isEqualTo(1);
    clock.advanceMillis(1);
    assertThat(r.refreshIfDue()).isTrue();
    assertThat(r.count()).isEqualTo(2);
  }

  @Test
  void anExplicitRefreshAlsoPostponesTheNextTurn() {
    LatencyRecorder r = recorder(10, 1);
    clock.advanceMillis(500);
    r.refresh();
    clock.advanceMillis(999);
    assertThat(r.refreshIfDue()).isFalse();
    clock.advanceMillis(1);
    assertThat(r.refreshIfDue()).isTrue();
  }

  @Test
  void aShorterIntervalTakesEffectFromTheReconfiguration() {
    LatencyRecorder r = recorder(10, 5);
    clock.advance(Duration.ofSeconds(1));
    r.reconfigure(Duration.ofSeconds(10), Duration.ofSeconds(1));
    // Due one new interval after the change, not at once and not at the old five seconds.
    r.record(5 * MS);
    assertThat(r.refreshIfDue()).isFalse();
    clock.advanceMillis(999);
    assertThat(r.refreshIfDue()).isFalse();
    clock.advanceMillis(1);
    assertThat(r.refreshIfDue()).isTrue();
    assertThat(r.count()).isEqualTo(1);
  }

  @Test
  void aLongerIntervalDoesNotDelayATurnAlreadyDue() {
    LatencyRecorder r = recorder(60, 1);
    r.reconfigure(Duration.ofSeconds(60), Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.refreshIfDue()).isTrue();
    clock.advance(Duration.ofSeconds(29));
    assertThat(r.refreshIfDue()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.refreshIfDue()).isTrue();
  }

  @Test
  void aShorterWindowAgesLatenciesOutSooner() {
    LatencyRecorder r = recorder(60, 1);
    r.record(5 * MS);
    clock.advance(Duration.ofSeconds(1));
    r.refresh();
    assertThat(r.count()).isEqualTo(1);
    r.reconfigure(Duration.ofSeconds(2), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    r.refresh();
    assertThat(r.count()).isZero();
  }

  @Test
  void reconfigureValidatesLikeTheConstructorAndKeepsTheOldWindowOnError() {
    LatencyRecorder r = recorder(10, 1);
    assertThatThrownBy(() -> r.reconfigure(Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be in [10ms, 1s], was 2s");
    r.record(5 * MS);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r.refreshIfDue()).isTrue();
    clock.advance(Duration.ofSeconds(9));
    r.refresh();
    assertThat(r.count()).isEqualTo(1); // still ten seconds
  }

  @Test
  void aSnapshotReportsEveryPercentileInNanoseconds() {
    LatencyRecorder r = recorder(10, 1);
    // 1..100 ms: each percentile is a distinct value, exact to HdrHistogram's two digits.
    for (int i = 1; i <= 100; i++) {
      r.record(i * MS);
    }
    clock.advance(Duration.ofSeconds(1));
    LatencySnapshot s = r.snapshot();
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50Nanos()).isBetween(50 * MS, 50 * MS + MS / 2);
    assertThat(s.p90Nanos()).isBetween(90 * MS, 90 * MS + MS / 2);
    assertThat(s.p95Nanos()).isBetween(95 * MS, 95 * MS + MS / 2);
    assertThat(s.p99Nanos()).isBetween(99 * MS, 99 * MS + MS / 2);
    assertThat(s.p999Nanos()).isBetween(100 * MS, 100 * MS + MS);
    assertThat(s.maxNanos()).isBetween(100 * MS, 100 * MS + MS);
    assertThat(s.meanNanos()).isBetween(50.5 * MS * 0.99, 50.5 * MS * 1.01);
    assertThat(r.percentileNanos(90)).isEqualTo(s.p90Nanos());
  }

  @Test
  void anEmptyWindowHasNoPercentiles() {
    LatencyRecorder r = recorder(10, 1);
    assertThat(r.percentileNanos(99)).isZero();
    assertThat(r.snapshot()).isSameAs(LatencySnapshot.EMPTY);
  }

  @Test
  void aRestoredWindowReplacesWhatWasThereAndAgesOutLikeAFreshInterval() {
    LatencyRecorder source = recorder(10, 1);
    for (int i = 0; i < 3; i++) {
      source.record(7 * MS);
    }
    byte[] encoded = source.encodeWindow();

    LatencyRecorder r = recorder(10, 1);
    for (int i = 0; i < 5; i++) {
      r.record(100 * MS);
    }
    clock.advance(Duration.ofSeconds(1));
    r.refresh();
    assertThat(r.count()).isEqualTo(5);
    r.restoreWindow(encoded);
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.percentileNanos(100)).isLessThan(8 * MS);
    // Later turns keep it until it is a window old ...
    clock.advance(Duration.ofSeconds(9));
    r.refresh();
    assertThat(r.count()).isEqualTo(3);
    // ... and then drop it.
    clock.advance(Duration.ofSeconds(1));
    r.refresh();
    assertThat(r.count()).isZero();
  }

  @Test
  void anEmptyWindowRoundTrips() {
    byte[] encoded = recorder(10, 1).encodeWindow();
    LatencyRecorder r = recorder(10, 1);
    r.record(5 * MS);
    r.refresh();
    r.restoreWindow(encoded);
    assertThat(r.count()).isZero();
  }

  @Test
  void encodingFoldsWhatWasRecordedSinceTheLastTurn() {
    LatencyRecorder source = recorder(10, 1);
    source.record(3 * MS);
    source.record(4 * MS);
    LatencyRecorder copy = recorder(10, 1);
    copy.restoreWindow(source.encodeWindow());
    assertThat(copy.count()).isEqualTo(2);
    assertThat(source.count()).isEqualTo(2);
  }

  @Test
  void aWindowHoldingALatencyAtTheOneDayCapRoundTrips() {
    LatencyRecorder source = recorder(10, 1);
    source.record(Duration.ofDays(1).toNanos());
    source.record(Duration.ofDays(2).toNanos()); // recorded as the cap
    source.record(Duration.ofHours(23).plusMinutes(55).toNanos());
    LatencyRecorder copy = recorder(10, 1);
    copy.restoreWindow(source.encodeWindow());
    assertThat(copy.count()).isEqualTo(3);
    assertThat(copy.percentileNanos(100)).isGreaterThanOrEqualTo(Duration.ofDays(1).toNanos());
  }

  @Test
  void aHistogramReachingPastTheCapIsRefused() {
    org.HdrHistogram.Histogram wide =
        new org.HdrHistogram.Histogram(1, 10 * LatencyRecorder.HIGHEST_MICROS, 2);
    wide.recordValue(3 * LatencyRecorder.HIGHEST_MICROS);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(wide.getNeededByteBufferCapacity());
    int length = wide.encodeIntoCompressedByteBuffer(buffer);
    byte[] encoded = java.util.Arrays.copyOf(buffer.array(), length);
    LatencyRecorder r = recorder(10, 1);
    r.record(5 * MS);
    r.refresh();
    assertThatThrownBy(() -> r.restoreWindow(encoded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latency histogram out of range");
    assertThat(r.count()).isEqualTo(1);
  }

  @Test
  void restoringNullIsRefusedByName() {
    assertThatThrownBy(() -> recorder(10, 1).restoreWindow(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encoded must not be null");
  }

  @Test
  void aRecentPercentileReadsOnlyTheIntervalsThatEndedWithinItsShareOfTheWindow() {
    LatencyRecorder r = recorder(10, 1);
    for (int second = 1; second <= 10; second++) {
      for (int i = 0; i < 10; i++) {
        r.record(second * 10 * MS); // second k: ten latencies of 10k ms
      }
      clock.advanceMillis(1000);
      r.refreshIfDue();
    }
    // The window holds seconds 1 to 10; its last 0.3 (3 s) holds the intervals of seconds 8 to 10.
    assertThat(r.percentileNanos(0)).isCloseTo(10 * MS, withinPercentage(1));
    assertThat(r.recentPercentileNanos(0.3, 0, 0)).isCloseTo(80 * MS, withinPercentage(1));
    assertThat(r.recentPercentileNanos(0.25, 0, 0)).isCloseTo(80 * MS, withinPercentage(1));
    assertThat(r.recentPercentileNanos(1, 0, 0)).isCloseTo(10 * MS, withinPercentage(1));
    assertThat(r.recentPercentileNanos(0.3, 100, 0)).isCloseTo(100 * MS, withinPercentage(1));
    // As of the last refresh: what was recorded since, and the time since, change nothing.
    r.record(1 * MS);
    clock.advanceMillis(500);
    assertThat(r.recentPercentileNanos(0.3, 0, 0)).isCloseTo(80 * MS, withinPercentage(1));
    // A share of the window as it is now: a shorter window has a shorter latest half.
    r.reconfigure(Duration.ofSeconds(4), Duration.ofSeconds(1));
    assertThat(r.recentPercentileNanos(0.5, 0, 0)).isCloseTo(90 * MS, withinPercentage(1));
  }

  @Test
  void aRecentPartWithFewerThanItsMinimumCountHasNoPercentile() {
    LatencyRecorder r = recorder(10, 1);
    assertThat(r.recentPercentileNanos(0.5, 50, 0)).isEqualTo(-1);
    for (int i = 0; i < 30; i++) {
      r.record(20 * MS);
    }
    clock.advanceMillis(1000);
    r.refreshIfDue();
    assertThat(r.recentPercentileNanos(0.5, 50, 30)).isCloseTo(20 * MS, withinPercentage(1));
    assertThat(r.recentPercentileNanos(0.5, 50, 31)).isEqualTo(-1);
    // Five empty seconds later, the latest half is empty while the window still holds the 30.
    for (int i = 0; i < 5; i++) {
      clock.advanceMillis(1000);
      r.refreshIfDue();
    }
    assertThat(r.count()).isEqualTo(30);
    assertThat(r.recentPercentileNanos(0.5, 50, 0)).isEqualTo(-1);
  }

  @Test
  void aRestoredWindowIsItsOwnLatestPart() {
    LatencyRecorder from = recorder(10, 1);
    for (int i = 0; i < 10; i++) {
      from.record(40 * MS);
    }
    clock.advanceMillis(1000);
    LatencyRecorder to = recorder(10, 1);
    to.restoreWindow(from.encodeWindow());
    assertThat(to.recentPercentileNanos(0.1, 50, 10)).isCloseTo(40 * MS, withinPercentage(1));
  }

  @Test
  void aRecentPercentileRefusesBadArgumentsByName() {
    LatencyRecorder r = recorder(10, 1);
    assertThatThrownBy(() -> r.recentPercentileNanos(0, 50, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("share must be in (0, 1], was 0");
    assertThatThrownBy(() -> r.recentPercentileNanos(1.5, 50, 0))
        .hasMessage("share must be in (0, 1], was 1.5");
    assertThatThrownBy(() -> r.recentPercentileNanos(Double.NaN, 50, 0))
        .hasMessage("share must be in (0, 1], was NaN");
    assertThatThrownBy(() -> r.recentPercentileNanos(0.5, -1, 0))
        .hasMessage("percentile must be in [0, 100], was -1");
    assertThatThrownBy(() -> r.recentPercentileNanos(0.5, 50, -1))
        .hasMessage("minCount must be at least 0, was -1");
  }
}
