package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Which calls count as successful and as within the SLA, and the figures derived from the running
 * statistics.
 */
class SuccessAndSlaCountingTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static CallEvent event(CallOutcome outcome, long latencyNanos) {
    return new CallEvent(
        "x", EngineType.CUSTOM, outcome, latencyNanos, 1, 0, T0, T0.plusNanos(latencyNanos));
  }

  @Test
  void onlyASuccessIsSuccessful() {
    assertThat(CallOutcome.SUCCESS.isSuccess()).isTrue();
    for (CallOutcome o : CallOutcome.values()) {
      if (o != CallOutcome.SUCCESS) {
        assertThat(o.isSuccess()).as(o.name()).isFalse();
      }
    }
  }

  @Test
  void theSuccessRateCountsOnlySuccesses() {
    StreamingStats stats = new StreamingStats(Duration.ofSeconds(1));
    stats.record(event(CallOutcome.SUCCESS, 1_000));
    stats.record(event(CallOutcome.FAILURE, 1_000));
    stats.record(event(CallOutcome.TIMEOUT, 1_000));
    stats.record(event(CallOutcome.REJECTED, 1_000));
    assertThat(stats.snapshot().successRate()).isEqualTo(0.25);
  }

  @Test
  void aCallExactlyAtTheSlaTargetIsWithinIt() {
    StreamingStats stats = new StreamingStats(Duration.ofMillis(100));
    stats.record(100_000_000, true, 0);
    stats.record(100_000_001, true, 0);
    assertThat(stats.snapshot().slaCompliance()).isEqualTo(0.5);
  }

  @Test
  void aNewSlaTargetCountsCallsRecordedAfterIt() {
    StreamingStats stats = new StreamingStats(Duration.ofMillis(100));
    stats.record(50_000_000, true, 0);
    stats.setSlaTarget(Duration.ofMillis(10));
    stats.record(50_000_000, true, 0);
    StatsSnapshot s = stats.snapshot();
    assertThat(s.slaCompliance()).isEqualTo(0.5);
    assertThat(s.slaTarget()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void theStandardDeviationIsTheRootOfTheSampleVariance() {
    StreamingStats stats = new StreamingStats(Duration.ofSeconds(1));
    stats.record(10, true, 0);
    stats.record(20, true, 0);
    stats.record(30, true, 0);
    StatsSnapshot s = stats.snapshot();
    assertThat(s.varianceNanos2()).isCloseTo(100.0, within(1e-9));
    assertThat(s.stdDevNanos()).isCloseTo(10.0, within(1e-9));
    assertThat(s.minNanos()).isEqualTo(10);
    assertThat(s.maxNanos()).isEqualTo(30);
  }

  @Test
  void anEventsLatencyIsItsNanosecondsAsADuration() {
    assertThat(event(CallOutcome.SUCCESS, 1_500_000).latency())
        .isEqualTo(Duration.ofNanos(1_500_000));
  }
}
