package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitEvent.CallRejected;
import io.tailguard.core.circuitbreaker.CircuitEvent.ConfigChanged;
import io.tailguard.core.circuitbreaker.CircuitEvent.StateTransition;
import io.tailguard.core.circuitbreaker.CircuitRejectedException.Reason;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sealed event types reach listeners; a listener that throws never breaks a call. */
class CircuitEventsTest {

  private final FakeClock clock = new FakeClock();
  private final List<CircuitEvent> events = new CopyOnWriteArrayList<>();

  private CircuitBreaker breaker() {
    CircuitBreaker b =
        CircuitBreaker.builder("events")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(2)
                    .failureRateThreshold(0.5)
                    .openCooldown(Duration.ofSeconds(10))
                    .halfOpenMaxConcurrent(1)
                    .halfOpenRequiredSuccesses(1)
                    .build())
            .build();
    b.subscribe(events::add);
    return b;
  }

  /** Drives a breaker through a trip, a refusal, a trial and a close. */
  private void fullCycle(CircuitBreaker b) {
    b.acquire().success();
    b.acquire().failure(); // 1 of 2: opens
    try {
      b.acquire();
      throw new AssertionError("expected a refusal");
    } catch (CircuitRejectedException expected) {
      // refused while open
    }
    clock.advance(Duration.ofSeconds(10));
    b.acquire().success(); // the trial closes it
  }

  @Test
  void theEventFamilyIsSealedToItsThreeTypes() {
    assertThat(CircuitEvent.class.isSealed()).isTrue();
    assertThat(CircuitEvent.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(StateTransition.class, CallRejected.class, ConfigChanged.class);
  }

  @Test
  void transitionsCarryTheirReasonAndAMetricsSnapshot() {
    CircuitBreaker b = breaker();
    clock.advance(Duration.ofSeconds(1));

    fullCycle(b);

    List<StateTransition> transitions =
        events.stream()
            .filter(StateTransition.class::isInstance)
            .map(StateTransition.class::cast)
            .toList();
    assertThat(transitions)
        .extracting(StateTransition::from, StateTransition::to, StateTransition::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                CircuitState.CLOSED, CircuitState.OPEN, TransitionReason.FAILURE_RATE),
            org.assertj.core.groups.Tuple.tuple(
                CircuitState.OPEN, CircuitState.HALF_OPEN, TransitionReason.COOLDOWN_ELAPSED),
            org.assertj.core.groups.Tuple.tuple(
                CircuitState.HALF_OPEN, CircuitState.CLOSED, TransitionReason.TRIAL_SUCCEEDED));
    StateTransition opened = transitions.get(0);
    assertThat(opened.name()).isEqualTo("events");
    assertThat(opened.timestamp()).isEqualTo(FakeClock.DEFAULT_WALL_START.plusSeconds(1));
    assertThat(opened.metrics().state()).isEqualTo(CircuitState.OPEN);
    assertThat(opened.metrics().windowCalls()).isEqualTo(2);
    assertThat(opened.metrics().windowFailures()).isEqualTo(1);
    assertThat(opened.metrics().failureRate()).isEqualTo(0.5);
    assertThat(transitions.get(2).metrics().windowCalls()).as("a fresh window").isZero();
    assertThat(transitions.get(2).timestamp())
        .isEqualTo(FakeClock.DEFAULT_WALL_START.plusSeconds(11));
  }

  @Test
  void aRefusalIsAnnouncedWithItsReasonAndRetryAfter() {
    CircuitBreaker b = breaker();
    b.forceOpen();

    try {
      b.acquire();
    } catch (CircuitRejectedException expected) {
      // refused
    }

    assertThat(events)
        .filteredOn(CallRejected.class::isInstance)
        .singleElement()
        .isInstanceOfSatisfying(
            CallRejected.class,
            e -> {
              assertThat(e.name()).isEqualTo("events");
              assertThat(e.reason()).isEqualTo(Reason.FORCED_OPEN);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
              assertThat(e.timestamp()).isEqualTo(FakeClock.DEFAULT_WALL_START);
            });
  }

  @Test
  void aChangedConfigIsAnnouncedWithBothVersionsAndAnUnchangedOneIsNot() {
    CircuitBreaker b = breaker();
    CircuitConfig before = b.config();

    b.reconfigure(before); // equal: nothing to announce
    b.reconfigure(c -> c.minCalls(9));

    assertThat(events)
        .singleElement()
        .isInstanceOfSatisfying(
            ConfigChanged.class,
            e -> {
              assertThat(e.previous()).isEqualTo(before);
              assertThat(e.current().minCalls()).isEqualTo(9);
              assertThat(e.current()).isEqualTo(b.config());
            });
  }

  @Test
  void everyEventIsDeliveredToEveryListenerInOrderOfSubscription() {
    CircuitBreaker b = breaker();
    List<String> order = new CopyOnWriteArrayList<>();
    b.subscribe(e -> order.add("second " + e.getClass().getSimpleName()));
    b.subscribe(e -> order.add("third " + e.getClass().getSimpleName()));

    b.forceOpen();

    assertThat(events).hasSize(1);
    assertThat(order).containsExactly("second StateTransition", "third StateTransition");
  }

  @Test
  void aClosedSubscriptionStopsDelivery() {
    CircuitBreaker b = breaker();
    List<CircuitEvent> late = new CopyOnWriteArrayList<>();
    Subscription s = b.subscribe(late::add);
    b.forceOpen();

    s.close();
    b.close();

    assertThat(late).hasSize(1);
    assertThat(events).hasSize(2);
  }

  // ---------------------------------------------------------------------------------------------
  // Listeners that throw

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  private static EventListener<CircuitEvent> throwing(String kind) {
    return e -> {
      switch (kind) {
        case "runtime" -> throw new IllegalStateException("listener bug");
        case "assertion" -> throw new AssertionError("listener assertion");
        case "linkage" -> throw new NoClassDefFoundError("listener class missing");
        default -> sneakyThrow(new IOException("a checked exception thrown sneakily"));
      }
    };
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"runtime", "assertion", "linkage", "checked"})
  void aThrowingListenerNeverBreaksACallNorTheOtherListeners(String kind) throws Exception {
    CircuitBreaker b = breaker();
    b.subscribe(throwing(kind));
    List<CircuitEvent> after = new CopyOnWriteArrayList<>();
    b.subscribe(after::add);

    try (TestLogsOff off = new TestLogsOff()) {
      fullCycle(b); // every kind of event, each thrown at
      assertThat(b.call(() -> "ok")).isEqualTo("ok");
      b.reconfigure(c -> c.minCalls(3));
      assertThat(b.callAsync(() -> CompletableFuture.completedFuture("async")).join())
          .isEqualTo("async");
      b.forceOpen();
      assertThat(b.callAsync(() -> CompletableFuture.completedFuture("x")))
          .isCompletedExceptionally();
    }

    assertThat(after).hasSize(events.size()).containsExactlyElementsOf(events);
    assertThat(events).hasSize(7); // 3 transitions, 2 refusals, 1 config, forced open
    assertThat(b.listenerFailures()).isEqualTo(7);
    assertThat(b.state()).isEqualTo(CircuitState.FORCED_OPEN);
    assertThat(b.metrics().successfulCalls()).isEqualTo(4);
  }

  @Test
  void aThrowingRegistryListenerNeverBreaksACall() throws Exception {
    CircuitBreakerRegistry r =
        CircuitBreakerRegistry.builder()
            .clock(clock)
            .defaults(CircuitConfig.builder().minCalls(1).build())
            .build();
    r.subscribe(throwing("runtime"));
    CircuitBreaker b = r.breaker("a");

    try (TestLogsOff off = new TestLogsOff()) {
      b.acquire().failure();
      assertThat(b.state()).isEqualTo(CircuitState.OPEN);
      b.close();
      assertThat(b.call(() -> 1)).isEqualTo(1);
    }
  }

  /** Silences the warning a throwing listener logs, so a test run's output stays readable. */
  private static final class TestLogsOff implements AutoCloseable {
    private final AutoCloseable off = TestLogs.off(io.tailguard.core.event.EventListeners.class);

    @Override
    public void close() throws Exception {
      off.close();
    }
  }
}
