package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.circuitbreaker.CircuitEvent.StateTransition;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The adaptive threshold: an EWMA of each completed bucket's failure rate and of its variance; once
 * {@code buckets} buckets are learned the breaker also opens at {@code min(failureRateThreshold,
 * max(floor, mean + sensitivity * stdDev))}.
 */
class AdaptiveThresholdTest {

  @Nested
  class Baseline {

    @Test
    void followsTheIncrementalEwmaOfMeanAndVariance() {
      AdaptiveBaseline b = new AdaptiveBaseline();

      b.add(0.0, 0.5); // the first sample is the mean
      assertThat(b.mean()).isEqualTo(0.0);
      assertThat(b.stdDev()).isEqualTo(0.0);
      b.add(1.0, 0.5); // diff 1, incr 0.5: mean 0.5, variance 0.5 * (0 + 1 * 0.5)
      assertThat(b.mean()).isEqualTo(0.5);
      assertThat(b.stdDev()).isCloseTo(Math.sqrt(0.25), within(1e-12));
      b.add(0.0, 0.5); // diff -0.5, incr -0.25: mean 0.25, variance 0.5 * (0.25 + 0.125)
      assertThat(b.mean()).isEqualTo(0.25);
      assertThat(b.stdDev()).isCloseTo(Math.sqrt(0.1875), within(1e-12));
      assertThat(b.samples()).isEqualTo(3);
    }

    @Test
    void aSmallAlphaMovesTheMeanSlowly() {
      AdaptiveBaseline b = new AdaptiveBaseline();
      b.add(0.0, 0.1);

      b.add(1.0, 0.1);

      assertThat(b.mean()).isCloseTo(0.1, within(1e-12));
      assertThat(b.stdDev()).isCloseTo(Math.sqrt(0.9 * 0.1), within(1e-12));
    }

    @Test
    void theThresholdIsUnknownUntilWarmThenBoundedByFloorAndCap() {
      AdaptiveBaseline b = new AdaptiveBaseline();
      AdaptiveThreshold settings = new AdaptiveThreshold(true, 2, 0.1);
      b.add(0.0, 0.5);
      b.add(1.0, 0.5);
      assertThat(b.threshold(settings, 1.0, 3)).as("2 of 3 buckets learned").isNaN();
      b.add(0.0, 0.5); // mean 0.25, std-dev 0.433

      assertThat(b.threshold(settings, 1.0, 3)).isEqualTo(1.0); // 0.25 + 2 * 0.433 > 1
      assertThat(b.threshold(settings, 0.5, 3)).as("capped").isEqualTo(0.5);
      assertThat(b.threshold(new AdaptiveThreshold(true, 0.5, 0.1), 1.0, 3))
          .isCloseTo(0.25 + 0.5 * Math.sqrt(0.1875), within(1e-12));

      AdaptiveBaseline perfect = new AdaptiveBaseline();
      for (int i = 0; i < 3; i++) {
        perfect.add(0.0, 0.5);
      }
      assertThat(perfect.threshold(settings, 1.0, 3)).as("the floor").isEqualTo(0.1);
    }

    @Test
    void clearForgetsEverything() {
      AdaptiveBaseline b = new AdaptiveBaseline();
      b.add(0.3, 0.5);
      b.add(0.9, 0.5);

      b.clear();

      assertThat(b.samples()).isZero();
      assertThat(b.mean()).isZero();
      assertThat(b.stdDev()).isZero();
      b.add(0.4, 0.5);
      assertThat(b.mean()).as("the first sample after clear is the mean").isEqualTo(0.4);
    }
  }

  @Nested
  class InTheBreaker {

    private final FakeClock clock = new FakeClock();
    private final List<StateTransition> transitions = new CopyOnWriteArrayList<>();

    /** Ten one-second buckets, a static threshold far away, and the given adaptive settings. */
    private CircuitBreaker breaker(AdaptiveThreshold adaptive) {
      CircuitBreaker b =
          CircuitBreaker.builder("adaptive")
              .clock(clock)
              .config(
                  CircuitConfig.builder()
                      .rollingWindow(Duration.ofSeconds(10))
                      .buckets(10)
                      .minCalls(20)
                      .failureRateThreshold(0.5)
                      .ewmaAlpha(0.3)
                      .adaptiveThreshold(adaptive)
                      .build())
              .build();
      b.subscribe(
          e -> {
            if (e instanceof StateTransition t) {
              transitions.add(t);
            }
          });
      return b;
    }

    /**
     * Fills {@code buckets} one-second buckets of each breaker with ten calls, failing the given
     * number (cycling through {@code failuresPerBucket}).
     */
    private void history(List<CircuitBreaker> breakers, int buckets, int... failuresPerBucket) {
      for (int i = 0; i < buckets; i++) {
        int failures =
            failuresPerBucket.length == 0 ? 0 : failuresPerBucket[i % failuresPerBucket.length];
        for (CircuitBreaker b : breakers) {
          for (int call = 0; call < 10; call++) {
            if (call < failures) {
              b.acquire().failure();
            } else {
              b.acquire().success();
            }
          }
        }
        clock.advance(Duration.ofSeconds(1));
      }
    }

