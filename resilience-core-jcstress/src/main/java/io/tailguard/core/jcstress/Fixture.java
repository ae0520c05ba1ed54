package io.tailguard.core.jcstress;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitEvent;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A breaker on a {@link TestClock} with a listener that counts its transitions, plus the moves the
 * tests use to put it in a known state before the actors start.
 *
 * <p>This class is thread-safe: the breaker and clock are, and the transition counters are atomic.
 */
final class Fixture {

  /** The cooldown of every fixture breaker's first open. */
  static final Duration COOLDOWN = Duration.ofSeconds(1);

  /** The longest cooldown of a fixture breaker, whatever the number of re-opens. */
  static final Duration MAX_COOLDOWN = Duration.ofSeconds(8);

  /** How long a fixture breaker's trial permit may go unreported before it is written off. */
  static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(2);

  private static final int STATES = CircuitState.values().length;

  final TestClock clock = new TestClock();
  final CircuitBreaker breaker;

  // Transitions seen by the listener, indexed from * STATES + to; incremented by the thread that
  // won each transition, read by the arbiter after the actors have finished.
  private final AtomicIntegerArray transitions = new AtomicIntegerArray(STATES * STATES);

  Fixture(CircuitConfig config) {
    breaker = CircuitBreaker.builder("jcstress").config(config).clock(clock).build();
    breaker.subscribe(
        event -> {
          if (event instanceof CircuitEvent.StateTransition) {
            CircuitEvent.StateTransition t = (CircuitEvent.StateTransition) event;
            transitions.incrementAndGet(t.from().ordinal() * STATES + t.to().ordinal());
          }
        });
  }

  /**
   * Settings that make the breaker easy to steer: one failure opens it, {@code minCalls} is too
   * high for a rate to trip it, and the half-open trial never ends on its own (trial permits time
   * out after {@link #TRIAL_TIMEOUT}, which only the tests that want it let pass).
   */
  static CircuitConfig.Builder config() {
    return CircuitConfig.builder()
        .rollingWindow(Duration.ofSeconds(10))
        .buckets(10)
        .minCalls(1_000)
        .consecutiveFailuresThreshold(1)
        .openCooldown(COOLDOWN)
        .maxOpenCooldown(MAX_COOLDOWN)
        .halfOpenMaxConcurrent(1)
        .halfOpenRequiredSuccesses(CircuitConfig.MAX_HALF_OPEN)
        .halfOpenAllowedFailures(CircuitConfig.MAX_HALF_OPEN - 1)
        .halfOpenTrialTimeout(TRIAL_TIMEOUT);
  }

  /** Opens the closed breaker with one failed call. */
  Fixture trip() {
    breaker.acquire().failure();
    return this;
  }

  /** Opens the closed breaker and lets the cooldown pass; the next acquire starts the trial. */
  Fixture openWithCooldownPassed() {
    trip();
    clock.advanceNanos(COOLDOWN.toNanos());
    return this;
  }

  /** Opens the breaker, lets the cooldown pass and takes the first trial permit. */
  CallGuard halfOpen() {
    openWithCooldownPassed();
    CallGuard first = breaker.acquire();
    if (breaker.state() != CircuitState.HALF_OPEN || !first.isTrial()) {
      throw new IllegalStateException("expected a half-open breaker, was " + breaker);
    }
    return first;
  }

  /**
   * Opens the breaker, lets the cooldown pass, takes the first trial permit and lets the trial
   * timeout pass: the next caller that finds every permit out writes that one off.
   */
  CallGuard halfOpenWithOverdueTrial() {
    CallGuard first = halfOpen();
    clock.advanceNanos(TRIAL_TIMEOUT.toNanos());
    return first;
  }

  /** Returns a permit, or {@code null} if the breaker refused it. */
  CallGuard tryAcquire() {
    try {
      return breaker.acquire();
    } catch (CircuitRejectedException e) {
      return null;
    }
  }

  /** Returns how many times the breaker moved from {@code from} to {@code to}. */
  int transitions(CircuitState from, CircuitState to) {
    return transitions.get(from.ordinal() * STATES + to.ordinal());
  }

  /** Returns the trial permits in flight, or -1 if the breaker is not half-open. */
  int trialInFlight() {
    return trial("inFlight");
  }

  /** Returns the trial successes counted so far, or -1 if the breaker is not half-open. */
  int trialSuccesses() {
    return trial("successes");
  }

  /** Returns the trial failures counted so far, or -1 if the breaker is not half-open. */
  int trialFailures() {
    return trial("failures");
  }

  private int trial(String key) {
    Object trial = breaker.describe().get("halfOpen");
    if (!(trial instanceof Map)) {
      return -1;
    }
    return ((Number) ((Map<?, ?>) trial).get(key)).intValue();
  }

  /** Returns how many re-opens the current open period counts (0 for an open from CLOSED). */
  int reopens() {
    return ((Number) breaker.describe().get("reopens")).intValue();
  }

  /** Returns the state's ordinal: CLOSED 0, OPEN 1, HALF_OPEN 2, FORCED_OPEN 3, DISABLED 4. */
  int state() {
    return breaker.state().ordinal();
  }
}
