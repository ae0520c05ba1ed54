package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the telemetry hub reports (every figure of {@code describe()} in its unit), how
 * subscriptions and recordings are looked up and removed, and a new latency window applied to
 * existing instances.
 */
class TelemetryReportTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();

  Telemetry telemetry() {
    return new Telemetry(
        TelemetryConfig.builder().slaTarget(Duration.ofMillis(25)).costPerAttempt(2).build(),
        clock);
  }

  @Test
  @SuppressWarnings("unchecked")
  void describeReportsEachInstanceInMillisecondsAndCost() {
    Telemetry t = telemetry();
    t.callEnded("search", EngineType.HEDGE, CallOutcome.SUCCESS, 10 * MS, 1);
    t.callEnded("search", EngineType.HEDGE, CallOutcome.FAILURE, 30 * MS, 2);
    clock.advance(Duration.ofSeconds(1));
    Map<String, Object> d = t.describe();
    Map<String, Object> instances = (Map<String, Object>) d.get("instances");
    assertThat(instances).containsOnlyKeys("hedge:search");
    Map<String, Object> one = (Map<String, Object>) instances.get("hedge:search");
    assertThat(one)
        .containsEntry("engine", "HEDGE")
        .containsEntry("name", "search")
        .containsEntry("calls", 2L)
        .containsEntry("successRate", 0.5)
        .containsEntry("minMillis", 10.0)
        .containsEntry("maxMillis", 30.0)
        .containsEntry("slaTargetMillis", 25.0)
        .containsEntry("slaCompliance", 0.5)
        .containsEntry("totalCost", 6.0)
        .containsEntry("meanCost", 3.0)
        .containsEntry("costPerThousand", 3_000.0)
        .containsEntry("costPerMillion", 3_000_000.0);
    assertThat((double) one.get("meanMillis")).isCloseTo(20.0, within(1e-9));
    assertThat((double) one.get("stdDevMillis")).isCloseTo(Math.sqrt(200), within(1e-9));
    // Percentiles from the histogram, to its 1%.
    assertThat((double) one.get("p50Millis")).isCloseTo(10.0, within(0.1));
    assertThat((double) one.get("p95Millis")).isCloseTo(30.0, within(0.3));
    assertThat((double) one.get("p99Millis")).isCloseTo(30.0, within(0.3));
    assertThat((double) one.get("p999Millis")).isCloseTo(30.0, within(0.3));

    assertThat(d.get("eventLog")).isEqualTo(Map.of("capacity", 10_000, "size", 2, "total", 2L));
    assertThat(d).containsEntry("untrackedInstances", 0L).containsEntry("subscriberFailures", 0L);
    assertThat(d).containsEntry("config", t.config().toMap());
  }

  @Test
  @SuppressWarnings("unchecked")
  void describeListsRecordingsWithTheirStateAndCounts() {
    Telemetry t = telemetry();
    Recording r = t.startRecording("run");
    t.callEnded("x", EngineType.RETRY, CallOutcome.SUCCESS, MS, 1);
    r.pause();
    Map<String, Object> recs = (Map<String, Object>) t.describe().get("recordings");
    assertThat(recs)
        .isEqualTo(Map.of("run", Map.of("state", "PAUSED", "events", 1, "dropped", 0L)));
  }

  @Test
  void aNegativeLatencyEndsNowWithZeroLatency() {
    Telemetry t = telemetry();
    List<CallEvent> seen = new ArrayList<>();
    t.subscribe(seen::add);
    t.callEnded("x", EngineType.RETRY, CallOutcome.SUCCESS, -5, 3);
    CallEvent e = seen.get(0);
    assertThat(e.latencyNanos()).isZero();
    assertThat(e.start()).isEqualTo(e.end()).isEqualTo(clock.instant());
    assertThat(e.costUnits()).isEqualTo(6.0);
    assertThat(e.attempts()).isEqualTo(3);
  }

  @Test
  void closingASubscriptionStopsItsEvents() {
    Telemetry t = telemetry();
    List<CallEvent> seen = new ArrayList<>();
    Subscription s = t.subscribe(seen::add);
    t.callEnded("x", EngineType.RETRY, CallOutcome.SUCCESS, MS, 1);
    s.close();
    t.callEnded("x", EngineType.RETRY, CallOutcome.SUCCESS, MS, 1);
    assertThat(seen).hasSize(1);
  }

  @Test
  void recordingsAreFoundByNameAndNullFindsNothing() {
    Telemetry t = telemetry();
    Recording r = t.startRecording("run");
    assertThat(t.recording("run")).containsSame(r);
    assertThat(t.recording("other")).isEmpty();
    assertThat(t.recording(null)).isEmpty();
    assertThat(t.removeRecording(null)).isEmpty();
    assertThat(t.removeRecording("other")).isEmpty();
    r.stop();
    assertThat(t.removeRecording("run")).containsSame(r);
    assertThat(r.state()).isEqualTo(Recording.State.STOPPED);
  }

  @Test
  void aNewLatencyWindowAppliesToInstancesAlreadyTracked() {
    Telemetry t = telemetry();
    t.callEnded("x", EngineType.RETRY, CallOutcome.SUCCESS, MS, 1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(t.latency(EngineType.RETRY, "x").orElseThrow().count()).isEqualTo(1);
    t.reconfigure(t.config().toBuilder().latencyWindow(Duration.ofSeconds(2)).build());
    clock.advance(Duration.ofSeconds(2));
    assertThat(t.latency(EngineType.RETRY, "x").orElseThrow().count()).isZero();
    assertThat(t.latency(EngineType.RETRY, "unknown")).isEmpty();
  }

  @Test
  void aNewCapacityKeepsTheMostRecentEventsAndAnUnchangedOneKeepsTheLog() {
    Telemetry t = telemetry();
    for (int i = 0; i < 4; i++) {
      t.callEnded("e" + i, EngineType.RETRY, CallOutcome.SUCCESS, MS, 1);
    }
    EventLog before = t.eventLog();
    t.reconfigure(t.config().toBuilder().slaTarget(Duration.ofMillis(50)).build());
    assertThat(t.eventLog()).isSameAs(before);
    t.reconfigure(t.config().toBuilder().eventLogCapacity(2).build());
    assertThat(t.eventLog().lastEvents(2, null))
        .extracting(CallEvent::name)
        .containsExactly("e2", "e3");
  }
}
