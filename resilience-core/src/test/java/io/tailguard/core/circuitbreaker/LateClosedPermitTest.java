package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A permit granted while CLOSED and reported after its window stopped being the live one changes
 * neither that window nor the state ({@code docs/circuit-breaker.md}, "Outcomes"); only the
 * lifetime totals count it. Both cases were found by {@link CircuitBreakerPropertyTest}.
 */
class LateClosedPermitTest {

  private final FakeClock clock = new FakeClock();

  private CircuitBreaker breaker(CircuitConfig.Builder config) {
    return CircuitBreaker.builder("late").clock(clock).config(config.build()).build();
  }

  @Test
  void aPermitReportedAfterTheBreakerOpenedLeavesTheTrippedWindowAlone() {
    CircuitBreaker b =
        breaker(CircuitConfig.builder().minCalls(2).failureRateThreshold(0.5).minHealthScore(0));
    CallGuard late = b.acquire();
    b.acquire().failure();
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    CircuitMetrics tripped = b.metrics();

    clock.advance(Duration.ofSeconds(1));
    late.failure();

    CircuitMetrics after = b.metrics();
    assertThat(after.windowCalls()).isEqualTo(tripped.windowCalls()).isEqualTo(2);
    assertThat(after.windowFailures()).isEqualTo(2);
    assertThat(after.consecutiveFailures()).isEqualTo(2);
    assertThat(after.healthScore()).isEqualTo(tripped.healthScore());
    assertThat(after.failedCalls()).isEqualTo(3); // the call did happen
  }

  @Test
  void aPermitReportedAfterTheWindowWasReshapedNeitherCountsNorTrips() {
    CircuitBreaker b =
        breaker(
            CircuitConfig.builder()
                .rollingWindow(Duration.ofSeconds(10))
                .minCalls(3)
                .failureRateThreshold(0.5));
    b.acquire().failure();
    b.acquire().failure();
    CallGuard late = b.acquire();

    b.reconfigure(c -> c.rollingWindow(Duration.ofSeconds(20))); // a fresh window
    late.failure(); // would be the third failure of the old window

    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(b.metrics().windowCalls()).isZero();
    assertThat(b.metrics().consecutiveFailures()).isZero();
    assertThat(b.metrics().failedCalls()).isEqualTo(3);
    b.acquire().failure();
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED); // 2 calls in the fresh window
  }
}
