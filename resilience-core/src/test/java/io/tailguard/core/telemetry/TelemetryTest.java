package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryTest {

  final FakeClock clock = new FakeClock();

  Telemetry telemetry() {
    return new Telemetry(
        TelemetryConfig.builder()
            .slaTarget(Duration.ofMillis(100))
            .costPerAttempt(2)
            .instance("cheap", new TelemetryConfig.InstanceSettings(Duration.ofMillis(10), 0.5))
            .build(),
        clock);
  }

  @Test
  void callEndedBuildsTheEventAndFeedsStatsLatencyLogAndRecordings() {
    Telemetry t = telemetry();
    Recording r = t.startRecording("run-1");
    List<CallEvent> seen = new ArrayList<>();
    t.subscribe(seen::add);
    clock.advance(Duration.ofSeconds(5));
    t.callEnded("search", EngineType.HEDGE, CallOutcome.SUCCESS, 50_000_000, 2);
    t.callEnded("search", EngineType.HEDGE, CallOutcome.FAILURE, 150_000_000, 1);
    t.callEnded("cheap", EngineType.RETRY, CallOutcome.SUCCESS, 5_000_000, 3);
    CallEvent first = seen.get(0);
    assertThat(first.end()).isEqualTo(clock.instant());
    assertThat(first.start()).isEqualTo(clock.instant().minusMillis(50));
    assertThat(first.costUnits()).isEqualTo(4.0);
    assertThat(seen.get(2).costUnits()).isEqualTo(1.5);
    StatsSnapshot search = t.stats(EngineType.HEDGE, "search").orElseThrow();
    assertThat(search.count()).isEqualTo(2);
    assertThat(search.successRate()).isEqualTo(0.5);
    assertThat(search.slaCompliance()).isEqualTo(0.5);
    assertThat(search.totalCost()).isEqualTo(6.0);
    assertThat(t.stats(EngineType.RETRY, "cheap").orElseThrow().slaCompliance()).isEqualTo(1.0);
    assertThat(t.stats(EngineType.CIRCUIT_BREAKER, "search")).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(t.latency(EngineType.HEDGE, "search").orElseThrow().count()).isEqualTo(2);
    assertThat(t.eventLog().size()).isEqualTo(3);
    assertThat(r.events()).hasSize(3);
    assertThat(t.describe()).containsKeys("instances", "eventLog", "recordings", "config");
  }

  @Test
  void aFailingSubscriberIsCountedAndSkipped() {
    Telemetry t = telemetry();
    t.subscribe(
        e -> {
          throw new IllegalStateException("bad subscriber");
        });
    List<CallEvent> seen = new ArrayList<>();
    t.subscribe(seen::add);
    t.callEnded("x", EngineType.CUSTOM, CallOutcome.SUCCESS, 1, 1);
    assertThat(seen).hasSize(1);
    assertThat(t.describe()).containsEntry("subscriberFailures", 1L);
  }

  @Test
  void aFloodOfInstanceNamesIsCapped() {
    Telemetry t = telemetry();
    for (int i = 0; i < Telemetry.MAX_INSTANCES + 50; i++) {
      t.callEnded("n" + i, EngineType.CUSTOM, CallOutcome.SUCCESS, 1, 1);
    }
    assertThat(t.describe()).containsEntry("untrackedInstances", 50L);
    assertThat(t.eventLog().total()).isEqualTo(Telemetry.MAX_INSTANCES + 50);
  }

  @Test
  void recordingsAreUniqueByNameAndRemovable() {
    Telemetry t = telemetry();
    t.startRecording("a");
    assertThatThrownBy(() -> t.startRecording("a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a recording named 'a' exists already; remove it first");
    assertThat(t.removeRecording("a"))
        .hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(Recording.State.STOPPED));
    assertThat(t.recording("a")).isEmpty();
  }

  @Test
  void reconfigureAppliesSlaTargetsAndResizesTheLog() {
    Telemetry t = telemetry();
    for (int i = 0; i < 20; i++) {
      t.callEnded("search", EngineType.HEDGE, CallOutcome.SUCCESS, 50_000_000, 1);
    }
    t.reconfigure(
        t.config().toBuilder().slaTarget(Duration.ofMillis(10)).eventLogCapacity(5).build());
    t.callEnded("search", EngineType.HEDGE, CallOutcome.SUCCESS, 50_000_000, 1);
    assertThat(t.stats(EngineType.HEDGE, "search").orElseThrow().slaCompliance())
        .isEqualTo(20.0 / 21);
    assertThat(t.eventLog().capacity()).isEqualTo(5);
    assertThat(t.eventLog().size()).isEqualTo(5);
  }

  @Test
  void badConfigIsRefused() {
    assertThatThrownBy(() -> TelemetryConfig.builder().eventLogCapacity(0))
        .hasMessage("eventLogCapacity must be in [1, 10000000], was 0");
    assertThatThrownBy(() -> TelemetryConfig.builder().costPerAttempt(-1))
        .hasMessage("costPerAttempt must be in [0, 1000000000000], was -1");
    assertThatThrownBy(
            () ->
                TelemetryConfig.builder()
                    .latencyWindow(Duration.ofSeconds(1))
                    .latencyInterval(Duration.ofSeconds(2))
                    .build())
        .hasMessage("latencyInterval must be at most latencyWindow (1s), was 2s");
    assertThatThrownBy(() -> new TelemetryConfig.InstanceSettings(Duration.ZERO, null))
        .hasMessage("slaTarget must be in [1ms, 1d], was 0ms");
    assertThatThrownBy(() -> new Telemetry(null, clock)).hasMessage("config must not be null");
  }
}
