package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocking hedged calls, driven by a fake clock and latches that release attempts in order. */
class HedgerTest {

  final FakeClock clock = new FakeClock();
  final ExecutorService attemptPool = Executors.newCachedThreadPool();
  final ExecutorService callers = Executors.newCachedThreadPool();
  final List<HedgeEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    attemptPool.shutdownNow();
    callers.shutdownNow();
    assertThat(attemptPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** One hedge (these tests were written for it), after a fixed delay. */
  static HedgeConfig.Builder fixed(Duration delay) {
    return HedgeConfig.builder()
        .maxHedges(1)
        .delay(DelayConfig.builder().strategy(HedgeDelayType.FIXED).delay(delay).build());
  }

  Hedger hedger(HedgeConfig config) {
    Hedger h =
        Hedger.builder("search")
            .config(config)
            .clock(clock)
            .scheduler(clock)
            .executor(attemptPool)
            .build();
    h.subscribe(events::add);
    return h;
  }

  CompletableFuture<String> inBackground(Hedger h, Function<AttemptContext, String> fn) {
    return CompletableFuture.supplyAsync(() -> h.call(fn), callers);
  }

  /** Waits until the call has armed its timeout and its next hedge timer. */
  void awaitTimers(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.pendingTasks() == n);
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void primaryAnsweringBeforeTheDelaySendsNoHedge() throws Exception {
    Hedger h = hedger(fixed(Duration.ofMillis(100)).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    a.answer(0, "primary");
    assertThat(join(result)).isEqualTo("primary");
    clock.advance(Duration.ofSeconds(1));
    assertThat(a.hasStarted(1)).isFalse();
    assertThat(clock.pendingTasks()).isZero(); // hedge timer and timeout were cancelled
    HedgeMetrics m = h.metrics();
    assertThat(m.calls()).isEqualTo(1);
    assertThat(m.attempts()).isEqualTo(1);
    assertThat(m.hedges()).isZero();
    assertThat(m.primaryWins()).isEqualTo(1);
  }

  @Test
  void hedgeWinsAndThePrimaryIsInterruptedBeforeTheCallReturns() throws Exception {
    Hedger h = hedger(fixed(Duration.ofMillis(100)).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(99));
    assertThat(a.hasStarted(1)).isFalse();
    clock.advance(Duration.ofMillis(1));
    a.awaitStarted(1);
    assertThat(a.contexts[1].isHedge()).isTrue();
    assertThat(a.contexts[1].idempotencyKey()).isEqualTo(a.contexts[0].idempotencyKey());
    a.answer(1, "hedge");
    assertThat(join(result)).isEqualTo("hedge");
    assertThat(a.contexts[0].isCancelled()).isTrue();
    a.awaitInterrupted(0);
    HedgeMetrics m = h.metrics();
    assertThat(m.hedges()).isEqualTo(1);
    assertThat(m.hedgeWins()).isEqualTo(1);
    assertThat(m.hedgeWinRate()).isEqualTo(1.0);
    assertThat(events)
        .filteredOn(e -> e instanceof HedgeEvent.CallCompleted)
        .singleElement()
        .satisfies(
            e -> {
              HedgeEvent.CallCompleted c = (HedgeEvent.CallCompleted) e;
              assertThat(c.winner()).isEqualTo(1);
              assertThat(c.outcome()).isEqualTo(HedgeEvent.Outcome.SUCCESS);
              assertThat(c.latency()).isEqualTo(Duration.ofMillis(100));
            });
  }

  @Test
  void everyHedgeFiresADelayAfterThePreviousAttemptUpToMaxHedges() throws Exception {
    Hedger h = hedger(fixed(Duration.ofMillis(50)).maxHedges(3).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    for (int k = 1; k <= 3; k++) {
      awaitTimers(2);
      clock.advance(Duration.ofMillis(50));
      a.awaitStarted(k);
    }
    awaitTimers(1); // only the timeout is left: maxHedges reached
    clock.advance(Duration.ofMillis(500));
    assertThat(a.hasStarted(4)).isFalse();
    a.answer(2, "third");
    assertThat(join(result)).isEqualTo("third");
    a.awaitInterrupted(0);
    a.awaitInterrupted(1);
    a.awaitInterrupted(3);
    assertThat(h.metrics().attempts()).isEqualTo(4);
  }

  @Test
  void allAttemptsFailingThrowsThePrimarysExceptionWithTheOthersSuppressed() {
    Hedger h = hedger(fixed(Duration.ofMillis(100)).maxHedges(2).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    IllegalStateException first = new IllegalStateException("primary failed");
    a.fail(0, first); // retryable by default: the first hedge starts at once
    a.awaitStarted(1);
    IllegalArgumentException second = new IllegalArgumentException("hedge 1 failed");
    a.fail(1, second); // and the second
    a.awaitStarted(2);
    UnsupportedOperationException third = new UnsupportedOperationException("hedge 2 failed");
    a.fail(2, third);
    assertThatThrownBy(() -> join(result))
        .isSameAs(first)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second, third));
    assertThat(h.metrics().failedCalls()).isEqualTo(1);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void retryableFailureStartsTheNextAttemptAtOnce() throws Exception {
    Hedger h = hedger(fixed(Duration.ofSeconds(10)).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    a.fail(0, new IllegalStateException("connection reset"));
    a.awaitStarted(1); // no clock advance
    a.answer(1, "ok");
    assertThat(join(result)).isEqualTo("ok");
    assertThat(events)
        .filteredOn(e -> e instanceof HedgeEvent.HedgeFired)
        .extracting(e -> ((HedgeEvent.HedgeFired) e).trigger())
        .containsExactly(HedgeEvent.Trigger.RETRYABLE_FAILURE);
  }

  @Test
  void failureOfAnotherTypeWaitsForTheDelay() throws Exception {
    Hedger h =
        hedger(
            fixed(Duration.ofMillis(100))
                .maxHedges(2)
                .retryableExceptions(List.of(IllegalStateException.class))
                .build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100));
    a.awaitStarted(1);
    a.fail(1, new IllegalArgumentException("not retryable, not fatal"));
    awaitTimers(2);
    assertThat(a.hasStarted(2)).isFalse();
    clock.advance(Duration.ofMillis(100));
    a.awaitStarted(2);
    a.answer(2, "late");
    assertThat(join(result)).isEqualTo("late");
  }

  @Test
  void fatalFailureEndsTheCallAtOnceAndCancelsTheRest() {
    Hedger h =
        hedger(
            fixed(Duration.ofMillis(100))
                .fatalExceptions(List.of(SecurityException.class))
                .build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100));
    a.awaitStarted(1);
    SecurityException denied = new SecurityException("denied");
    a.fail(1, denied);
    assertThatThrownBy(() -> join(result)).isSameAs(denied);
    a.awaitInterrupted(0);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void timeoutCoversAllAttempts() {
    Hedger h = hedger(fixed(Duration.ofMillis(100)).timeout(Duration.ofSeconds(2)).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100));
    a.awaitStarted(1);
    clock.advance(Duration.ofMillis(1899));
    assertThat(result).isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThatThrownBy(() -> join(result))
        .isInstanceOf(HedgeTimeoutException.class)
        .hasMessage("Hedged call of 'search' timed out after 2s with 2 attempts");
    a.awaitInterrupted(0);
    a.awaitInterrupted(1);
    assertThat(h.metrics().timeouts()).isEqualTo(1);
  }

  @Test
  void anAttemptCanRunFarPastThirtySecondsOfFakeTime() throws Exception {
    Hedger h =
        hedger(
            HedgeConfig.builder()
                .maxHedges(1)
                .timeout(Duration.ofHours(2))
                .budget(new BudgetConfig(0.05, 0, 1))
                .build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100)); // warm-up delay: the one token is spent
    a.awaitStarted(1);
    awaitTimers(1);
    clock.advance(Duration.ofMinutes(90));
    assertThat(result).isNotDone();
    a.answer(0, "slow but fine");
    assertThat(join(result)).isEqualTo("slow but fine");
    assertThat(h.metrics().p50Nanos()).isGreaterThanOrEqualTo(Duration.ofMinutes(89).toNanos());
  }

  @Test
  void emptyBudgetHoldsNewHedgesButNotRunningAttempts() throws Exception {
    Hedger h =
        hedger(
            fixed(Duration.ofMillis(100))
                .maxHedges(3)
                .budget(new BudgetConfig(0.01, 0, 1))
                .build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100));
    a.awaitStarted(1); // the only token
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100)); // no token: no hedge; it is tried again later
    awaitTimers(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(a.hasStarted(2)).isFalse();
    a.answer(0, "primary");
    assertThat(join(result)).isEqualTo("primary");
    a.awaitInterrupted(1);
    assertThat(h.metrics().budgetExhausted()).isEqualTo(1);
    assertThat(events).anyMatch(e -> e instanceof HedgeEvent.BudgetExhausted);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aHedgeTheBudgetRefusedIsSentWhenATokenArrives() throws Exception {
    // One hedge per second of floor refill and an empty bucket after the first hedge.
    Hedger h =
        hedger(
            fixed(Duration.ofMillis(100))
                .maxHedges(2)
                .budget(new BudgetConfig(0.01, 1, 1))
                .build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100)); // t = 100ms: the burst's token
    a.awaitStarted(1);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100)); // t = 200ms: 0.2 tokens, refused; again in 200ms
    awaitTimers(2);
    clock.advance(Duration.ofMillis(200)); // t = 400ms: 0.4, refused; again in 400ms
    awaitTimers(2);
    clock.advance(Duration.ofMillis(400)); // t = 800ms: 0.8, refused; again in 800ms
    awaitTimers(2);
    assertThat(a.hasStarted(2)).isFalse();
    clock.advance(Duration.ofMillis(800)); // t = 1.6s: 1.6 tokens, sent
    a.awaitStarted(2);
    a.answer(2, "late hedge");
    assertThat(join(result)).isEqualTo("late hedge");
    assertThat(h.metrics().hedges()).isEqualTo(2);
    assertThat(h.metrics().budgetExhausted()).isEqualTo(1); // one call, counted once
  }

  @Test
  void aRefusedHedgeIsTriedAgainAtMostASecondApart() throws Exception {
    Hedger h = hedger(fixed(Duration.ofMillis(400)).budget(new BudgetConfig(0.01, 0, 1)).build());
    ControlledAttempts first = new ControlledAttempts();
    CompletableFuture<String> taker = inBackground(h, first);
    first.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(400));
    first.awaitStarted(1); // takes the token
    first.answer(1, "done");
    join(taker);
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    assertThat(clock.nextTaskDelay()).isEqualTo(Duration.ofMillis(400));
    clock.advance(Duration.ofMillis(400)); // refused: tried again after twice the delay
    long[] gaps = {800, 1000, 1000, 1000};
    for (long gap : gaps) {
      awaitTimers(2);
      assertThat(clock.nextTaskDelay()).isEqualTo(Duration.ofMillis(gap));
      clock.advance(Duration.ofMillis(gap)); // refused again
    }
    assertThat(a.hasStarted(1)).isFalse();
    a.answer(0, "primary");
    assertThat(join(result)).isEqualTo("primary");
  }

  @Test
  void nonIdempotentCallsAreNeverHedged() throws Exception {
    Hedger h = hedger(fixed(Duration.ofMillis(10)).idempotent(false).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(1); // the timeout only
    clock.advance(Duration.ofSeconds(5));
    assertThat(a.hasStarted(1)).isFalse();
    a.fail(0, new IllegalStateException("once only"));
    assertThatThrownBy(() -> join(result)).hasMessage("once only");
    assertThat(h.metrics().hedges()).isZero();
  }

  @Test
  void executorRefusingThePrimaryRunsTheCallUnhedgedOnTheCallersThread() {
    Hedger h =
        Hedger.builder("search")
            .config(fixed(Duration.ofMillis(10)).build())
            .clock(clock)
            .scheduler(clock)
            .executor(
                r -> {
                  throw new RejectedExecutionException("full");
                })
            .build();
    Thread caller = Thread.currentThread();
    String result =
        h.call(
            ctx -> {
              assertThat(Thread.currentThread()).isSameAs(caller);
              return "inline";
            });
    assertThat(result).isEqualTo("inline");
    assertThat(h.metrics().executorRefusals()).isEqualTo(1);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aSaturatedExecutorRunsThePrimaryOnTheCallersThreadAndTheTimeoutStillEndsIt()
      throws Exception {
    // One thread, busy, and no queue: every attempt handed to it is refused.
    ThreadPoolExecutor saturated =
        new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
    CountDownLatch busy = new CountDownLatch(1);
    saturated.execute(
        () -> {
          try {
            busy.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      Hedger h =
          Hedger.builder("search")
              .config(fixed(Duration.ofMillis(100)).timeout(Duration.ofSeconds(2)).build())
              .clock(clock)
              .scheduler(clock)
              .executor(saturated)
              .build();
      ControlledAttempts a = new ControlledAttempts();
      CompletableFuture<Thread> caller = new CompletableFuture<>();
      CompletableFuture<String> result =
          CompletableFuture.supplyAsync(
              () -> {
                caller.complete(Thread.currentThread());
                return h.call(
                    ctx -> {
                      assertThat(Thread.currentThread()).isSameAs(caller.join());
                      return a.apply(ctx);
                    });
              },
              callers);
      a.awaitStarted(0);
      awaitTimers(1); // the timeout; no hedge timer, the call stays unhedged
      clock.advance(Duration.ofMillis(1999));
      assertThat(result).isNotDone();
      clock.advance(Duration.ofMillis(1));
      a.awaitInterrupted(0);
      assertThatThrownBy(() -> join(result))
          .isInstanceOf(HedgeTimeoutException.class)
          .hasMessage("Hedged call of 'search' timed out after 2s with 1 attempt");
      HedgeMetrics m = h.metrics();
      assertThat(m.executorRefusals()).isEqualTo(1);
      assertThat(m.timeouts()).isEqualTo(1);
      assertThat(m.hedges()).isZero();
      assertThat(clock.pendingTasks()).isZero();
    } finally {
      busy.countDown();
      saturated.shutdown();
    }
  }

  @Test
  void callerInterruptCancelsTheAttemptsAndKeepsTheInterruptStatus() throws Exception {
    Hedger h = hedger(fixed(Duration.ofMillis(100)).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                h.call(a);
                outcome.complete("returned");
              } catch (RuntimeException e) {
                outcome.complete(List.of(e, Thread.currentThread().isInterrupted()));
              }
            });
    caller.start();
    a.awaitStarted(0);
    awaitTimers(2);
    caller.interrupt();
    Object o = outcome.get(10, TimeUnit.SECONDS);
    assertThat(o).isInstanceOf(List.class);
    List<?> l = (List<?>) o;
    assertThat(l.get(0)).isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(l.get(1)).isEqualTo(true);
    a.awaitInterrupted(0);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void closeCancelsCallsInFlightAndRefusesNewOnes() {
    Hedger h = hedger(fixed(Duration.ofMillis(100)).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> result = inBackground(h, a);
    a.awaitStarted(0);
    h.close();
    assertThatThrownBy(() -> join(result))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    a.awaitInterrupted(0);
    assertThatThrownBy(() -> h.call(ctx -> "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("hedger 'search' is closed");
  }

  @Test
  void blockingCoalescedCallsShareOneExecutionAndAnInterruptedWaiterLeavesTheOthers()
      throws Exception {
    Hedger h = hedger(fixed(Duration.ofSeconds(5)).coalesce(true).build());
    ControlledAttempts a = new ControlledAttempts();
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> h.call("same", a), callers);
    a.awaitStarted(0);
    CompletableFuture<Object> second = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                second.complete(h.call("same", a));
              } catch (RuntimeException e) {
                second.complete(e);
              }
            });
    waiter.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.metrics().coalescedCalls() == 1);
    waiter.interrupt();
    assertThat(second.get(10, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(a.contexts[0].isCancelled()).isFalse();
    a.answer(0, "shared");
    assertThat(join(first)).isEqualTo("shared");
    assertThat(h.metrics().calls()).isEqualTo(1);
  }
}
