package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.circuitbreaker.CircuitEvent.StateTransition;
import io.tailguard.core.circuitbreaker.CircuitRejectedException.Reason;
import io.tailguard.core.time.FakeClock;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every row of the transition table of {@code docs/circuit-breaker.md}, with time driven by a
 * {@link FakeClock}.
 */
class CircuitBreakerTransitionTest {

  private static final Duration ONE_DAY = Duration.ofDays(1);
  private static final Duration SEVEN_DAYS = Duration.ofDays(7);

  private final FakeClock clock = new FakeClock();
  private final List<StateTransition> transitions = new CopyOnWriteArrayList<>();

  private CircuitBreaker breaker(UnaryOperator<CircuitConfig.Builder> settings) {
    CircuitBreaker b =
        CircuitBreaker.builder("transitions")
            .clock(clock)
            .config(settings.apply(CircuitConfig.builder()).build())
            .build();
    b.subscribe(
        e -> {
          if (e instanceof StateTransition) {
            transitions.add((StateTransition) e);
          }
        });
    return b;
  }

  private static void succeed(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.acquire().success();
    }
  }

  private static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      b.acquire().failure();
    }
  }

  private void slowSuccess(CircuitBreaker b, Duration latency) {
    CallGuard g = b.acquire();
    clock.advance(latency);
    g.success();
  }

  private static CircuitRejectedException rejection(CircuitBreaker b) {
    CallGuard g;
    try {
      g = b.acquire();
    } catch (CircuitRejectedException e) {
      return e;
    }
    g.release();
    throw new AssertionError("expected a rejection, got a permit while " + b.state());
  }

  private StateTransition lastTransition() {
    assertThat(transitions).isNotEmpty();
    return transitions.get(transitions.size() - 1);
  }

  private void assertLastTransition(CircuitState from, CircuitState to, TransitionReason reason) {
    StateTransition t = lastTransition();
    assertThat(t.from()).as("from").isEqualTo(from);
    assertThat(t.to()).as("to").isEqualTo(to);
    assertThat(t.reason()).as("reason").isEqualTo(reason);
  }

  /** The breaker is OPEN, and the last transition says it left CLOSED for this reason. */
  private void assertOpenedBy(CircuitBreaker b, TransitionReason reason) {
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertLastTransition(CircuitState.CLOSED, CircuitState.OPEN, reason);
  }

  /** The breaker is OPEN again, and the last transition says a failed trial reopened it. */
  private void assertReopenedByFailedTrial(CircuitBreaker b) {
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertLastTransition(CircuitState.HALF_OPEN, CircuitState.OPEN, TransitionReason.TRIAL_FAILED);
  }

  /** The breaker is CLOSED, and the last transition says the trial passed. */
  private void assertClosedByPassedTrial(CircuitBreaker b) {
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertLastTransition(
        CircuitState.HALF_OPEN, CircuitState.CLOSED, TransitionReason.TRIAL_SUCCEEDED);
  }

  /**
   * Open after one failure with the cooldown (1s, at most 8s) passed: the next acquire starts the
   * trial. Calls of a second or more are slow.
   */
  private CircuitBreaker halfOpenBreaker(UnaryOperator<CircuitConfig.Builder> trial) {
    CircuitBreaker b =
        breaker(
            c ->
                trial.apply(
                    c.minCalls(1)
                        .openCooldown(ofSeconds(1))
                        .maxOpenCooldown(ofSeconds(8))
                        .slowCallDuration(ofSeconds(1))));
    fail(b, 1);
    clock.advance(ofSeconds(1));
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> halfOpen(CircuitBreaker b) {
    return (Map<String, Object>) b.describe().get("halfOpen");
  }

  // ---------------------------------------------------------------------------------------------
  // CLOSED -> OPEN

  @Nested
  class ClosedToOpen {

    @Test
    void opensWhenTheFailureRateReachesTheThresholdWithMinCalls() {
      CircuitBreaker b = breaker(c -> c.minCalls(4).failureRateThreshold(0.5));
      succeed(b, 2);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      fail(b, 1); // 4 calls, 2 failures: exactly the threshold

      assertOpenedBy(b, TransitionReason.FAILURE_RATE);
      assertThat(transitions).hasSize(1);
      assertThat(lastTransition().metrics().windowCalls()).isEqualTo(4);
      assertThat(lastTransition().metrics().failureRate()).isEqualTo(0.5);
    }

    @Test
    void staysClosedJustBelowTheFailureRateThreshold() {
      CircuitBreaker b = breaker(c -> c.minCalls(5).failureRateThreshold(0.5));
      succeed(b, 3);

      fail(b, 2); // 5 calls, rate 0.4

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().failureRate()).isEqualTo(0.4);
      assertThat(transitions).isEmpty();
    }

    @Test
    void minCallsIsRespected() {
      CircuitBreaker b = breaker(c -> c.minCalls(10).failureRateThreshold(0.1));

      fail(b, 9);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().failureRate()).isEqualTo(1.0);

      fail(b, 1);
      assertOpenedBy(b, TransitionReason.FAILURE_RATE);
    }

    @Test
    void ratesAreCheckedAfterAFailureOrASlowCallOnly() {
      CircuitBreaker b = breaker(c -> c.minCalls(4).failureRateThreshold(0.5));
      fail(b, 3); // below minCalls

      succeed(b, 1); // 4 calls at 0.75, but a fast success checks nothing

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().windowCalls()).isEqualTo(4);
      assertThat(b.metrics().failureRate()).isEqualTo(0.75);

      fail(b, 1);
      assertOpenedBy(b, TransitionReason.FAILURE_RATE);
    }

    @Test
    void aSlowSuccessChecksTheFailureRateToo() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(4).failureRateThreshold(0.5).slowCallDuration(ofSeconds(1)));
      fail(b, 2);
      succeed(b, 1);

      slowSuccess(b, ofSeconds(1)); // 4 calls, 2 failures, 1 slow

      assertOpenedBy(b, TransitionReason.FAILURE_RATE);
    }

    @Test
    void opensWhenTheSlowCallRateReachesItsThreshold() {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(4)
                      .slowCallDuration(ofSeconds(1))
                      .slowCallRateThreshold(0.5)
                      .failureRateThreshold(1.0));
      succeed(b, 2);
      slowSuccess(b, ofSeconds(1));
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      slowSuccess(b, ofSeconds(2)); // 4 calls, 2 slow

      assertOpenedBy(b, TransitionReason.SLOW_CALL_RATE);
      assertThat(lastTransition().metrics().slowCallRate()).isEqualTo(0.5);
      assertThat(lastTransition().metrics().failureRate()).isZero();
    }

    @Test
    void aCallJustUnderSlowCallDurationIsNotSlow() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(1).slowCallDuration(ofSeconds(1)).slowCallRateThreshold(0.5));

      slowSuccess(b, ofSeconds(1).minusNanos(1));

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().windowSlowCalls()).isZero();
    }

    @Test
    void opensOnConsecutiveFailuresWhateverTheWindowHolds() {
      // minCalls can never be reached, and each failure lands in a different window.
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(1_000_000)
                      .consecutiveFailuresThreshold(3)
                      .rollingWindow(ofSeconds(1))
                      .buckets(10));
      fail(b, 1);
      clock.advance(ofSeconds(5));
      fail(b, 1);
      clock.advance(ofSeconds(5));
      assertThat(b.metrics().windowCalls()).isZero();
      assertThat(b.metrics().consecutiveFailures()).isEqualTo(2);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      fail(b, 1);

      assertOpenedBy(b, TransitionReason.CONSECUTIVE_FAILURES);
    }

    @Test
    void aSuccessEndsTheRunOfConsecutiveFailures() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(1000).consecutiveFailuresThreshold(3).failureRateThreshold(1.0));
      fail(b, 2);
      succeed(b, 1);
      assertThat(b.metrics().consecutiveFailures()).isZero();

      fail(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      fail(b, 1);
      assertOpenedBy(b, TransitionReason.CONSECUTIVE_FAILURES);
    }

    @Test
    void ignoredReleasedAndAbandonedCallsLeaveTheRunAlone() {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(1000)
                      .consecutiveFailuresThreshold(3)
                      .ignoreExceptions(IllegalStateException.class));
      fail(b, 2);

      b.acquire().failure(new IllegalStateException("ignored"));
      b.acquire().release();
      b.acquire().failure(new InterruptedException("abandoned"));

      assertThat(b.metrics().consecutiveFailures()).isEqualTo(2);
      fail(b, 1);
      assertOpenedBy(b, TransitionReason.CONSECUTIVE_FAILURES);
    }

    @Test
    void consecutiveFailuresIsReportedFirstWhenTheRateTripsToo() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(3).failureRateThreshold(0.5).consecutiveFailuresThreshold(3));

      fail(b, 3);

      assertLastTransition(
          CircuitState.CLOSED, CircuitState.OPEN, TransitionReason.CONSECUTIVE_FAILURES);
    }

    @Test
    void failureRateIsReportedBeforeSlowCallRate() {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(2)
                      .failureRateThreshold(0.5)
                      .slowCallDuration(ofSeconds(1))
                      .slowCallRateThreshold(0.5));
      slowSuccess(b, ofSeconds(1));

      CallGuard g = b.acquire(); // slow failure: both rates reach 0.5 or more
      clock.advance(ofSeconds(1));
      g.failure();

      assertLastTransition(CircuitState.CLOSED, CircuitState.OPEN, TransitionReason.FAILURE_RATE);
    }

    @Test
    void consecutiveFailuresThresholdZeroIsOff() {
      CircuitBreaker b = breaker(c -> c.minCalls(1_000_000).consecutiveFailuresThreshold(0));

      fail(b, 10_000);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().consecutiveFailures()).isEqualTo(10_000);
    }

    /**
     * Four calls of 5s each, two of which fail: success rate 0.5, latency score 0, jitter score 1,
     * so the health score is 0.5 * 0.5 + 0.2 = 0.45 while the failure rate (0.5) is below its
     * threshold (1.0).
     */
    private CircuitBreaker healthScenario(double criticalHealthScore) {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(4)
                      .failureRateThreshold(1.0)
                      .slowCallDuration(ONE_DAY)
                      .minHealthScore(0.5)
                      .criticalHealthScore(criticalHealthScore));
      List<CallGuard> guards = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        guards.add(b.acquire());
      }
      clock.advance(ofSeconds(5));
      guards.get(0).success();
      guards.get(1).success();
      guards.get(2).failure();
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED); // 3 calls: below minCalls
      guards.get(3).failure();
      return b;
    }

    @Test
    void opensWhenTheHealthScoreIsCritical() {
      CircuitBreaker b = healthScenario(0.46);

      assertOpenedBy(b, TransitionReason.HEALTH_CRITICAL);
      assertThat(lastTransition().metrics().healthScore()).isCloseTo(0.45, within(1e-9));
    }

    @Test
    void staysClosedWhileTheHealthScoreIsAboveCritical() {
      CircuitBreaker b = healthScenario(0.44);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.healthScore()).isCloseTo(0.45, within(1e-9));
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(transitions).isEmpty();
    }

    @Test
    void healthCriticalNeedsMinCalls() {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(2)
                      .failureRateThreshold(1.0)
                      .slowCallDuration(ONE_DAY)
                      .criticalHealthScore(0.5));
      CallGuard g = b.acquire();
      clock.advance(ofSeconds(10));

      g.failure(); // the worst call there is, but only one

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void oldBucketsLeaveTheWindow() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(4).failureRateThreshold(0.5).rollingWindow(ofSeconds(10)));
      fail(b, 3); // bucket 0
      clock.advance(ofSeconds(10)); // bucket 10: the window is buckets 1 to 10

      fail(b, 1);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().windowCalls()).isEqualTo(1);
    }

    @Test
    void theWindowHoldsTheCurrentBucketAndTheOnesBeforeIt() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(4).failureRateThreshold(0.5).rollingWindow(ofSeconds(10)));
      fail(b, 3); // bucket 0
      clock.advance(ofSeconds(10).minusNanos(1)); // still bucket 9: buckets 0 to 9

      fail(b, 1);

      assertOpenedBy(b, TransitionReason.FAILURE_RATE);
    }

    @Test
    void bucketsExpireOneByOne() {
      CircuitBreaker b = breaker(c -> c.minCalls(100).rollingWindow(ofSeconds(10)));
      fail(b, 1); // bucket 0
      clock.advance(ofSeconds(3));
      succeed(b, 2); // bucket 3
      clock.advance(ofSeconds(3));
      fail(b, 4); // bucket 6

      clock.advance(ofSeconds(4)); // bucket 10
      assertThat(b.metrics().windowCalls()).isEqualTo(6);
      clock.advance(ofSeconds(3)); // bucket 13
      assertThat(b.metrics().windowCalls()).isEqualTo(4);
      clock.advance(ofSeconds(3)); // bucket 16
      assertThat(b.metrics().windowCalls()).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // OPEN

  @Nested
  class Open {

    private CircuitBreaker openBreaker(Duration cooldown) {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(1)
                      .openCooldown(cooldown)
                      .maxOpenCooldown(cooldown.multipliedBy(8))
                      .halfOpenMaxConcurrent(2)
                      .halfOpenRequiredSuccesses(2));
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      return b;
    }

    @Test
    void refusesWithTheRemainingCooldown() {
      CircuitBreaker b = openBreaker(ofSeconds(10));

      CircuitRejectedException first = rejection(b);
      assertThat(first.reason()).isEqualTo(Reason.OPEN);
      assertThat(first.retryAfter()).isEqualTo(ofSeconds(10));
      assertThat(first.name()).isEqualTo("transitions");

      clock.advance(ofSeconds(3));
      assertThat(rejection(b).retryAfter()).isEqualTo(ofSeconds(7));
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(7));

      clock.advance(ofSeconds(7).minusNanos(1));
      assertThat(rejection(b).retryAfter()).isEqualTo(Duration.ofNanos(1));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.metrics().rejectedCalls()).isEqualTo(3);
    }

    @Test
    void movesToHalfOpenOnlyOnTheFirstAcquireAfterTheCooldown() {
      CircuitBreaker b = openBreaker(ofSeconds(10));
      clock.advance(ofSeconds(10));

      // No timer: the breaker still says OPEN, however long nobody asks.
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.remainingCooldown()).isEqualTo(Duration.ZERO);
      clock.advance(Duration.ofHours(1));
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(transitions).hasSize(1);

      CallGuard trial = b.acquire();

      assertThat(trial.isTrial()).isTrue();
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      assertLastTransition(
          CircuitState.OPEN, CircuitState.HALF_OPEN, TransitionReason.COOLDOWN_ELAPSED);
      assertThat(halfOpen(b)).containsEntry("inFlight", 1L);
    }

    @Test
    void theAcquireExactlyAtTheEndOfTheCooldownIsTheFirstTrial() {
      CircuitBreaker b = openBreaker(ofSeconds(10));
      clock.advance(ofSeconds(10));

      CallGuard trial = b.acquire();

      assertThat(trial.isTrial()).isTrue();
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void outcomesOfCallsAdmittedBeforeOpeningAreIgnored() {
      CircuitBreaker b =
          breaker(c -> c.minCalls(2).failureRateThreshold(0.5).openCooldown(ofSeconds(10)));
      CallGuard early = b.acquire();
      CallGuard late = b.acquire();
      fail(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      clock.advance(ofSeconds(4));

      early.failure();
      late.success();

      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(6));
      assertThat(transitions).hasSize(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // HALF_OPEN

  @Nested
  class HalfOpen {

    @Test
    void admitsUpToHalfOpenMaxConcurrentTrials() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenMaxConcurrent(2).halfOpenRequiredSuccesses(10));
      CallGuard t1 = b.acquire();
      CallGuard t2 = b.acquire();

      CircuitRejectedException e = rejection(b);

      assertThat(e.reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      assertThat(e.retryAfter()).isEqualTo(Duration.ZERO);
      assertThat(t1.isTrial()).isTrue();
      assertThat(t2.isTrial()).isTrue();
      assertThat(halfOpen(b)).containsEntry("inFlight", 2L);
    }

    @Test
    void everyWayOfEndingATrialFreesItsPermit() {
      CircuitBreaker b =
          halfOpenBreaker(
              c ->
                  c.halfOpenMaxConcurrent(1)
                      .halfOpenRequiredSuccesses(10)
                      .halfOpenAllowedFailures(10)
                      .ignoreExceptions(IllegalStateException.class));

      b.acquire().success();
      b.acquire().failure();
      b.acquire().release();
      b.acquire().failure(new IllegalStateException("ignored"));
      b.acquire().failure(new InterruptedException("abandoned"));
      b.acquire().close();
      CallGuard last = b.acquire();

      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      assertThat(halfOpen(b))
          .containsEntry("inFlight", 1L)
          .containsEntry("successes", 1L)
          .containsEntry("failures", 2L);
      last.release();
      assertThat(halfOpen(b)).containsEntry("inFlight", 0L);
    }

    @Test
    void closesAfterTheRequiredSuccessesWithAnEmptyWindow() {
      CircuitBreaker b = halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(3));

      succeed(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      succeed(b, 1);

      assertClosedByPassedTrial(b);
      assertThat(b.metrics().windowCalls()).isZero();
      assertThat(b.metrics().consecutiveFailures()).isZero();
      assertThat(b.describe()).doesNotContainKey("halfOpen");
    }

    @Test
    void toleratesTheAllowedFailures() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(3).halfOpenAllowedFailures(2));

      fail(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      succeed(b, 3);

      assertClosedByPassedTrial(b);
    }

    @Test
    void reopensOnOneFailureMoreThanAllowed() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(3).halfOpenAllowedFailures(2));
      succeed(b, 2);
      fail(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);

      fail(b, 1);

      assertReopenedByFailedTrial(b);
    }

    @Test
    void withNoAllowedFailuresTheFirstFailedTrialReopens() {
      CircuitBreaker b = halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(3));
      succeed(b, 2);

      fail(b, 1);

      assertReopenedByFailedTrial(b);
    }

    @Test
    void aSlowTrialIsAFailure() {
      CircuitBreaker b = halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(1));

      slowSuccess(b, ofSeconds(1));

      assertReopenedByFailedTrial(b);
      assertThat(b.metrics().slowCalls()).isEqualTo(1);
    }

    @Test
    void aSlowTrialWithinTheAllowedFailuresIsNotASuccess() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(1).halfOpenAllowedFailures(1));

      slowSuccess(b, ofSeconds(2));

      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      assertThat(halfOpen(b)).containsEntry("successes", 0L).containsEntry("failures", 1L);
      succeed(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aFailedTrialDoesNotCountInTheNextClosedWindow() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenRequiredSuccesses(1).halfOpenAllowedFailures(1));
      fail(b, 1);

      succeed(b, 1);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().windowCalls()).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // HALF_OPEN: trial permits that are never reported

  @Nested
  class TrialTimeout {

    @Test
    void aHungTrialCountsAsAFailedTrialOnceTheTimeoutHasPassed() {
      CircuitBreaker b =
          halfOpenBreaker(
              c ->
                  c.halfOpenMaxConcurrent(1)
                      .halfOpenRequiredSuccesses(1)
                      .halfOpenTrialTimeout(ofSeconds(5)));
      CallGuard hung = b.acquire();
      clock.advance(ofSeconds(5).minusNanos(1));
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);

      clock.advanceNanos(1);
      CircuitRejectedException e = rejection(b);

      assertThat(e.reason()).isEqualTo(Reason.OPEN);
      assertThat(e.retryAfter()).as("a re-open: the cooldown doubles").isEqualTo(ofSeconds(2));
      assertLastTransition(
          CircuitState.HALF_OPEN, CircuitState.OPEN, TransitionReason.TRIAL_TIMED_OUT);
      assertThat(b.describe()).containsEntry("reopens", 1);

      hung.success(); // the verdict is in: its late report changes nothing
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(2));
      clock.advance(ofSeconds(2));
      succeed(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void withinTheAllowedFailuresTheTimedOutPermitsAreFreedAndTheTrialGoesOn() {
      CircuitBreaker b =
          halfOpenBreaker(
              c ->
                  c.halfOpenMaxConcurrent(2)
                      .halfOpenRequiredSuccesses(2)
                      .halfOpenAllowedFailures(2)
                      .halfOpenTrialTimeout(ofSeconds(5)));
      CallGuard hung1 = b.acquire();
      CallGuard hung2 = b.acquire();
      clock.advance(ofSeconds(5));
      int transitionsBefore = transitions.size();

      CallGuard next = b.acquire();

      assertThat(next.isTrial()).isTrue();
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      assertThat(halfOpen(b))
          .containsEntry("inFlight", 1L)
          .containsEntry("successes", 0L)
          .containsEntry("failures", 2L);
      assertThat(transitions).hasSize(transitionsBefore);
      // The timed-out permits were written off: their late reports neither count nor free a permit.
      hung1.success();
      hung2.release();
      assertThat(halfOpen(b))
          .containsEntry("inFlight", 1L)
          .containsEntry("successes", 0L)
          .containsEntry("failures", 2L);
      next.success();
      succeed(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void thePermitsTimeOutTogetherOnceTheLatestIsOverdue() {
      CircuitBreaker b =
          halfOpenBreaker(
              c ->
                  c.halfOpenMaxConcurrent(2)
                      .halfOpenRequiredSuccesses(2)
                      .halfOpenTrialTimeout(ofSeconds(5)));
      b.acquire();
      clock.advance(ofSeconds(3));
      b.acquire();
      clock.advance(ofSeconds(2)); // the first is due, the second has 3s left

      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      assertThat(halfOpen(b)).containsEntry("inFlight", 2L);

      clock.advance(ofSeconds(3));
      assertThat(rejection(b).reason()).isEqualTo(Reason.OPEN);
      assertLastTransition(
          CircuitState.HALF_OPEN, CircuitState.OPEN, TransitionReason.TRIAL_TIMED_OUT);
    }

    @Test
    void theDeadlineRunsFromEachPermitNotFromTheStartOfTheTrial() {
      CircuitBreaker b =
          halfOpenBreaker(
              c ->
                  c.slowCallDuration(ofSeconds(10))
                      .halfOpenMaxConcurrent(1)
                      .halfOpenRequiredSuccesses(3)
                      .halfOpenTrialTimeout(ofSeconds(5)));
      CallGuard first = b.acquire();
      clock.advance(ofSeconds(4));
      first.success(); // in time: one success of three
      b.acquire();
      clock.advance(ofSeconds(4)); // 8s into the trial, 4s into the permit

      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      assertThat(halfOpen(b)).containsEntry("successes", 1L).containsEntry("inFlight", 1L);
      clock.advance(ofSeconds(1));
      assertThat(rejection(b).reason()).isEqualTo(Reason.OPEN);
    }

    @Test
    void byDefaultTheTimeoutIsTheSlowCallDuration() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenMaxConcurrent(1).halfOpenRequiredSuccesses(1));
      assertThat(b.config().halfOpenTrialTimeout()).isEmpty();
      b.acquire();

      clock.advance(ofSeconds(1).minusNanos(1));
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      clock.advanceNanos(1);
      assertThat(rejection(b).reason()).isEqualTo(Reason.OPEN);
      assertLastTransition(
          CircuitState.HALF_OPEN, CircuitState.OPEN, TransitionReason.TRIAL_TIMED_OUT);
    }

    @Test
    void theTimeoutInForceAppliesToPermitsAlreadyOut() {
      CircuitBreaker b =
          halfOpenBreaker(c -> c.halfOpenMaxConcurrent(1).halfOpenRequiredSuccesses(1));
      b.acquire();
      clock.advance(ofSeconds(2));
      b.reconfigure(c -> c.slowCallDuration(ofSeconds(3))); // the timeout follows: 3s

      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      b.reconfigure(c -> c.halfOpenTrialTimeout(ofSeconds(2)));
      assertThat(rejection(b).reason()).isEqualTo(Reason.OPEN);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Cooldown

  @Nested
  class Cooldown {

    private CircuitBreaker breakerWithCooldown(Duration base, Duration max) {
      return breaker(
          c ->
              c.minCalls(1)
                  .openCooldown(base)
                  .maxOpenCooldown(max)
                  .halfOpenRequiredSuccesses(1)
                  .halfOpenMaxConcurrent(1));
    }

    /** Waits out the cooldown and fails the first trial. */
    private void failTrial(CircuitBreaker b) {
      clock.advance(b.remainingCooldown());
      b.acquire().failure();
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }

    private void passTrial(CircuitBreaker b) {
      clock.advance(b.remainingCooldown());
      b.acquire().success();
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void eachReopenDoublesTheCooldownUpToTheMaximum() {
      CircuitBreaker b = breakerWithCooldown(ofSeconds(1), ofSeconds(5));
      fail(b, 1);
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(1));
      assertThat(rejection(b).retryAfter()).isEqualTo(ofSeconds(1));

      List<Duration> cooldowns = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        failTrial(b);
        cooldowns.add(b.remainingCooldown());
        assertThat(rejection(b).retryAfter()).isEqualTo(b.remainingCooldown());
      }

      assertThat(cooldowns)
          .containsExactly(ofSeconds(2), ofSeconds(4), ofSeconds(5), ofSeconds(5), ofSeconds(5));
    }

    @Test
    void theWholeDoubledCooldownMustPass() {
      CircuitBreaker b = breakerWithCooldown(ofSeconds(1), ofSeconds(60));
      fail(b, 1);
      failTrial(b); // cooldown 2s

      clock.advance(ofSeconds(2).minusNanos(1));
      assertThat(rejection(b).retryAfter()).isEqualTo(Duration.ofNanos(1));
      clock.advance(Duration.ofNanos(1));

      assertThat(b.acquire().isTrial()).isTrue();
    }

    /** Base cooldown 1s: opened, then reopened by two failed trials, so the cooldown is 4s. */
    private CircuitBreaker reopenedTwice() {
      CircuitBreaker b = breakerWithCooldown(ofSeconds(1), ofSeconds(60));
      fail(b, 1);
      failTrial(b);
      failTrial(b);
      return b;
    }

    /** Opens the closed breaker and fails one trial: the cooldowns are 1s (the base), then 2s. */
    private void assertOpensAtTheBaseCooldown(CircuitBreaker b) {
      fail(b, 1);
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(1));
      failTrial(b);
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(2));
    }

    @Test
    void closingByTrialStartsAgainAtTheBaseCooldown() {
      CircuitBreaker b = reopenedTwice();
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(4));

      passTrial(b);

      assertOpensAtTheBaseCooldown(b);
    }

    @Test
    void closeStartsAgainAtTheBaseCooldown() {
      CircuitBreaker b = reopenedTwice();

      b.close();

      assertOpensAtTheBaseCooldown(b);
    }

    @Test
    void resetStartsAgainAtTheBaseCooldownAndForgetsTheReopens() {
      CircuitBreaker b = reopenedTwice();
      assertThat(b.describe()).containsEntry("reopens", 2);

      b.reset();

      assertThat(b.describe()).containsEntry("reopens", 0);
      assertOpensAtTheBaseCooldown(b);
    }

    static Stream<Arguments> cooldownBounds() {
      long ms = 1_000_000L;
      long day = ONE_DAY.toNanos();
      long week = SEVEN_DAYS.toNanos();
      return Stream.of(
          Arguments.of(ms, ms),
          Arguments.of(ms, 2 * ms - 1),
          Arguments.of(ms, Duration.ofMinutes(5).toNanos()),
          Arguments.of(ms, week),
          Arguments.of(ms + 1, week),
          Arguments.of(1_000_000_000L, week),
          Arguments.of(Duration.ofSeconds(30).toNanos(), Duration.ofMinutes(5).toNanos()),
          Arguments.of(day - 1, week),
          Arguments.of(day, day),
          Arguments.of(day, week - 1),
          Arguments.of(day, week));
    }

    /** {@code min(max, base * 2^reopens)} in exact arithmetic. */
    private long expectedCooldown(long base, long max, int reopens) {
      if (reopens >= 64) {
        return max; // base >= 1ms, so base * 2^64 is far beyond any allowed max
      }
      return BigInteger.valueOf(base).shiftLeft(reopens).min(BigInteger.valueOf(max)).longValue();
    }

    @ParameterizedTest(name = "base={0}ns, max={1}ns")
    @MethodSource("cooldownBounds")
    void cooldownNanosIsExactAndNeverOverflows(long base, long max) {
      List<Integer> reopens = new ArrayList<>();
      for (int r = 0; r <= 10_000; r++) {
        reopens.add(r);
      }
      for (long r = 10_000; r <= Integer.MAX_VALUE; r += 65_521) {
        reopens.add((int) r);
      }
      for (int r = Integer.MAX_VALUE - 100; r > 0; r++) { // stops after MAX_VALUE wraps
        reopens.add(r);
      }

      long previous = 0;
      for (int r : reopens) {
        long cooldown = OpenInfo.cooldownNanos(base, max, r);
        if (cooldown != expectedCooldown(base, max, r)) {
          throw new AssertionError(
              String.format(
                  "cooldownNanos(%d, %d, %d) = %d, expected %d",
                  base, max, r, cooldown, expectedCooldown(base, max, r)));
        }
        if (cooldown < previous || cooldown < base || cooldown > max) {
          throw new AssertionError(
              String.format(
                  "cooldownNanos(%d, %d, %d) = %d is out of order or bounds",
                  base, max, r, cooldown));
        }
        previous = cooldown;
      }
      assertThat(OpenInfo.cooldownNanos(base, max, Integer.MAX_VALUE)).isEqualTo(max);
      assertThat(OpenInfo.cooldownNanos(base, max, 0)).isEqualTo(base);
    }

    @Test
    void aMillionReopensKeepTheCooldownAtTheMaximum() throws Exception {
      CircuitBreaker b =
          CircuitBreaker.builder("reopens")
              .clock(clock)
              .config(
                  CircuitConfig.builder()
                      .minCalls(1)
                      .openCooldown(ONE_DAY)
                      .maxOpenCooldown(SEVEN_DAYS)
                      .halfOpenRequiredSuccesses(1)
                      .halfOpenMaxConcurrent(1)
                      .build())
              .build();
      LongAdder reopens = new LongAdder();
      b.subscribe(
          e -> {
            if (e instanceof StateTransition
                && ((StateTransition) e).reason() == TransitionReason.TRIAL_FAILED) {
              reopens.increment();
            }
          });
      b.acquire().failure();
      assertThat(b.remainingCooldown()).isEqualTo(ONE_DAY);

      withBreakerLogsOff(
          () -> {
            for (int reopen = 1; reopen <= 1_000_000; reopen++) {
              clock.advance(b.remainingCooldown());
              b.acquire().failure();
              Duration cooldown = b.remainingCooldown();
              Duration expected =
                  reopen == 1
                      ? Duration.ofDays(2)
                      : reopen == 2 ? Duration.ofDays(4) : SEVEN_DAYS; // 8d capped at 7d
              if (b.state() != CircuitState.OPEN || !cooldown.equals(expected)) {
                throw new AssertionError(
                    String.format(
                        "re-open %d: %s with cooldown %s, expected OPEN with %s",
                        reopen, b.state(), cooldown, expected));
              }
            }
          });

      assertThat(reopens.sum()).isEqualTo(1_000_000);
      CircuitRejectedException e = rejection(b);
      assertThat(e.reason()).isEqualTo(Reason.OPEN);
      assertThat(e.retryAfter()).isEqualTo(SEVEN_DAYS);
      clock.advance(SEVEN_DAYS);
      b.acquire().success();
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      b.acquire().failure();
      assertThat(b.remainingCooldown()).isEqualTo(ONE_DAY);
    }
  }

  /**
   * Runs {@code body} with the breaker's logger switched off: a million re-opens would otherwise
   * print two million transition lines through slf4j-simple.
   */
  private static void withBreakerLogsOff(Runnable body) throws ReflectiveOperationException {
    Logger logger = LoggerFactory.getLogger(CircuitBreaker.class);
    Class<?> simpleLogger = Class.forName("org.slf4j.simple.SimpleLogger");
    assertThat(logger).as("the tests log through slf4j-simple").isInstanceOf(simpleLogger);
    Field level = simpleLogger.getDeclaredField("currentLogLevel");
    Field off = simpleLogger.getDeclaredField("LOG_LEVEL_OFF");
    level.setAccessible(true);
    off.setAccessible(true);
    int before = level.getInt(logger);
    level.setInt(logger, off.getInt(null));
    try {
      body.run();
    } finally {
      level.setInt(logger, before);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Permits that outlive their period

  @Nested
  class StalePermits {

    private CircuitBreaker trialBreaker() {
      return breaker(
          c ->
              c.minCalls(2)
                  .failureRateThreshold(0.5)
                  .openCooldown(ofSeconds(1))
                  .maxOpenCooldown(ofSeconds(1))
                  .halfOpenMaxConcurrent(2)
                  .halfOpenRequiredSuccesses(2));
    }

    @Test
    void aTrialPermitFromAnEarlierHalfOpenPeriodChangesNothing() {
      CircuitBreaker b = trialBreaker();
      fail(b, 2);
      clock.advance(ofSeconds(1));
      CallGuard first = b.acquire();
      CallGuard stale = b.acquire();
      first.failure(); // re-opens; `stale` belongs to the finished trial
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      clock.advance(ofSeconds(1));
      CallGuard current = b.acquire();
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);

      stale.success();

      assertThat(halfOpen(b))
          .containsEntry("inFlight", 1L)
          .containsEntry("successes", 0L)
          .containsEntry("failures", 0L);
      current.success();
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN); // one success of two
      CallGuard next = b.acquire();
      CallGuard another = b.acquire();
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      next.success();
      another.release();
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void releasingAStaleTrialPermitDoesNotFreeAPermitOfTheNextPeriod() {
      CircuitBreaker b = trialBreaker();
      fail(b, 2);
      clock.advance(ofSeconds(1));
      CallGuard stale = b.acquire();
      b.acquire().failure(); // re-opens
      clock.advance(ofSeconds(1));
      CallGuard t1 = b.acquire();
      CallGuard t2 = b.acquire();

      stale.release();

      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      assertThat(halfOpen(b)).containsEntry("inFlight", 2L);
      t1.release();
      t2.release();
    }

    @Test
    void aStaleFailedTrialDoesNotReopenTheNextTrial() {
      CircuitBreaker b = trialBreaker();
      fail(b, 2);
      clock.advance(ofSeconds(1));
      CallGuard stale = b.acquire();
      b.acquire().failure();
      clock.advance(ofSeconds(1));
      CallGuard current = b.acquire();

      stale.failure();

      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      current.release();
    }

    @Test
    void aClosedPermitReportedDuringTheTrialChangesNothing() {
      CircuitBreaker b = trialBreaker();
      CallGuard stale = b.acquire();
      fail(b, 2);
      clock.advance(ofSeconds(1));
      CallGuard trial = b.acquire();

      stale.failure();

      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      assertThat(halfOpen(b)).containsEntry("failures", 0L).containsEntry("inFlight", 1L);
      trial.release();
    }

    @Test
    void aClosedPermitReportedAfterTheBreakerClosedAgainDoesNotCountInTheNewWindow() {
      CircuitBreaker b = trialBreaker();
      CallGuard stale = b.acquire();
      fail(b, 2);
      clock.advance(ofSeconds(1));
      succeed(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      stale.failure();

      assertThat(b.metrics().windowCalls()).isZero();
      assertThat(b.metrics().consecutiveFailures()).isZero();
      fail(b, 1); // one failure in the fresh window is not enough
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aPermitFromBeforeAnOperatorCloseDoesNotCountInTheNewWindow() {
      CircuitBreaker b = trialBreaker();
      CallGuard stale = b.acquire();
      b.forceOpen();
      b.close();

      stale.failure();

      assertThat(b.metrics().windowCalls()).isZero();
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operator actions, from every state

  @Nested
  class OperatorActions {

    private CircuitBreaker b;
    // The trial permit held while HALF_OPEN, reported later to show it changes nothing.
    private CallGuard heldTrial;

    private void driveTo(CircuitState state) {
      b =
          breaker(
              c ->
                  c.minCalls(2)
                      .failureRateThreshold(0.5)
                      .openCooldown(ofSeconds(1))
                      .halfOpenMaxConcurrent(2)
                      .halfOpenRequiredSuccesses(2));
      succeed(b, 1);
      switch (state) {
        case CLOSED:
          break;
        case OPEN:
          fail(b, 1);
          break;
        case HALF_OPEN:
          fail(b, 1);
          clock.advance(ofSeconds(1));
          heldTrial = b.acquire();
          break;
        case FORCED_OPEN:
          b.forceOpen();
          break;
        case DISABLED:
          b.disable();
          break;
      }
      assertThat(b.state()).isEqualTo(state);
      transitions.clear();
    }

    private void reportHeldTrial() {
      if (heldTrial != null) {
        heldTrial.success();
      }
    }

    @ParameterizedTest
    @EnumSource(CircuitState.class)
    void forceOpenRefusesEveryCallUntilClosed(CircuitState from) {
      driveTo(from);

      b.forceOpen();
      reportHeldTrial();

      assertThat(b.state()).isEqualTo(CircuitState.FORCED_OPEN);
      if (from == CircuitState.FORCED_OPEN) {
        assertThat(transitions).isEmpty();
      } else {
        assertThat(transitions).hasSize(1);
        assertLastTransition(from, CircuitState.FORCED_OPEN, TransitionReason.FORCED_OPEN);
      }
      CircuitRejectedException e = rejection(b);
      assertThat(e.reason()).isEqualTo(Reason.FORCED_OPEN);
      assertThat(e.retryAfter()).isEqualTo(ofSeconds(1));
      clock.advance(Duration.ofHours(1)); // no cooldown ends a forced open
      assertThat(rejection(b).reason()).isEqualTo(Reason.FORCED_OPEN);
      assertThat(b.state()).isEqualTo(CircuitState.FORCED_OPEN);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(b.remainingCooldown()).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @EnumSource(CircuitState.class)
    void disableLetsEveryCallThroughWithoutCounting(CircuitState from) {
      driveTo(from);
      long windowCalls = b.metrics().windowCalls();
      long failedBefore = b.metrics().failedCalls();
      long runBefore = b.metrics().consecutiveFailures();

      b.disable();
      reportHeldTrial();

      assertThat(b.state()).isEqualTo(CircuitState.DISABLED);
      if (from == CircuitState.DISABLED) {
        assertThat(transitions).isEmpty();
      } else {
        assertThat(transitions).hasSize(1);
        assertLastTransition(from, CircuitState.DISABLED, TransitionReason.DISABLED);
      }
      int transitionsAfterDisable = transitions.size();
      long rejectedBefore = b.metrics().rejectedCalls();
      for (int i = 0; i < 1000; i++) {
        CallGuard g = b.acquire();
        assertThat(g.isTrial()).isFalse();
        g.failure();
      }
      assertThat(b.state()).isEqualTo(CircuitState.DISABLED);
      assertThat(transitions).hasSize(transitionsAfterDisable);
      assertThat(b.metrics().failedCalls()).isEqualTo(failedBefore + 1000);
      assertThat(b.metrics().rejectedCalls()).isEqualTo(rejectedBefore);
      assertThat(b.metrics().windowCalls()).isEqualTo(windowCalls);
      assertThat(b.metrics().consecutiveFailures()).isEqualTo(runBefore);
      assertThat(b.healthStatus()).isEqualTo(HealthStatus.UP);
    }

    @ParameterizedTest
    @EnumSource(CircuitState.class)
    void closeStartsAFreshWindowFromEveryOtherState(CircuitState from) {
      driveTo(from);

      b.close();
      reportHeldTrial();

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      if (from == CircuitState.CLOSED) {
        assertThat(transitions).isEmpty();
        assertThat(b.metrics().windowCalls()).isEqualTo(1); // nothing happened
      } else {
        assertThat(transitions).hasSize(1);
        assertLastTransition(from, CircuitState.CLOSED, TransitionReason.CLOSED_BY_OPERATOR);
        assertThat(b.metrics().windowCalls()).isZero();
        assertThat(b.metrics().consecutiveFailures()).isZero();
      }
      fail(b, 1);
      assertThat(b.state())
          .isEqualTo(from == CircuitState.CLOSED ? CircuitState.OPEN : CircuitState.CLOSED);
    }

    @ParameterizedTest
    @EnumSource(CircuitState.class)
    void resetClosesFromEveryStateAndKeepsTheTotals(CircuitState from) {
      driveTo(from);
      CircuitMetrics before = b.metrics();

      b.reset();

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(transitions).hasSize(1);
      assertLastTransition(from, CircuitState.CLOSED, TransitionReason.RESET);
      CircuitMetrics after = b.metrics();
      assertThat(after.windowCalls()).isZero();
      assertThat(after.consecutiveFailures()).isZero();
      assertThat(after.successfulCalls()).isEqualTo(before.successfulCalls());
      assertThat(after.failedCalls()).isEqualTo(before.failedCalls());
      assertThat(after.slowCalls()).isEqualTo(before.slowCalls());
      assertThat(after.ignoredCalls()).isEqualTo(before.ignoredCalls());
      assertThat(after.rejectedCalls()).isEqualTo(before.rejectedCalls());
      assertThat(b.describe()).containsEntry("reopens", 0);
      reportHeldTrial();
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().windowCalls()).isZero();
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b.remainingCooldown()).isEqualTo(ofSeconds(1));
    }

    @Test
    void anOpenBreakerReportsTheConfiguredOpenHealthStatus() {
      CircuitBreaker down = breaker(c -> c.minCalls(1).openHealthStatus(HealthStatus.DOWN));
      fail(down, 1);
      assertThat(down.healthStatus()).isEqualTo(HealthStatus.DOWN);
      down.forceOpen();
      assertThat(down.healthStatus()).isEqualTo(HealthStatus.DOWN);

      CircuitBreaker degraded = breaker(c -> c.minCalls(1).openCooldown(ofSeconds(1)));
      fail(degraded, 1);
      assertThat(degraded.healthStatus()).isEqualTo(HealthStatus.DEGRADED);
      clock.advance(ofSeconds(1));
      CallGuard trial = degraded.acquire();
      assertThat(degraded.healthStatus()).isEqualTo(HealthStatus.DEGRADED); // half-open
      trial.release();
    }

    @Test
    void anOpenThatHappensWhileResetIsPublishingKeepsItsCooldown() {
      // A listener of the RESET transition makes calls that trip the breaker again, exactly what
      // another thread may do between reset()'s transition and its return.
      CircuitBreaker b2 =
          breaker(c -> c.minCalls(1).openCooldown(ofSeconds(1)).halfOpenRequiredSuccesses(1));
      b2.subscribe(
          e -> {
            if (e instanceof StateTransition
                && ((StateTransition) e).reason() == TransitionReason.RESET) {
              b2.acquire().failure();
            }
          });
      fail(b2, 1);

      b2.reset();

      assertThat(b2.state()).isEqualTo(CircuitState.OPEN);
      assertThat(b2.remainingCooldown()).isEqualTo(ofSeconds(1));
      clock.advance(ofSeconds(1));
      CallGuard trial = b2.acquire(); // a working OPEN breaker moves to HALF_OPEN now
      assertThat(trial.isTrial()).isTrue();
      trial.success();
      assertThat(b2.state()).isEqualTo(CircuitState.CLOSED);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reconfiguring

  @Nested
  class Reconfigure {

    @Test
    void concurrentPartialChangesAreBothKept() throws Exception {
      CircuitBreaker b = breaker(c -> c);
      CountDownLatch firstIsEditing = new CountDownLatch(1);
      CountDownLatch letFirstFinish = new CountDownLatch(1);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      Thread first =
          new Thread(
              () ->
                  b.reconfigure(
                      c -> {
                        firstIsEditing.countDown();
                        awaitLatch(letFirstFinish, errors);
                        return c.minCalls(7);
                      }));
      Thread second = new Thread(() -> b.reconfigure(c -> c.failureRateThreshold(0.3)));
      first.setUncaughtExceptionHandler((t, e) -> errors.add(e));
      second.setUncaughtExceptionHandler((t, e) -> errors.add(e));

      first.start();
      assertThat(firstIsEditing.await(10, TimeUnit.SECONDS)).isTrue();
      second.start();
      // The second either waits for the first or (if edits are not serialised) finishes first.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> second.getState() == Thread.State.BLOCKED || !second.isAlive());
      letFirstFinish.countDown();
      first.join(10_000);
      second.join(10_000);

      assertThat(errors).isEmpty();
      assertThat(first.isAlive() || second.isAlive()).isFalse();
      assertThat(b.config().minCalls()).isEqualTo(7);
      assertThat(b.config().failureRateThreshold()).isEqualTo(0.3);
    }

    private void awaitLatch(CountDownLatch latch, List<Throwable> errors) {
      try {
        if (!latch.await(10, TimeUnit.SECONDS)) {
          errors.add(new AssertionError("latch not released"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        errors.add(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reconfiguring while half-open

  @Nested
  class ReconfigureWhileHalfOpen {

    private CircuitBreaker halfOpenBreaker() {
      CircuitBreaker b =
          breaker(
              c ->
                  c.minCalls(1)
                      .openCooldown(ofSeconds(1))
                      .halfOpenMaxConcurrent(3)
                      .halfOpenRequiredSuccesses(5));
      fail(b, 1);
      clock.advance(ofSeconds(1));
      return b;
    }

    @Test
    void fewerRequiredSuccessesCloseOnTheNextSuccess() {
      CircuitBreaker b = halfOpenBreaker();
      succeed(b, 2);

      b.reconfigure(c -> c.halfOpenRequiredSuccesses(3));
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      succeed(b, 1);

      assertClosedByPassedTrial(b);
    }

    @Test
    void moreRequiredSuccessesKeepTheTrialGoing() {
      CircuitBreaker b = halfOpenBreaker();
      succeed(b, 4);

      b.reconfigure(c -> c.halfOpenRequiredSuccesses(7));
      succeed(b, 2);
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      succeed(b, 1);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void fewerPermitsTakeEffectForTheNextAcquire() {
      CircuitBreaker b = halfOpenBreaker();
      CallGuard t1 = b.acquire();
      CallGuard t2 = b.acquire();

      b.reconfigure(c -> c.halfOpenMaxConcurrent(1));

      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      t1.success();
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      t2.success();
      CallGuard t3 = b.acquire();
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      t3.success();
      assertThat(halfOpen(b)).containsEntry("successes", 3L).containsEntry("inFlight", 0L);
    }

    @Test
    void morePermitsTakeEffectForTheNextAcquire() {
      CircuitBreaker b = halfOpenBreaker();
      List<CallGuard> trials = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        trials.add(b.acquire());
      }
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);

      b.reconfigure(c -> c.halfOpenMaxConcurrent(4));

      trials.add(b.acquire());
      assertThat(rejection(b).reason()).isEqualTo(Reason.HALF_OPEN_EXHAUSTED);
      trials.forEach(CallGuard::success);
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN); // 4 of 5
    }

    @Test
    void moreAllowedFailuresKeepTheTrialGoing() {
      CircuitBreaker b = halfOpenBreaker();
      CallGuard t1 = b.acquire();

      b.reconfigure(c -> c.halfOpenAllowedFailures(2));
      t1.failure();
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      fail(b, 1);

      assertReopenedByFailedTrial(b);
    }

    @Test
    void aNewWindowGeometryAppliesOnceClosed() {
      CircuitBreaker b = halfOpenBreaker();
      succeed(b, 1);

      b.reconfigure(
          c -> c.rollingWindow(ofSeconds(1)).buckets(1).minCalls(2).halfOpenRequiredSuccesses(2));
      assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
      succeed(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);

      fail(b, 1);
      clock.advance(ofSeconds(1)); // a one-second window of one bucket: the failure has left it
      fail(b, 1);

      assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(b.metrics().windowCalls()).isEqualTo(1);
      fail(b, 1);
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    }
  }

  private static Duration ofSeconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