    private void history(CircuitBreaker b, int buckets, int... failuresPerBucket) {
      history(List.of(b), buckets, failuresPerBucket);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> learned(CircuitBreaker b) {
      return (Map<String, Object>) b.describe().get("adaptiveBaseline");
    }

    @Test
    void aDependencyThatNeverFailsTripsAtTheFloor() {
      CircuitBreaker b = breaker(new AdaptiveThreshold(true, 3, 0.05));
      history(b, 10);
      b.acquire().success(); // the first call of bucket 10 completes bucket 9: 10 learned
      assertThat(learned(b))
          .containsEntry("buckets", 10L)
          .containsEntry("meanFailureRate", 0.0)
          .containsEntry("stdDevFailureRate", 0.0);
      for (int i = 0; i < 9; i++) {
        b.acquire().success();
      }
      // The window now holds buckets 1 to 10: 100 successes. 5 failures are 4.8%, 6 are 5.7%.
      for (int i = 0; i < 5; i++) {
        b.acquire().failure();
      }
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      b.acquire().failure();

      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      StateTransition t = transitions.get(0);
      assertThat(t.reason()).isEqualTo(TransitionReason.ADAPTIVE_THRESHOLD);
      assertThat(t.metrics().failureRate()).isCloseTo(6.0 / 106, within(1e-12));
    }

    @Test
    void nothingTripsOnTheAdaptiveThresholdBeforeAFullWindowIsLearned() {
      CircuitBreaker b = breaker(new AdaptiveThreshold(true, 3, 0.05));
      history(b, 9);
      b.acquire().success(); // 9 buckets learned

      for (int i = 0; i < 20; i++) {
        b.acquire().failure(); // 20 of 111: 18%, far above the floor, below the static 50%
      }

      assertThat(learned(b)).containsEntry("buckets", 9L);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    /**
     * Feeds failures one at a time and returns the failure rate of the window just before the
     * breaker opened and the transition that opened it.
     */
    private double[] failUntilOpen(CircuitBreaker b) {
      double before = b.metrics().failureRate();
      for (int i = 0; i < 1000 && b.state() == CircuitState.CLOSED; i++) {
        before = b.metrics().failureRate();
        b.acquire().failure();
      }
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      return new double[] {before, transitions.get(transitions.size() - 1).metrics().failureRate()};
    }

    @Test
    void aNoisyHistoryTripsAtMeanPlusSensitivityTimesStdDev() {
      CircuitBreaker b = breaker(new AdaptiveThreshold(true, 1.5, 0.01));
      history(b, 10, 0, 2); // buckets alternate 0% and 20%
      b.acquire().success(); // completes bucket 9: 10 learned
      double mean = (double) learned(b).get("meanFailureRate");
      double stdDev = (double) learned(b).get("stdDevFailureRate");
      assertThat(mean).isBetween(0.05, 0.15);
      assertThat(stdDev).isGreaterThan(0.05);
      double threshold = Math.min(0.5, Math.max(0.01, mean + 1.5 * stdDev));

      double[] rates = failUntilOpen(b);

      assertThat(transitions.get(0).reason()).isEqualTo(TransitionReason.ADAPTIVE_THRESHOLD);
      assertThat(rates[0]).as("the last rate that did not trip").isLessThan(threshold);
      assertThat(rates[1]).as("the rate that tripped").isGreaterThanOrEqualTo(threshold);
    }

    @Test
    void moreSensitivityToleratesMoreNoise() {
      CircuitBreaker tolerant = breaker(new AdaptiveThreshold(true, 3, 0.01));
      CircuitBreaker sensitive = breaker(new AdaptiveThreshold(true, 0.5, 0.01));
      history(List.of(tolerant, sensitive), 10, 0, 2); // the same history, side by side

      double tolerantTrip = failUntilOpen(tolerant)[1];
      double sensitiveTrip = failUntilOpen(sensitive)[1];
      assertThat(transitions)
          .extracting(StateTransition::reason)
          .containsOnly(TransitionReason.ADAPTIVE_THRESHOLD);

      assertThat(sensitiveTrip).isLessThan(tolerantTrip);
    }

    @Test
    void theLearnedBaselineSurvivesTransitionsAndResetForgetsIt() {
      CircuitBreaker b = breaker(new AdaptiveThreshold(true, 3, 0.05));
      history(b, 10);
      b.acquire().success();
      assertThat(learned(b)).containsEntry("buckets", 10L);

      b.forceOpen();
      b.close();
      assertThat(learned(b)).containsEntry("buckets", 10L);

      b.reset();
      assertThat(learned(b)).containsEntry("buckets", 0L);
    }

    @Test
    void aDisabledThresholdLearnsNothing() {
      CircuitBreaker b = breaker(AdaptiveThreshold.DISABLED);
      history(b, 12, 1);
      assertThat(b.describe()).doesNotContainKey("adaptiveBaseline");

      b.reconfigure(c -> c.adaptiveThreshold(AdaptiveThreshold.enabled(3)));

      assertThat(learned(b)).containsEntry("buckets", 0L);
      b.acquire().success(); // completes bucket 11, the first bucket to end while enabled
      assertThat(learned(b)).containsEntry("buckets", 1L);
    }
  }
}
