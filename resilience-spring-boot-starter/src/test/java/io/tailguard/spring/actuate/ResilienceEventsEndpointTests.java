package io.tailguard.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.telemetry.CallEvent;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.core.telemetry.TelemetryConfig;
import io.tailguard.core.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * The events endpoint's queries have a bounded cost: out-of-range parameters are refused (400 over
 * HTTP) naming the parameter and its range, never clamped. Before, one request for 100,000
 * overlapping windows of 100,000 s cost about 10^9 steps, and an overflowing {@code seconds} or an
 * unknown engine was a 500.
 */
class ResilienceEventsEndpointTests {

  final Telemetry telemetry =
      new Telemetry(TelemetryConfig.builder().eventLogCapacity(50).build(), Clock.system());
  final ResilienceEventsEndpoint endpoint = new ResilienceEventsEndpoint(telemetry);

  static void refused(Runnable query, String message) {
    assertThatThrownBy(query::run)
        .isInstanceOfSatisfying(
            InvalidEndpointRequestException.class,
            e -> assertThat(e.getReason()).isEqualTo(message))
        .hasMessage(message);
  }

  @Test
  void windowQueriesOverTheirBoundsAreRefusedNamingTheParameterAndItsRange() {
    refused(
        () -> endpoint.windows("windows", 100_000L, 100_000L, 1L, null, null),
        "step must be in [100, 604800] for seconds=100000 (at most 1000 windows per query), was"
            + " 1");
    refused(
        () -> endpoint.windows("windows", 1000L, null, 0L, null, null),
        "step must be in [1, 604800] for seconds=1000 (at most 1000 windows per query), was 0");
    // The default step is the window: 300 s in windows of 0.2 s would be 1500 windows.
    refused(
        () -> endpoint.windows("windows", 604_800L, 1L, null, null, null),
        "step must be in [605, 604800] for seconds=604800 (at most 1000 windows per query), was"
            + " 1");
    refused(
        () -> endpoint.windows("windows", 604_801L, null, null, null, null),
        "seconds must be in [1, 604800], was 604801");
    refused(
        () -> endpoint.windows("windows", Long.MAX_VALUE, null, null, null, null),
        "seconds must be in [1, 604800], was 9223372036854775807");
    refused(
        () -> endpoint.windows("windows", null, 0L, null, null, null),
        "window must be in [1, 604800], was 0");
    refused(
        () -> endpoint.windows("windows", null, null, null, null, "nope"),
        "engine must be one of [circuit-breaker, hedge, retry, rate-limiter, custom], was 'nope'");
  }

  @Test
  void eventQueriesOverTheirBoundsAreRefusedNamingTheParameterAndItsRange() {
    refused(() -> endpoint.events(0L, null, null, null), "seconds must be in [1, 604800], was 0");
    refused(() -> endpoint.events(-1L, null, null, null), "seconds must be in [1, 604800], was -1");
    // limit is bounded by what the log keeps.
    refused(() -> endpoint.events(null, null, null, -1), "limit must be in [0, 50], was -1");
    refused(() -> endpoint.events(null, null, null, 51), "limit must be in [0, 50], was 51");
  }

  @Test
  void queriesAtTheBoundsAreAnswered() {
    // Ten seconds ago (the endpoint reads the wall clock), so well inside the last window.
    Instant end = Instant.now().minusSeconds(10);
    for (CallOutcome outcome : List.of(CallOutcome.SUCCESS, CallOutcome.FAILURE)) {
      telemetry.accept(
          new CallEvent("search", EngineType.HEDGE, outcome, 2_000_000, 1, 1, end, end));
    }
    @SuppressWarnings("unchecked")
    List<Object> windows =
        (List<Object>)
            endpoint.windows("windows", 100_000L, 100_000L, 100L, null, "hedge").get("windows");
    assertThat(windows).hasSize(1000);
    assertThat(windows.get(999)).asString().contains("count=2").contains("failures=1");
    assertThat(endpoint.windows("windows", 604_800L, 1L, 605L, null, null)).isNotNull();
    assertThat(endpoint.events(604_800L, "search", "HEDGE", 50)).containsEntry("matched", 2);
    assertThat(endpoint.events(1L, null, null, 0)).containsEntry("events", List.of());
  }
}
