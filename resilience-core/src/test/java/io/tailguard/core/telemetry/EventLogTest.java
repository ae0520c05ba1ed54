package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static CallEvent event(
      String name, long endSecond, CallOutcome outcome, long latencyMs, double cost) {
    Instant end = T0.plusSeconds(endSecond);
    return new CallEvent(
        name,
        EngineType.CIRCUIT_BREAKER,
        outcome,
        latencyMs * 1_000_000,
        1,
        cost,
        end.minusMillis(latencyMs),
        end);
  }

  @Test
  void keepsTheMostRecentEventsInTheRing() {
    EventLog log = new EventLog(3);
    for (int i = 0; i < 5; i++) {
      log.accept(event("e" + i, i, CallOutcome.SUCCESS, 1, 0));
    }
    assertThat(log.size()).isEqualTo(3);
    assertThat(log.total()).isEqualTo(5);
    assertThat(log.lastEvents(3, null))
        .extracting(CallEvent::name)
        .containsExactly("e2", "e3", "e4");
    assertThat(log.lastEvents(2, e -> !e.name().equals("e4")))
        .extracting(CallEvent::name)
        .containsExactly("e2", "e3");
  }

  @Test
  void timeWindowQueriesAreRelativeToTheReference() {
    EventLog log = new EventLog(1000);
    for (int s = 0; s < 7200; s += 30) { // one every 30 s for two hours
      log.accept(event(s % 60 == 0 ? "a" : "b", s, CallOutcome.SUCCESS, 10, 1));
    }
    Instant ref = T0.plusSeconds(7200);
    // (7140, 7200] holds 7170 only; one more second reaches 7140.
    assertThat(log.lastSeconds(60, ref, null)).hasSize(1);
    assertThat(log.lastSeconds(61, ref, null)).hasSize(2);
    assertThat(log.lastMinutes(10, ref, null)).hasSize(19);
    assertThat(log.lastMinutes(10, ref, e -> e.name().equals("a"))).hasSize(9);
    assertThat(log.lastHours(1, ref, null)).hasSize(119);
    assertThat(log.lastHours(3, ref, null)).hasSize(240);
    assertThat(log.last(Duration.ofSeconds(45), ref, null))
        .extracting(e -> e.end().getEpochSecond() - T0.getEpochSecond())
        .containsExactly(7170L);
    assertThat(log.between(T0.plusSeconds(60), T0.plusSeconds(150), null))
        .extracting(e -> e.end().getEpochSecond() - T0.getEpochSecond())
        .containsExactly(60L, 90L, 120L);
  }

  @Test
  void windowedMetricsOverlappingAndNot() {
    EventLog log = new EventLog(100);
    log.accept(event("x", 0, CallOutcome.SUCCESS, 10, 1));
    log.accept(event("x", 5, CallOutcome.FAILURE, 30, 2));
    log.accept(event("x", 10, CallOutcome.SUCCESS, 20, 3));
    log.accept(event("x", 15, CallOutcome.REJECTED, 0, 0));
    log.accept(event("x", 25, CallOutcome.SUCCESS, 40, 4));

    List<WindowMetrics> tumbling =
        log.windows(T0, T0.plusSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), null);
    assertThat(tumbling).extracting(WindowMetrics::count).containsExactly(2L, 2L, 1L);
    assertThat(tumbling.get(0).meanLatencyNanos()).isEqualTo(20_000_000);
    assertThat(tumbling.get(0).totalCost()).isEqualTo(3);
    assertThat(tumbling.get(0).successes()).isEqualTo(1);
    assertThat(tumbling.get(0).failures()).isEqualTo(1);
    assertThat(tumbling.get(1).failures()).isEqualTo(1); // the rejection
    assertThat(tumbling.get(2).start()).isEqualTo(T0.plusSeconds(20));

    List<WindowMetrics> sliding =
        log.windows(T0, T0.plusSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(5), null);
    assertThat(sliding).extracting(WindowMetrics::count).containsExactly(2L, 2L, 2L, 1L);
    assertThat(sliding.get(3).end()).isEqualTo(T0.plusSeconds(25)); // reaches past `to`

    List<WindowMetrics> gaps =
        log.windows(
            T0, T0.plusSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(10), e -> true);
    assertThat(gaps).extracting(WindowMetrics::count).containsExactly(1L, 1L, 0L);
    assertThat(gaps.get(2).meanLatencyNanos()).isZero();
  }

  @Test
  void windowsMatchCountingEachWindowAfreshForOverlapsGapsAndTheEdges() {
    // Each window is read off prefix sums; these must be exactly what summing it afresh gives.
    java.util.Random random = new java.util.Random(42);
    EventLog log = new EventLog(500);
    CallOutcome[] outcomes = CallOutcome.values();
    for (int i = 0; i < 500; i++) {
      log.accept(
          event(
              random.nextBoolean() ? "a" : "b",
              random.nextInt(120),
              outcomes[random.nextInt(outcomes.length)],
              random.nextInt(1000),
              random.nextInt(5)));
    }
    java.util.function.Predicate<CallEvent> onlyA = e -> e.name().equals("a");
    long[][] sizesAndSteps = {{10, 10}, {30, 1}, {7, 3}, {1, 9}, {200, 1}, {1, 1}};
    for (long[] sizeAndStep : sizesAndSteps) {
      for (java.util.function.Predicate<CallEvent> filter : java.util.Arrays.asList(null, onlyA)) {
        Instant from = T0.plusSeconds(5);
        Instant to = T0.plusSeconds(115);
        Duration size = Duration.ofSeconds(sizeAndStep[0]);
        List<WindowMetrics> windows =
            log.windows(from, to, size, Duration.ofSeconds(sizeAndStep[1]), filter);
        assertThat(windows).isNotEmpty();
        for (WindowMetrics w : windows) {
          Instant stop = w.end().isBefore(to) ? w.end() : to;
          List<CallEvent> in = log.between(w.start(), stop, filter);
          long successes = in.stream().filter(e -> e.outcome().isSuccess()).count();
          double cost = in.stream().mapToDouble(CallEvent::costUnits).sum();
          double latency = in.stream().mapToDouble(CallEvent::latencyNanos).sum();
          assertThat(w.count()).isEqualTo(in.size());
          assertThat(w.successes()).isEqualTo(successes);
          assertThat(w.failures()).isEqualTo(in.size() - successes);
          assertThat(w.totalCost()).isEqualTo(cost);
          assertThat(w.meanLatencyNanos()).isEqualTo(in.isEmpty() ? 0 : latency / in.size());
        }
      }
    }
  }

  @Test
  void badArgumentsAreRefused() {
    EventLog log = new EventLog(10);
    assertThatThrownBy(() -> new EventLog(0))
        .hasMessage("capacity must be in [1, 10000000], was 0");
    assertThatThrownBy(() -> log.accept(null)).hasMessage("event must not be null");
    assertThatThrownBy(() -> log.last(Duration.ZERO, T0, null))
        .hasMessage("span must be positive, was PT0S");
    assertThatThrownBy(() -> log.last(Duration.ofSeconds(1), null, null))
        .hasMessage("reference must not be null");
    assertThatThrownBy(() -> log.lastSeconds(0, T0, null))
        .hasMessage("seconds must be in [1, 1000000000], was 0");
    assertThatThrownBy(() -> log.lastEvents(11, null)).hasMessage("n must be in [0, 10], was 11");
    assertThatThrownBy(() -> log.between(T0.plusSeconds(1), T0, null))
        .hasMessageStartingWith("to must not be before from");
    assertThatThrownBy(
            () -> log.windows(T0, T0.plusSeconds(1), Duration.ZERO, Duration.ofSeconds(1), null))
        .hasMessage("size must be positive, was PT0S");
    assertThatThrownBy(
            () -> log.windows(T0, T0.plusSeconds(1), Duration.ofSeconds(1), Duration.ZERO, null))
        .hasMessage("step must be positive, was PT0S");
    assertThatThrownBy(
            () ->
                log.windows(
                    T0,
                    T0.plusSeconds(1_000_000),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    null))
        .hasMessage("the range holds 1000000 windows; at most 100000 are computed");
    assertThatThrownBy(
            () -> new CallEvent("x", EngineType.HEDGE, CallOutcome.SUCCESS, -1, 1, 0, T0, T0))
        .hasMessage("latencyNanos must be in [0, 9223372036854775807], was -1");
    assertThatThrownBy(
            () ->
                new CallEvent("x", EngineType.HEDGE, CallOutcome.SUCCESS, 1, 1, Double.NaN, T0, T0))
        .hasMessage("costUnits must be a finite number >= 0, was NaN");
    assertThatThrownBy(
            () ->
                new CallEvent(
                    "x", EngineType.HEDGE, CallOutcome.SUCCESS, 1, 1, 0, T0, T0.minusSeconds(1)))
        .hasMessageStartingWith("end must not be before start");
  }
}
