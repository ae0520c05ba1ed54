package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What a hedger publishes and reports: the events of a call in order, a configuration change only
 * when something changed, what each ended call tells a {@link CallRecorder}, and the latencies of
 * metrics and describe. Asynchronous calls on one thread.
 */
class HedgerEventsAndReportsTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();
  final List<CompletableFuture<String>> attempts = new ArrayList<>();
  final List<String> recorded = new ArrayList<>();
  final CallRecorder recorder =
      (name, engine, outcome, latencyNanos, attemptCount) ->
          recorded.add(
              name + " " + engine + " " + outcome + " " + latencyNanos / MS + "ms " + attemptCount);

  static HedgeConfig.Builder fixed(long millis) {
    return HedgeConfig.builder()
        .maxHedges(1)
        .timeout(Duration.ofSeconds(1))
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(millis))
                .build());
  }

  Hedger hedger(HedgeConfig config) {
    return Hedger.builder("events")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run)
        .recorder(recorder)
        .build();
  }

  CompletableFuture<String> call(Hedger h) {
    return PendingAttempts.call(h, attempts);
  }

  @Test
  void aHedgedCallPublishesEachAttemptTheHedgeAndTheEnd() {
    Hedger h = hedger(fixed(100).build());
    List<HedgeEvent> events = new ArrayList<>();
    h.subscribe(events::add);
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(20));
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
    assertThat(events)
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("AttemptStarted", "AttemptStarted", "HedgeFired", "CallCompleted");
    assertThat(((HedgeEvent.AttemptStarted) events.get(0)).attempt()).isZero();
    HedgeEvent.HedgeFired fired = (HedgeEvent.HedgeFired) events.get(2);
    assertThat(fired.attempt()).isEqualTo(1);
    assertThat(fired.trigger()).isEqualTo(HedgeEvent.Trigger.DELAY);
    assertThat(fired.delay()).isEqualTo(Duration.ofMillis(100));
    assertThat(events.get(3))
        .isEqualTo(
            new HedgeEvent.CallCompleted(
                "events",
                clock.instant(),
                HedgeEvent.Outcome.SUCCESS,
                1,
                2,
                Duration.ofMillis(120)));
  }

  @Test
  void aClosedSubscriptionHearsNothingMore() {
    Hedger h = hedger(fixed(100).build());
    List<HedgeEvent> events = new ArrayList<>();
    Subscription s = h.subscribe(events::add);
    s.close();
    CompletableFuture<String> r = call(h);
    attempts.get(0).complete("ok");
    assertThat(r).isDone();
    assertThat(events).isEmpty();
  }

  @Test
  void aConfigurationChangeIsPublishedOnlyWhenSomethingChanged() {
    HedgeConfig first = fixed(100).build();
    Hedger h = hedger(first);
    List<HedgeEvent> events = new ArrayList<>();
    h.subscribe(events::add);
    h.reconfigure(fixed(100).build());
    assertThat(events).isEmpty();
    HedgeConfig second = fixed(100).maxHedges(2).build();
    h.reconfigure(second);
    assertThat(events)
        .singleElement()
        .isEqualTo(new HedgeEvent.ConfigChanged("events", clock.instant(), first, second));
  }

  @Test
  void everyEndedCallIsReportedWithItsOutcomeLatencyAndAttempts() {
    Hedger h = hedger(fixed(100).build());

    CompletableFuture<String> won = call(h);
    clock.advance(Duration.ofMillis(30));
    attempts.get(0).complete("ok");
    assertThat(won).isDone();

    CompletableFuture<String> failed = call(h);
    attempts.get(1).completeExceptionally(new IllegalStateException("a"));
    attempts.get(2).completeExceptionally(new IllegalStateException("b"));
    assertThat(failed).isCompletedExceptionally();

    CompletableFuture<String> timedOut = call(h);
    clock.advance(Duration.ofSeconds(1));
    assertThat(timedOut).isCompletedExceptionally();

    CompletableFuture<String> cancelled = call(h);
    clock.advance(Duration.ofMillis(5));
    cancelled.cancel(true);

    assertThat(recorded)
        .containsExactly(
            "events HEDGE SUCCESS 30ms 1",
            "events HEDGE FAILURE 0ms 2",
            "events HEDGE TIMEOUT 1000ms 2",
            "events HEDGE CANCELLED 5ms 1");
  }

  @Test
  void aTimeoutSaysWhichHedgerHowLongAndHowManyAttempts() {
    Hedger h = hedger(fixed(100).build());
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofSeconds(1));
    assertThat(r).isCompletedExceptionally();
    HedgeTimeoutException e =
        (HedgeTimeoutException) r.handle((v, t) -> t.getCause() != null ? t.getCause() : t).join();
    assertThat(e.name()).isEqualTo("events");
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e).hasMessage("Hedged call of 'events' timed out after 1s with 2 attempts");
    assertThat(new HedgeTimeoutException("x", Duration.ofMillis(5), 1))
        .hasMessage("Hedged call of 'x' timed out after 5ms with 1 attempt");
  }

  @Test
  void metricsAndDescribeShowTheLatencyOfCallsJustEnded() {
    Hedger h = hedger(fixed(100).build());
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(40));
    attempts.get(0).complete("ok");
    assertThat(r).isDone();
    // No interval has passed: metrics() folds the latest latencies in itself.
    HedgeMetrics m = h.metrics();
    assertThat((double) m.p50Nanos()).isCloseTo(40 * MS, within(0.4 * MS));
    Map<String, Object> d = h.describe();
    assertThat((double) d.get("latencyP50Millis")).isCloseTo(40.0, within(0.4));
    assertThat((double) d.get("latencyP99Millis")).isCloseTo(40.0, within(0.4));
    assertThat((double) d.get("latencyP999Millis")).isCloseTo(40.0, within(0.4));
    assertThat(d)
        .containsEntry("attemptsPerCall", 1.0)
        .containsEntry("primaryWins", 1L)
        .containsEntry("inFlight", 0)
        .containsEntry("availableBudget", h.availableBudget());
  }

  @Test
  void theBudgetStartsWithItsBurst() {
    Hedger h = hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 7)).build());
    assertThat(h.availableBudget()).isEqualTo(7.0);
  }

  @Test
  void theMetricsRatesDivideByTheRightCounts() {
    HedgeMetrics m = new HedgeMetrics(4, 10, 6, 1, 3, 0, 0, 0, 0, 0, 0, 0, true, 0, 0, 0);
    assertThat(m.hedgeRate()).isEqualTo(1.5);
    assertThat(m.hedgeWinRate()).isEqualTo(0.5);
    assertThat(m.attemptsPerCall()).isEqualTo(2.5);
    HedgeMetrics none = new HedgeMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0);
    assertThat(none.hedgeRate()).isZero();
    assertThat(none.hedgeWinRate()).isZero();
    assertThat(none.attemptsPerCall()).isZero();
  }
}
