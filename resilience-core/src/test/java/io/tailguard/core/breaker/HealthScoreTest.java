package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The health score of DESIGN.md and {@code docs/circuit-breaker.md}: 50% success rate, 30% latency,
 * 20% jitter, on bands interpolated linearly; DEGRADED below {@code minHealthScore}.
 */
class HealthScoreTest {

  private static final double MS = 1e6;

  @Nested
  class Bands {

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
      "0, 1.0",
      "50, 1.0",
      "100, 1.0",
      "175, 0.9",
      "250, 0.8",
      "375, 0.7",
      "500, 0.6",
      "750, 0.5",
      "1000, 0.4",
      "1500, 0.3",
      "2000, 0.2",
      "3500, 0.1",
      "5000, 0.0",
      "60000, 0.0"
    })
    void latency(double millis, double score) {
      assertThat(HealthScore.latencyScore(millis)).isCloseTo(score, within(1e-12));
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
      "0, 1.0",
      "50, 1.0",
      "75, 0.85",
      "100, 0.7",
      "175, 0.55",
      "250, 0.4",
      "375, 0.2",
      "500, 0.0",
      "10000, 0.0"
    })
    void jitter(double millis, double score) {
      assertThat(HealthScore.jitterScore(millis)).isCloseTo(score, within(1e-12));
    }

    @Test
    void noEvidenceOfTroubleScoresFull() {
      assertThat(HealthScore.latencyScore(Double.NaN)).isEqualTo(1.0);
      assertThat(HealthScore.jitterScore(Double.NaN)).isEqualTo(1.0);
      assertThat(HealthScore.latencyScore(-1)).isEqualTo(1.0);
    }

    @Test
    void bandsNeverRiseWithLatencyOrJitter() {
      double lastLatency = 1;
      double lastJitter = 1;
      for (double ms = 0; ms <= 6000; ms += 0.5) {
        double latency = HealthScore.latencyScore(ms);
        double jitter = HealthScore.jitterScore(ms);
        assertThat(latency).as("latency %s ms", ms).isBetween(0.0, lastLatency);
        assertThat(jitter).as("jitter %s ms", ms).isBetween(0.0, lastJitter);
        lastLatency = latency;
        lastJitter = jitter;
      }
    }
  }

  @Nested
  class Weights {

    @ParameterizedTest(name = "success {0}, mean {1} ms, std-dev {2} ms -> {3}")
    @CsvSource({
      "1.0, 0, 0, 1.0",
      "0.0, 0, 0, 0.5", // success is half the score
      "1.0, 5000, 0, 0.7", // latency is 30%
      "1.0, 0, 500, 0.8", // jitter is 20%
      "0.0, 5000, 500, 0.0",
      "0.5, 250, 100, 0.63", // 0.25 + 0.3 * 0.8 + 0.2 * 0.7
      "0.9, 1000, 250, 0.65" // 0.45 + 0.3 * 0.4 + 0.2 * 0.4
    })
    void combineAsDocumented(double success, double meanMs, double stdDevMs, double score) {
      assertThat(HealthScore.of(success, meanMs * MS, stdDevMs * MS))
          .isCloseTo(score, within(1e-12));
    }

    @Test
    void theSuccessRateIsClampedToTheUnitInterval() {
      assertThat(HealthScore.of(1.5, 0, 0)).isEqualTo(1.0);
      assertThat(HealthScore.of(-0.5, 0, 0)).isEqualTo(0.5);
    }

    @Test
    void theScoreStaysInTheUnitIntervalAndMovesTheRightWay() {
      double[] rates = {0, 0.1, 0.5, 0.9, 1};
      double[] millis = {0, 60, 100, 180, 250, 400, 500, 900, 1000, 1800, 2000, 4000, 5000, 9000};
      for (double rate : rates) {
        for (double mean : millis) {
          for (double sd : millis) {
            double s = HealthScore.of(rate, mean * MS, sd * MS);
            assertThat(s).isBetween(0.0, 1.0);
            assertThat(HealthScore.of(rate, (mean + 10) * MS, sd * MS)).isLessThanOrEqualTo(s);
            assertThat(HealthScore.of(rate, mean * MS, (sd + 10) * MS)).isLessThanOrEqualTo(s);
            assertThat(HealthScore.of(Math.min(1, rate + 0.05), mean * MS, sd * MS))
                .isGreaterThanOrEqualTo(s);
          }
        }
      }
    }
  }

  @Nested
  class InTheBreaker {

    private final FakeClock clock = new FakeClock();

    private CircuitBreaker breaker(double minHealthScore) {
      return CircuitBreaker.builder("health")
          .clock(clock)
          .config(
              CircuitConfig.builder()
                  .minCalls(4)
                  .failureRateThreshold(1.0)
                  .rollingWindow(Duration.ofSeconds(10))
                  .minHealthScore(minHealthScore)
                  .build())
          .build();
    }

    private void call(CircuitBreaker b, long millis, boolean fail) {
      CallGuard g = b.acquire();
      clock.advanceMillis(millis);
      if (fail) {
        g.failure();
      } else {
        g.success();
      }
    }

    /** Latencies 100, 100, 300, 300 ms: mean 200 ms, std-dev 100 ms, score 0.9. */
    private void unevenCalls(CircuitBreaker b) {
      call(b, 100, false);
      call(b, 100, false);
      call(b, 300, false);
      call(b, 300, false);
    }

    @Test
    void isFullWhileTheWindowHoldsFewerThanMinCalls() {
      CircuitBreaker b = breaker(0.5);
      call(b, 9000, true);
      call(b, 9000, true);
      call(b, 9000, true);

      assertThat(b.healthScore()).isEqualTo(1.0);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void comesFromTheWindowsSuccessRateMeanAndStdDev() {
      CircuitBreaker b = breaker(0.5);
      unevenCalls(b);

      CircuitMetrics m = b.metrics();
      assertThat(m.meanLatencyNanos()).isCloseTo(200 * MS, within(1e-3));
      assertThat(m.latencyStdDevNanos()).isCloseTo(100 * MS, within(1.0));
      double latency = 1 - 0.2 * (100.0 / 150); // 200 ms, between the 100 and 250 ms points
      assertThat(b.healthScore()).isCloseTo(0.5 + 0.3 * latency + 0.2 * 0.7, within(1e-6));
      assertThat(m.healthScore()).isEqualTo(b.healthScore());
      assertThat(b.describe()).containsEntry("healthScore", m.healthScore());
    }

    @Test
    void failuresLowerTheSuccessPart() {
      CircuitBreaker b = breaker(0.5);
      call(b, 0, false);
      call(b, 0, true);
      call(b, 0, false);
      call(b, 0, true);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.healthScore()).isCloseTo(0.5 * 0.5 + 0.3 + 0.2, within(1e-12));
    }

    @Test
    void belowMinHealthScoreAClosedBreakerIsDegraded() {
      CircuitBreaker b = breaker(0.91);
      unevenCalls(b); // 0.9

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(b.describe()).containsEntry("healthStatus", "DEGRADED");
    }

    @Test
    void atOrAboveMinHealthScoreAClosedBreakerIsUp() {
      CircuitBreaker b = breaker(0.89);
      unevenCalls(b); // 0.9

      assertThat(b.healthStatus()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void recoversWhenTheSlowCallsLeaveTheWindow() {
      CircuitBreaker b = breaker(0.95);
      unevenCalls(b);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.DEGRADED);

      clock.advance(Duration.ofSeconds(10));

      assertThat(b.metrics().windowCalls()).isZero();
      assertThat(b.healthScore()).isEqualTo(1.0);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aScoreChangeMovesTheStatusWithoutATransition() {
      CircuitBreaker b = breaker(0.91);
      b.reconfigure(c -> c.minHealthScore(0.5));
      unevenCalls(b);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.UP);

      b.reconfigure(c -> c.minHealthScore(0.91));

      assertThat(b.healthStatus()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }
  }
}
