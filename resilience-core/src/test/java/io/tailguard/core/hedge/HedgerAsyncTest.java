package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitConfig;
import io.tailguard.core.breaker.CircuitRejectedException;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.time.FakeClock;
import java.io.DataInput;
import java.io.DataOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous hedged calls on one thread: the fake clock fires timers, a direct executor starts
 * hedges inline, and the test completes each attempt's future when it wants.
 */
class HedgerAsyncTest {

  final FakeClock clock = new FakeClock();
  final List<CompletableFuture<String>> attempts = new ArrayList<>();
  final List<AttemptContext> contexts = new ArrayList<>();

  Hedger hedger(HedgeConfig config) {
    return Hedger.builder("async")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run)
        .build();
  }

  CompletableFuture<String> call(Hedger h) {
    return h.callAsync(
        ctx -> {
          CompletableFuture<String> f = new CompletableFuture<>();
          attempts.add(f);
          contexts.add(ctx);
          return f;
        });
  }

  /** One hedge (these tests were written for it), after a fixed delay. */
  static HedgeConfig.Builder fixed(long millis) {
    return HedgeConfig.builder()
        .maxHedges(1)
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(millis))
                .build());
  }

  @Test
  void primaryStageIsCreatedOnTheCallingThreadAndTheLoserIsCancelled() {
    Hedger h = hedger(fixed(100).build());
    CompletableFuture<String> result = call(h);
    assertThat(attempts).hasSize(1);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("hedge");
    assertThat(result).isCompletedWithValue("hedge");
    assertThat(attempts.get(0)).isCancelled();
    assertThat(contexts.get(0).isCancelled()).isTrue();
    assertThat(contexts.get(1).isCancelled()).isFalse();
  }

  @Test
  void cancellingTheResultCancelsEveryAttempt() {
    Hedger h = hedger(fixed(100).maxHedges(2).build());
    CompletableFuture<String> result = call(h);
    clock.advance(Duration.ofMillis(100));
    result.cancel(true);
    assertThat(attempts).hasSize(2).allMatch(CompletableFuture::isCancelled);
    clock.advance(Duration.ofSeconds(60));
    assertThat(attempts).hasSize(2);
    assertThat(clock.pendingTasks()).isZero();
    assertThat(h.metrics().failedCalls()).isEqualTo(1);
  }

  @Test
  void unacceptableResultStartsTheNextAttemptAndTheEarliestIsReturnedIfNoneIsAcceptable() {
    Hedger h = hedger(fixed(100).maxHedges(1).unacceptableResult(r -> "empty".equals(r)).build());
    CompletableFuture<String> result = call(h);
    attempts.get(0).complete("empty");
    assertThat(attempts).hasSize(2); // at once
    attempts.get(1).complete("empty");
    assertThat(result).isCompletedWithValue("empty");

    CompletableFuture<String> second = call(h);
    attempts.get(2).complete("empty");
    attempts.get(3).complete("full");
    assertThat(second).isCompletedWithValue("full");
  }

  @Test
  void attemptFunctionThrowingOrReturningNullCountsAsAFailedAttempt() {
    Hedger h = hedger(fixed(100).build());
    AtomicInteger n = new AtomicInteger();
    CompletableFuture<String> result =
        h.callAsync(
            ctx -> {
              if (n.getAndIncrement() == 0) {
                throw new IllegalStateException("boom");
              }
              return null;
            });
    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .hasMessage("boom")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(
                        s -> assertThat(s).hasMessageContaining("returned null instead of")));
  }

  @Test
  void breakerRefusingThePrimaryFailsTheCallAndRefusingAHedgeStopsHedging() {
    CircuitBreaker breaker =
        CircuitBreaker.builder("async")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(1)
                    .openCooldown(Duration.ofSeconds(1))
                    .halfOpenMaxConcurrent(1)
                    .halfOpenRequiredSuccesses(2)
                    .build())
            .build();
    Hedger h =
        Hedger.builder("async")
            .config(fixed(100).build())
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .breaker(breaker)
            .build();
    breaker.forceOpen();
    CompletableFuture<String> refused = call(h);
    assertThatThrownBy(refused::join).cause().isInstanceOf(CircuitRejectedException.class);
    assertThat(attempts).isEmpty();

    // Half-open with one permit: the primary takes it, so no hedge may go through.
    breaker.close();
    breaker.acquire().failure(); // trips: minCalls 1
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<String> trial = call(h);
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(1);
    attempts.get(0).complete("trial ok");
    assertThat(trial).isCompletedWithValue("trial ok");
    assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
  }

  @Test
  void losersReleaseTheirBreakerPermitWithoutCountingAFailure() {
    CircuitBreaker breaker = CircuitBreaker.builder("async").clock(clock).build();
    Hedger h =
        Hedger.builder("async")
            .config(fixed(100).build())
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .breaker(breaker)
            .build();
    CompletableFuture<String> result = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).complete("hedge");
    assertThat(result).isCompletedWithValue("hedge");
    assertThat(breaker.metrics().failedCalls()).isZero();
    assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
    assertThat(breaker.metrics().windowCalls()).isEqualTo(1);
  }

  @Test
  void strategySwappedMidCallTakesEffectForTheNextHedge() {
    Hedger h = hedger(fixed(100).maxHedges(2).build());
    CompletableFuture<String> result = call(h);
    h.reconfigure(
        b ->
            b.delay(
                DelayConfig.builder()
                    .strategy(HedgeDelayType.BACKOFF)
                    .delay(Duration.ofMillis(10))
                    .factor(3)
                    .build()));
    clock.advance(Duration.ofMillis(100)); // the timer armed before the swap
    assertThat(attempts).hasSize(2);
    clock.advance(Duration.ofMillis(29));
    assertThat(attempts).hasSize(2);
    clock.advance(Duration.ofMillis(1)); // BACKOFF: 10ms * 3^(2-1)
    assertThat(attempts).hasSize(3);
    attempts.get(2).complete("third");
    assertThat(result).isCompletedWithValue("third");
    assertThat(h.strategy().type()).isEqualTo(HedgeDelayType.BACKOFF);
  }

  @Test
  void strategyFaultsFallBackToTheWarmupDelayAndNeverReachTheCaller() {
    Hedger h = hedger(fixed(100).build());
    h.useStrategy(new BrokenStrategy());
    CompletableFuture<String> result = call(h);
    clock.advance(Duration.ofMillis(99)); // warm-up delay is 100ms
    assertThat(attempts).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("fine");
    assertThat(result).isCompletedWithValue("fine");
    assertThat(h.metrics().strategyFaults()).isGreaterThanOrEqualTo(3);
    assertThat(h.describe()).containsKey("strategyFaults");
  }

  @Test
  void budgetBoundsHedgesOverManyCalls() {
    BudgetConfig budget = new BudgetConfig(0.1, 0, 2);
    Hedger h = hedger(fixed(10).budget(budget).build());
    int calls = 500;
    for (int i = 0; i < calls; i++) {
      CompletableFuture<String> r = call(h);
      clock.advance(Duration.ofMillis(10)); // every call wants a hedge
      attempts.get(attempts.size() - 1).complete("x");
      assertThat(r).isDone();
    }
    HedgeMetrics m = h.metrics();
    assertThat(m.hedges()).isLessThanOrEqualTo((long) (2 + 0.1 * calls));
    assertThat(m.hedges()).isGreaterThanOrEqualTo((long) (0.1 * calls) - 1);
    assertThat(m.budgetExhausted()).isEqualTo(calls - m.hedges());
  }

  @Test
  void coalescedCallsShareOneExecutionAndOneWaiterGivingUpLeavesTheOthers() {
    Hedger h = hedger(fixed(100).coalesce(true).build());
    AtomicInteger executions = new AtomicInteger();
    CompletableFuture<String> shared = new CompletableFuture<>();
    CompletableFuture<String> a =
        h.callAsync(
            "q",
            ctx -> {
              executions.incrementAndGet();
              return shared;
            });
    CompletableFuture<String> b =
        h.callAsync(
            "q",
            ctx -> {
              executions.incrementAndGet();
              return shared;
            });
    assertThat(executions).hasValue(1);
    a.cancel(true);
    assertThat(shared).isNotDone();
    shared.complete("answer");
    assertThat(b).isCompletedWithValue("answer");
    assertThat(h.metrics().coalescedCalls()).isEqualTo(1);
    // The key is free again once the execution ended.
    CompletableFuture<String> c = h.callAsync("q", ctx -> CompletableFuture.completedFuture("new"));
    assertThat(c).isCompletedWithValue("new");
  }

  @Test
  void coalescingRequiresItToBeEnabled() {
    Hedger h = hedger(fixed(100).build());
    assertThatThrownBy(() -> h.callAsync("q", ctx -> CompletableFuture.completedFuture("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "coalescing is off for hedger 'async': set coalesce(true) to share calls by key");
  }

  @Test
  void describeShowsConfigStrategyAndRates() {
    Hedger h = hedger(fixed(100).build());
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).complete("x");
    assertThat(r).isDone();
    Map<String, Object> d = h.describe();
    assertThat(d)
        .containsEntry("name", "async")
        .containsEntry("calls", 1L)
        .containsEntry("hedges", 1L)
        .containsEntry("hedgeRate", 1.0)
        .containsEntry("hedgeWinRate", 1.0)
        .containsEntry("currentDelayMillis", 100.0)
        .containsKeys("strategy", "config", "latencyP99Millis", "availableBudget");
  }

  @Test
  void theStrategyLearnsFromPrimariesThatAnsweredOrWereCutShortButNeverFromFailures() {
    Hedger h = hedger(fixed(100).build());
    RecordingStrategy seen = new RecordingStrategy();
    h.useStrategy(seen);

    CompletableFuture<String> answered = call(h);
    clock.advance(Duration.ofMillis(30));
    attempts.get(0).complete("fast");
    assertThat(answered).isCompletedWithValue("fast");

    CompletableFuture<String> failed = call(h);
    attempts.get(1).completeExceptionally(new IllegalStateException("at once"));
    attempts.get(2).complete("hedge after a failure");
    assertThat(failed).isCompletedWithValue("hedge after a failure");

    CompletableFuture<String> superseded = call(h);
    clock.advance(Duration.ofMillis(100)); // the hedge starts
    clock.advance(Duration.ofMillis(20));
    attempts.get(4).complete("hedge wins");
    assertThat(superseded).isCompletedWithValue("hedge wins");

    assertThat(seen.primaries).containsExactly("30000000:true", "120000000:false");
  }

  /** Remembers what the hedger reported about primaries. */
  static final class RecordingStrategy implements HedgeDelayStrategy {
    final List<String> primaries = new ArrayList<>();

    @Override
    public long delayNanos(int hedge) {
      return Duration.ofMillis(100).toNanos();
    }

    @Override
    public void recordLatency(long latencyNanos) {}

    @Override
    public synchronized void recordPrimary(long elapsedNanos, boolean completed) {
      primaries.add(elapsedNanos + ":" + completed);
    }

    @Override
    public boolean isWarm() {
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
      return Map.of();
    }

    @Override
    public void writeState(DataOutput out) {}

    @Override
    public void readState(DataInput in) {}
  }

  /** A strategy whose every method fails. */
  static final class BrokenStrategy implements HedgeDelayStrategy {
    final FixedDelay type = new FixedDelay(DelayConfig.defaults());

    @Override
    public long delayNanos(int hedge) {
      throw new IllegalStateException("broken");
    }

    @Override
    public void recordLatency(long latencyNanos) {
      throw new IllegalStateException("broken");
    }

    @Override
    public void recordPrimary(long elapsedNanos, boolean completed) {
      throw new IllegalStateException("broken");
    }

    @Override
    public boolean isWarm() {
      throw new IllegalStateException("broken");
    }

    @Override
    public HedgeDelayType type() {
      return HedgeDelayType.FIXED;
    }

    @Override
    public void reconfigure(DelayConfig config, BudgetConfig budget) {}

    @Override
    public Map<String, Object> describe() {
      throw new IllegalStateException("broken");
    }

    @Override
    public void writeState(DataOutput out) {}

    @Override
    public void readState(DataInput in) {}
  }
}
