package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.io.DataInput;
import java.io.DataOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What a hedger tells its delay strategy about each attempt (latency, success, failure, the
 * primary, an empty budget), and how a strategy that throws from any of those is counted and kept
 * away from the caller. Asynchronous calls on one thread: the fake clock fires timers, a direct
 * executor starts hedges inline, the test completes each attempt.
 */
class HedgeStrategyFeedbackTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();
  final List<CompletableFuture<String>> attempts = new ArrayList<>();

  /** Which of the strategy's methods throw. */
  enum Fault {
    DELAY,
    LATENCY,
    SUCCESS,
    FAILURE,
    PRIMARY,
    BUDGET,
    WARM,
    DESCRIBE
  }

  /** A strategy with a fixed delay that writes down every call the hedger makes to it. */
  static final class ScriptedStrategy implements HedgeDelayStrategy {
    final List<String> told = new ArrayList<>();
    final Set<Fault> faults = EnumSet.noneOf(Fault.class);
    long delayNanos = 100 * MS;
    int delayQueries;

    void maybeFail(Fault f) {
      if (faults.contains(f)) {
        throw new IllegalStateException("strategy fault: " + f);
      }
    }

    @Override
    public long delayNanos(int hedge) {
      delayQueries++;
      maybeFail(Fault.DELAY);
      return delayNanos;
    }

    @Override
    public void recordLatency(long latencyNanos) {
      maybeFail(Fault.LATENCY);
      told.add("latency " + latencyNanos / MS);
    }

    @Override
    public void recordSuccess() {
      maybeFail(Fault.SUCCESS);
      told.add("success");
    }

    @Override
    public void recordFailure() {
      maybeFail(Fault.FAILURE);
      told.add("failure");
    }

    @Override
    public void recordPrimary(long elapsedNanos, boolean completed) {
      maybeFail(Fault.PRIMARY);
      told.add("primary " + elapsedNanos / MS + " " + completed);
    }

    @Override
    public void recordBudgetExhausted() {
      maybeFail(Fault.BUDGET);
      told.add("budget exhausted");
    }

    final List<Boolean> spentOnFailures = new ArrayList<>();

    @Override
    public void recordBudgetExhausted(boolean spentOnFailures) {
      this.spentOnFailures.add(spentOnFailures);
      recordBudgetExhausted();
    }

    final List<String> outcomes = new ArrayList<>();

    @Override
    public void recordHedgeOutcome(long firstHedgeDelayNanos, boolean hedgeWon) {
      outcomes.add(firstHedgeDelayNanos / MS + (hedgeWon ? " won" : " lost"));
    }

    @Override
    public boolean isWarm() {
      maybeFail(Fault.WARM);
      return true;
    }

    @Override
    public HedgeDelayType type() {
      return HedgeDelayType.FIXED;
    }

    @Override
    public void reconfigure(DelayConfig config, BudgetConfig budget) {}

    @Override
    public Map<String, Object> describe() {
      maybeFail(Fault.DESCRIBE);
      return Map.of("strategy", "scripted");
    }

    @Override
    public void writeState(DataOutput out) {}

    @Override
    public void readState(DataInput in) {}
  }

  final ScriptedStrategy strategy = new ScriptedStrategy();

  Hedger hedger(HedgeConfig.Builder config) {
    Hedger h =
        Hedger.builder("feedback")
            .config(
                config
                    .delay(
                        DelayConfig.builder()
                            .strategy(HedgeDelayType.FIXED)
                            .warmupDelay(Duration.ofMillis(70))
                            .build())
                    .build())
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build();
    h.useStrategy(strategy);
    return h;
  }

  Hedger hedger() {
    return hedger(HedgeConfig.builder().maxHedges(1));
  }

  CompletableFuture<String> call(Hedger h) {
    return PendingAttempts.call(h, attempts);
  }

  @Test
  void aPrimaryThatAnswersReportsItsLatencyItsSuccessAndItself() {
    Hedger h = hedger();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(30));
    attempts.get(0).complete("ok");
    assertThat(r).isCompletedWithValue("ok");
    assertThat(strategy.told).containsExactly("latency 30", "success", "primary 30 true");
  }

  @Test
  void aSupersededPrimaryReportsItsElapsedTimeAsALowerBoundAndNoSuccess() {
    Hedger h = hedger();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(25));
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
    assertThat(strategy.told)
        .containsExactly("latency 25", "success", "latency 125", "primary 125 false");
  }

  @Test
  void aCallWhoseHedgeItsDelaySentReportsWhetherTheHedgeWonAndTheDelay() {
    Hedger h = hedger(HedgeConfig.builder().maxHedges(2));
    CompletableFuture<String> won = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).complete("hedge");
    assertThat(won).isCompletedWithValue("hedge");
    assertThat(strategy.outcomes).containsExactly("100 won");

    strategy.delayNanos = 40 * MS;
    CompletableFuture<String> lost = call(h);
    clock.advance(Duration.ofMillis(40));
    assertThat(attempts).hasSize(4);
    attempts.get(2).complete("primary");
    assertThat(lost).isCompletedWithValue("primary");
    assertThat(strategy.outcomes).containsExactly("100 won", "40 lost");

    // The second hedge wins: a hedge's answer, and the delay is still the first hedge's.
    strategy.delayNanos = 10 * MS;
    CompletableFuture<String> second = call(h);
    clock.advance(Duration.ofMillis(10));
    clock.advance(Duration.ofMillis(10));
    assertThat(attempts).hasSize(7);
    attempts.get(6).complete("second hedge");
    assertThat(second).isCompletedWithValue("second hedge");
    assertThat(strategy.outcomes).containsExactly("100 won", "40 lost", "10 won");
  }

  @Test
  void noHedgeOutcomeWithoutAHedgeNorWhereAFailureSentItOrThePrimaryFailed() {
    Hedger h = hedger();
    CompletableFuture<String> fast = call(h);
    attempts.get(0).complete("ok");
    assertThat(fast).isCompletedWithValue("ok");

    // A failure of the primary starts the next attempt at once: not a hedge its delay sent.
    CompletableFuture<String> retried = call(h);
    attempts.get(1).completeExceptionally(new IllegalStateException("down"));
    attempts.get(2).complete("second");
    assertThat(retried).isCompletedWithValue("second");

    // The delay sent the hedge, but it won only because the primary failed.
    CompletableFuture<String> failedPrimary = call(h);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(5);
    attempts.get(3).completeExceptionally(new IllegalStateException("down"));
    attempts.get(4).complete("hedge");
    assertThat(failedPrimary).isCompletedWithValue("hedge");

    // Every attempt failed.
    CompletableFuture<String> failed = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(6).completeExceptionally(new IllegalStateException("down"));
    attempts.get(5).completeExceptionally(new IllegalStateException("down"));
    assertThat(failed).isCompletedExceptionally();
    assertThat(strategy.outcomes).isEmpty();
  }

  @Test
  void noHedgeOutcomeForACallThatTimesOutOrIsCancelled() {
    Hedger h = hedger(HedgeConfig.builder().maxHedges(1).timeout(Duration.ofMillis(300)));
    CompletableFuture<String> timedOut = call(h);
    clock.advance(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(200));
    assertThat(timedOut).isCompletedExceptionally();

    CompletableFuture<String> cancelled = call(h);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(4);
    cancelled.cancel(true);
    assertThat(strategy.outcomes).isEmpty();
  }

  /** A hedger whose budget holds one token, which the first call's hedge (attempts 0, 1) took. */
  Hedger hedgerWhoseOnlyTokenIsSpent() {
    Hedger h = hedger(HedgeConfig.builder().maxHedges(1).budget(new BudgetConfig(0.05, 0, 1)));
    CompletableFuture<String> first = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).complete("hedge");
    assertThat(first).isDone();
    return h;
  }

  @Test
  void aHedgeThatWaitedForATokenReportsTheDelayItWasArmedWith() {
    Hedger h = hedgerWhoseOnlyTokenIsSpent();
    CompletableFuture<String> waiting = call(h); // attempt 2
    clock.advance(Duration.ofMillis(100)); // refused: tried again 200 ms later
    assertThat(attempts).hasSize(3);
    for (int i = 0; i < 20; i++) { // 20 primaries earn a token
      CompletableFuture<String> quick = call(h);
      attempts.get(attempts.size() - 1).complete("quick");
      assertThat(quick).isDone();
    }
    clock.advance(Duration.ofMillis(200));
    assertThat(attempts).hasSize(24);
    attempts.get(23).complete("late hedge");
    assertThat(waiting).isCompletedWithValue("late hedge");
    assertThat(strategy.outcomes).containsExactly("100 won", "100 won");
  }

  @Test
  void noHedgeOutcomeForAHedgeThatNeverStarted() {
    Hedger h =
        Hedger.builder("feedback")
            .config(HedgeConfig.builder().maxHedges(1).build())
            .clock(clock)
            .scheduler(clock)
            .executor(
                r -> {
                  if (!attempts.isEmpty()) { // the primary started: the hedge finds no thread
                    throw new java.util.concurrent.RejectedExecutionException("saturated");
                  }
                  r.run();
                })
            .build();
    h.useStrategy(strategy);
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(1);
    assertThat(h.metrics().executorRefusals()).isEqualTo(1);
    attempts.get(0).complete("primary");
    assertThat(r).isCompletedWithValue("primary");
    assertThat(strategy.outcomes).isEmpty();
  }

  @Test
  void aFailedAttemptReportsAFailureAndAFailedPrimaryIsNotReported() {
    Hedger h = hedger();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(10));
    attempts.get(0).completeExceptionally(new IllegalStateException("down"));
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
    assertThat(strategy.told).containsExactly("failure", "latency 0", "success");
  }

  @Test
  void aRefusedPrimaryTeachesTheStrategyNothing() {
    Hedger h = hedger();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(10));
    attempts
        .get(0)
        .completeExceptionally(
            new io.tailguard.core.circuitbreaker.CircuitRejectedException(
                "inner",
                io.tailguard.core.circuitbreaker.CircuitRejectedException.Reason.OPEN,
                Duration.ofSeconds(1)));
    assertThat(r).isCompletedExceptionally();
    assertThat(strategy.told).isEmpty();
  }

  @Test
  void aHedgeTheBudgetRefusesAtItsDelayIsReportedOnceButOneAFailureAskedForIsNot() {
    Hedger h = hedgerWhoseOnlyTokenIsSpent();
    strategy.told.clear();

    CompletableFuture<String> delayed = call(h);
    clock.advance(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(200)); // tried again, refused again: reported once
    assertThat(attempts).hasSize(3);
    assertThat(strategy.told).containsExactly("budget exhausted");
    attempts.get(2).complete("primary");
    assertThat(delayed).isDone();
    strategy.told.clear();

    CompletableFuture<String> failing = call(h);
    attempts.get(3).completeExceptionally(new IllegalStateException("down"));
    assertThat(failing).isCompletedExceptionally();
    assertThat(strategy.told).containsExactly("failure");
    assertThat(h.metrics().budgetExhausted()).isEqualTo(2);
  }

  @Test
  void aRefusalAfterTheDelaysOwnHedgesTookTheTokensIsNotOneOfABudgetSpentOnFailures() {
    Hedger h = hedgerWhoseOnlyTokenIsSpent(); // by a hedge its delay sent
    CompletableFuture<String> refused = call(h);
    clock.advance(Duration.ofMillis(100));
    assertThat(strategy.spentOnFailures).containsExactly(false);
    attempts.get(2).complete("primary");
    assertThat(refused).isDone();
  }

  @Test
  void aRefusalAfterRetriesOfFailuresTookTheTokensIsOneOfABudgetSpentOnFailures() {
    Hedger h =
        hedger(
            HedgeConfig.builder()
                .maxHedges(1)
                .budget(new BudgetConfig(0.05, 0, 1))
                .retryableExceptions(List.of(IllegalStateException.class)));
    CompletableFuture<String> retried = call(h);
    attempts.get(0).completeExceptionally(new IllegalStateException("down"));
    assertThat(attempts).as("the failure's attempt took the only token").hasSize(2);
    attempts.get(1).complete("retried");
    assertThat(retried).isCompletedWithValue("retried");

    CompletableFuture<String> refused = call(h);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(3);
    assertThat(strategy.spentOnFailures).containsExactly(true);
    attempts.get(2).complete("primary");
    assertThat(refused).isDone();
  }

  @Test
  void withoutListenersTheStrategyIsAskedOnceForEachHedgesDelay() {
    Hedger h = hedger();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).complete("hedge");
    assertThat(r).isDone();
    assertThat(strategy.delayQueries).isEqualTo(1);
  }

  @Test
  void aZeroDelayHedgesAtOnceAndIsNoFault() {
    strategy.delayNanos = 0;
    Hedger h = hedger();
    call(h);
    clock.runDueTasks();
    assertThat(attempts).hasSize(2);
    assertThat(h.metrics().strategyFaults()).isZero();
  }

  @Test
  void aNegativeDelayIsAFaultAndTheWarmupDelayIsUsed() {
    strategy.delayNanos = -1;
    Hedger h = hedger();
    call(h);
    clock.advance(Duration.ofMillis(69));
    assertThat(attempts).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(attempts).hasSize(2);
    // The hedge's delay; metrics() reads the count before asking for the current delay.
    assertThat(h.metrics().strategyFaults()).isEqualTo(1);
    assertThat(h.metrics().currentDelayNanos()).isEqualTo(70 * MS);
  }

  @Test
  void aStrategyThatThrowsForTheDelayIsCountedAndTheWarmupDelayIsUsed() {
    strategy.faults.add(Fault.DELAY);
    Hedger h = hedger();
    List<HedgeEvent> events = new ArrayList<>();
    h.subscribe(events::add);
    call(h);
    clock.advance(Duration.ofMillis(70));
    assertThat(attempts).hasSize(2);
    assertThat(h.metrics().strategyFaults()).isGreaterThanOrEqualTo(1);
    assertThat(events)
        .filteredOn(e -> e instanceof HedgeEvent.StrategyFault)
        .first()
        .satisfies(
            e ->
                assertThat(((HedgeEvent.StrategyFault) e).error())
                    .hasMessage("strategy fault: DELAY"));
  }

  @Test
  void faultsWhileLearningAreCountedOneByOneAndTheCallsStillAnswer() {
    strategy.faults.addAll(EnumSet.of(Fault.LATENCY, Fault.SUCCESS, Fault.PRIMARY));
    Hedger h = hedger();
    CompletableFuture<String> r = call(h);
    attempts.get(0).complete("ok");
    assertThat(r).isCompletedWithValue("ok");
    assertThat(h.metrics().strategyFaults()).isEqualTo(3);

    strategy.faults.clear();
    strategy.faults.add(Fault.FAILURE);
    CompletableFuture<String> failing = call(h);
    attempts.get(1).completeExceptionally(new IllegalStateException("down"));
    attempts.get(2).complete("hedge");
    assertThat(failing).isCompletedWithValue("hedge");
    assertThat(h.metrics().strategyFaults()).isEqualTo(4);
  }

  @Test
  void aStrategyThatThrowsWhenTheBudgetIsEmptyIsCounted() {
    strategy.faults.add(Fault.BUDGET);
    Hedger h = hedger(HedgeConfig.builder().maxHedges(1).budget(new BudgetConfig(0.05, 0, 1)));
    CompletableFuture<String> first = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).complete("hedge");
    CompletableFuture<String> second = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(2).complete("primary");
    assertThat(first).isDone();
    assertThat(second).isCompletedWithValue("primary");
    assertThat(h.metrics().strategyFaults()).isEqualTo(1);
    assertThat(h.metrics().budgetExhausted()).isEqualTo(1);
  }

  @Test
  void aStrategyThatCannotSayWhetherItIsWarmOrDescribeItselfIsCounted() {
    strategy.faults.addAll(EnumSet.of(Fault.WARM, Fault.DESCRIBE));
    Hedger h = hedger();
    HedgeMetrics m = h.metrics();
    assertThat(m.warm()).isFalse();
    assertThat(m.strategyFaults()).isEqualTo(1);
    Map<String, Object> d = h.describe();
    assertThat(d).doesNotContainKey("strategy").containsEntry("warm", false);
    assertThat(h.metrics().strategyFaults()).isEqualTo(4); // metrics, describe's metrics, describe
  }

  @Test
  void aResultTestThatThrowsCountsAsAFaultAndTheResultAsAcceptable() {
    Hedger h =
        hedger(
            HedgeConfig.builder()
                .maxHedges(1)
                .unacceptableResult(
                    v -> {
                      throw new IllegalStateException("bad predicate");
                    }));
    CompletableFuture<String> r = call(h);
    attempts.get(0).complete("taken");
    assertThat(r).isCompletedWithValue("taken");
    assertThat(attempts).hasSize(1);
    assertThat(h.metrics().strategyFaults()).isEqualTo(1);
  }
}
