package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event log's order (by end time, whatever the arrival order), how many events {@code
 * lastEvents} returns, and the edges of windowed metrics.
 */
class EventLogOrderAndWindowEdgesTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static CallEvent endingAt(String name, long second, CallOutcome outcome) {
    Instant end = T0.plusSeconds(second);
    return new CallEvent(name, EngineType.RETRY, outcome, 1_000_000, 1, 1, end, end);
  }

  @Test
  void timeQueriesAreOrderedByEndNotByArrival() {
    EventLog log = new EventLog(10);
    // A slow call that started first ends last but is reported in between.
    log.accept(endingAt("c", 3, CallOutcome.SUCCESS));
    log.accept(endingAt("a", 1, CallOutcome.SUCCESS));
    log.accept(endingAt("b", 2, CallOutcome.SUCCESS));
    assertThat(log.between(T0, T0.plusSeconds(10), null))
        .extracting(CallEvent::name)
        .containsExactly("a", "b", "c");
    assertThat(log.last(Duration.ofSeconds(10), T0.plusSeconds(5), null))
        .extracting(CallEvent::name)
        .containsExactly("a", "b", "c");
  }

  @Test
  void lastEventsReturnsAtMostNInArrivalOrder() {
    EventLog log = new EventLog(10);
    for (int i = 0; i < 5; i++) {
      log.accept(endingAt("e" + i, 10 - i, CallOutcome.SUCCESS));
    }
    assertThat(log.lastEvents(2, null)).extracting(CallEvent::name).containsExactly("e3", "e4");
    assertThat(log.lastEvents(5, null))
        .extracting(CallEvent::name)
        .containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(log.lastEvents(10, null)).hasSize(5);
    assertThat(log.lastEvents(0, null)).isEmpty();
  }

  @Test
  void windowsAfterTheLastEventAreEmpty() {
    EventLog log = new EventLog(10);
    log.accept(endingAt("only", 0, CallOutcome.SUCCESS));
    List<WindowMetrics> w =
        log.windows(T0, T0.plusSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), null);
    assertThat(w).extracting(WindowMetrics::count).containsExactly(1L, 0L, 0L);
  }

  @Test
  void aWindowCountsSuccessesAndTheRestApart() {
    EventLog log = new EventLog(10);
    log.accept(endingAt("a", 1, CallOutcome.SUCCESS));
    log.accept(endingAt("b", 2, CallOutcome.FAILURE));
    log.accept(endingAt("c", 3, CallOutcome.TIMEOUT));
    WindowMetrics w =
        log.windows(T0, T0.plusSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), null)
            .get(0);
    assertThat(w.successes()).isEqualTo(1);
    assertThat(w.failures()).isEqualTo(2);
    assertThat(w.totalCost()).isEqualTo(3.0);
    assertThat(w.meanLatencyNanos()).isEqualTo(1_000_000.0);
  }

  @Test
  void exactlyTheLargestNumberOfWindowsIsComputed() {
    EventLog log = new EventLog(1);
    List<WindowMetrics> w =
        log.windows(
            T0, T0.plusSeconds(100_000), Duration.ofSeconds(1), Duration.ofSeconds(1), null);
    assertThat(w).hasSize(100_000);
    assertThat(w.get(99_999).start()).isEqualTo(T0.plusSeconds(99_999));
  }

  @Test
  void windowsRefuseAMissingOrReversedRangeByName() {
    EventLog log = new EventLog(1);
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> log.windows(null, T0, s, s, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("from must not be null");
    assertThatThrownBy(() -> log.windows(T0, null, s, s, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("to must not be null");
    assertThatThrownBy(() -> log.windows(T0.plusSeconds(1), T0, s, s, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("to must not be before from");
  }
}
