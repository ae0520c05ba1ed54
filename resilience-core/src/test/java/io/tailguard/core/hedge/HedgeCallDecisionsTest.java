package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a hedged call decides what comes next at its edges: an attempt a failure asks for when the
 * budget is empty, the next hedge after one started at once, the failures a failed call carries, a
 * hedge the executor refuses, a stage that arrives after its call ended, results that fail to
 * close, how long a refused hedge waits before trying again, and where attempts run.
 */
class HedgeCallDecisionsTest {

  static final long MS = 1_000_000L;
  final FakeClock clock = new FakeClock();
  final List<CompletableFuture<String>> attempts = new ArrayList<>();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  static HedgeConfig.Builder fixed(long millis) {
    return HedgeConfig.builder()
        .maxHedges(1)
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(millis))
                .build());
  }

  Hedger hedger(HedgeConfig config, Executor executor) {
    return Hedger.builder("decisions")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(executor)
        .build();
  }

  Hedger hedger(HedgeConfig config) {
    return hedger(config, Runnable::run);
  }

  CompletableFuture<String> call(Hedger h) {
    return PendingAttempts.call(h, attempts);
  }

  static Throwable failureOf(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("not failed");
  }

  /** Spends the only token of a one-token budget on a hedge that wins. */
  void spendTheOnlyToken(Hedger h) {
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(attempts.size() - 1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
  }

  @Test
  void aFailureWithAnEmptyBudgetAndNothingRunningFailsTheCallAtOnce() {
    Hedger h = hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 1)).build());
    spendTheOnlyToken(h);
    CompletableFuture<String> r = call(h);
    IllegalStateException down = new IllegalStateException("down");
    attempts.get(attempts.size() - 1).completeExceptionally(down);
    assertThat(failureOf(r)).isSameAs(down);
    assertThat(h.metrics().budgetExhausted()).isEqualTo(1);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aFailureWithAnEmptyBudgetWhileAnotherAttemptRunsWaitsForIt() {
    Hedger h = hedger(fixed(100).maxHedges(2).budget(new BudgetConfig(0.05, 0, 1)).build());
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100)); // the only token: hedge 1
    assertThat(attempts).hasSize(2);
    attempts.get(0).completeExceptionally(new IllegalStateException("down"));
    assertThat(attempts).hasSize(2); // no token for the attempt the failure asked for
    assertThat(h.metrics().budgetExhausted()).isEqualTo(1);
    assertThat(r).isNotDone();
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
  }

  @Test
  void aFailureThatEndsAnAttemptWhileAnotherRunsCountsNoEmptyBudget() {
    Hedger h = hedger(fixed(100).maxHedges(1).build());
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).completeExceptionally(new IllegalStateException("down"));
    attempts.get(0).complete("primary");
    assertThat(r).isCompletedWithValue("primary");
    assertThat(h.metrics().budgetExhausted()).isZero();
  }

  @Test
  void afterAnAttemptStartedAtOnceTheNextHedgeStillWaitsItsDelay() {
    Hedger h = hedger(fixed(100).maxHedges(2).build());
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(10));
    attempts.get(0).completeExceptionally(new IllegalStateException("down"));
    assertThat(attempts).hasSize(2); // at once
    clock.advance(Duration.ofMillis(99));
    assertThat(attempts).hasSize(2);
    clock.advance(Duration.ofMillis(1)); // a delay after attempt 1 started
    assertThat(attempts).hasSize(3);
    attempts.get(2).complete("third");
    assertThat(r).isCompletedWithValue("third");
  }

  @Test
  void aFailedCallCarriesEveryOtherDistinctFailureOnce() {
    Hedger h = hedger(fixed(100).maxHedges(3).build());
    CompletableFuture<String> r = call(h);
    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b");
    IllegalStateException c = new IllegalStateException("c");
    attempts.get(0).completeExceptionally(a);
    attempts.get(1).completeExceptionally(b);
    attempts.get(2).completeExceptionally(c);
    attempts.get(3).completeExceptionally(b);
    assertThat(failureOf(r)).isSameAs(a);
    assertThat(a.getSuppressed()).containsExactly(b, c);
  }

  @Test
  void aHedgeTheExecutorRefusesStopsHedgingAndTheCallEndsWithThePrimarysFailure() {
    Hedger h =
        hedger(
            fixed(100).maxHedges(2).build(),
            task -> {
              throw new RejectedExecutionException("saturated");
            });
    List<HedgeEvent> events = new ArrayList<>();
    h.subscribe(events::add);
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100)); // hedge 1: refused by the executor
    clock.advance(Duration.ofMillis(500));
    assertThat(attempts).hasSize(1);
    IllegalStateException down = new IllegalStateException("down");
    attempts.get(0).completeExceptionally(down);
    assertThat(failureOf(r)).isSameAs(down);
    assertThat(down.getSuppressed()).isEmpty(); // the executor's refusal is not the dependency's
    assertThat(h.metrics().executorRefusals()).isEqualTo(1);
    assertThat(events)
        .filteredOn(e -> e instanceof HedgeEvent.ExecutorRefused)
        .singleElement()
        .satisfies(e -> assertThat(((HedgeEvent.ExecutorRefused) e).attempt()).isEqualTo(1));
  }

  @Test
  void aPrimaryThatFailedBeforeTheExecutorRefusedTheNextAttemptIsStillTheCallsFailure() {
    Hedger h =
        hedger(
            fixed(100).retryableExceptions(List.of(java.io.UncheckedIOException.class)).build(),
            task -> {
              throw new RejectedExecutionException("saturated");
            });
    CompletableFuture<String> r = call(h);
    IllegalStateException down = new IllegalStateException("not retryable");
    // Nothing else runs, so the next attempt is asked for at once; the executor refuses it.
    attempts.get(0).completeExceptionally(down);
    assertThat(failureOf(r)).isSameAs(down);
    assertThat(h.metrics().executorRefusals()).isEqualTo(1);
  }

  @Test
  void aStageReturnedAfterItsCallEndedIsCancelled() {
    Hedger h = hedger(fixed(100).build());
    CompletableFuture<String> primary = new CompletableFuture<>();
    CompletableFuture<String> late = new CompletableFuture<>();
    CompletableFuture<String> r =
        h.callAsync(
            ctx -> {
              if (ctx.attempt() == 0) {
                return primary;
              }
              primary.complete("primary"); // wins while the hedge is still being made
              return late;
            });
    clock.advance(Duration.ofMillis(100));
    assertThat(r).isCompletedWithValue("primary");
    assertThat(late).isCancelled();
  }

  @Test
  void aPrimaryStageIsMadeOnTheCallingThreadAndHedgesGoToTheExecutor() {
    Queue<Runnable> queued = new ArrayDeque<>();
    Hedger h = hedger(fixed(100).build(), queued::add);
    CompletableFuture<String> r = call(h);
    assertThat(attempts).hasSize(1);
    assertThat(queued).isEmpty();
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts).hasSize(1);
    assertThat(queued).hasSize(1);
    queued.remove().run();
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
  }

  @Test
  void aRefusedHedgeWaitsTwiceAsLongEachTimeUpToOneSecond() {
    // A delay of 1s / 1024, rounded down: its tenth doubling falls just short of a second.
    long delay = 976_562;
    Hedger h =
        hedger(
            HedgeConfig.builder()
                .maxHedges(1)
                .budget(new BudgetConfig(0.05, 0, 1))
                .delay(
                    DelayConfig.builder()
                        .strategy(HedgeDelayType.FIXED)
                        .delay(Duration.ofNanos(delay))
                        .build())
                .build());
    CompletableFuture<String> first = call(h);
    clock.advanceNanos(delay); // takes the only token
    attempts.get(1).complete("hedge");
    assertThat(first).isDone();

    call(h);
    clock.advanceNanos(delay); // refused
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long wait = clock.nextTaskDelay().toNanos();
      waits.add(wait);
      clock.advanceNanos(wait);
    }
    assertThat(attempts).hasSize(3); // never a token
    List<Long> expected = new ArrayList<>();
    for (int n = 1; n <= 10; n++) {
      expected.add(delay << n);
    }
    expected.add(1_000_000_000L);
    expected.add(1_000_000_000L);
    assertThat(waits).isEqualTo(expected);
  }

  @Test
  void aFailureOfAnotherTypeWithNothingElseRunningStartsTheNextAttemptAtOnce() {
    Hedger h =
        hedger(
            fixed(100)
                .maxHedges(2)
                .retryableExceptions(List.of(java.io.UncheckedIOException.class))
                .build());
    List<HedgeEvent> events = new ArrayList<>();
    h.subscribe(events::add);
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(30));
    attempts.get(0).completeExceptionally(new IllegalStateException("not retryable"));
    assertThat(attempts).hasSize(2); // nothing was running: no point waiting for the timer
    assertThat(events)
        .filteredOn(e -> e instanceof HedgeEvent.HedgeFired)
        .singleElement()
        .satisfies(
            e -> {
              HedgeEvent.HedgeFired f = (HedgeEvent.HedgeFired) e;
              assertThat(f.attempt()).isEqualTo(1);
              assertThat(f.trigger()).isEqualTo(HedgeEvent.Trigger.ALL_ENDED);
            });
    clock.advance(Duration.ofMillis(70)); // the first hedge's old timer was cancelled
    assertThat(attempts).hasSize(2);
    clock.advance(Duration.ofMillis(30)); // a delay after attempt 1 started: attempt 2
    assertThat(attempts).hasSize(3);
    attempts.get(2).complete("third");
    assertThat(r).isCompletedWithValue("third");
  }

  @Test
  void theLastAttemptStartedAtOnceLeavesNoHedgeTimerBehind() {
    Hedger h =
        hedger(
            fixed(100)
                .maxHedges(1)
                .retryableExceptions(List.of(java.io.UncheckedIOException.class))
                .build());
    CompletableFuture<String> r = call(h);
    assertThat(clock.pendingTasks()).isEqualTo(2); // the timeout and the hedge's timer
    attempts.get(0).completeExceptionally(new IllegalStateException("not retryable"));
    assertThat(attempts).hasSize(2);
    assertThat(clock.pendingTasks()).isEqualTo(1); // only the timeout
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
  }

  @Test
  void anAnswerThatArrivesAsTheCallerGivesUpIsClosed() {
    Hedger h = hedger(fixed(100).build());
    List<CompletableFuture<Resource>> stages = new ArrayList<>();
    List<CompletableFuture<Resource>> results = new ArrayList<>();
    // The caller gives up at the moment the call completes: after the decision, before the
    // answer is handed over.
    h.subscribe(
        e -> {
          if (e instanceof HedgeEvent.CallCompleted) {
            results.get(0).cancel(true);
          }
        });
    results.add(
        h.callAsync(
            ctx -> {
              CompletableFuture<Resource> f = new CompletableFuture<>();
              stages.add(f);
              return f;
            }));
    Resource answer = new Resource(new IOException("closed"));
    stages.get(0).complete(answer);
    assertThat(results.get(0)).isCancelled();
    assertThat(answer.closed).isTrue();
  }

  /** A result holding a resource whose close fails. */
  static final class Resource implements AutoCloseable {
    final Exception onClose;
    boolean closed;

    Resource(Exception onClose) {
      this.onClose = onClose;
    }

    @Override
    public void close() throws Exception {
      closed = true;
      throw onClose;
    }
  }

  Resource unacceptableThenAccepted(Exception onClose) {
    Hedger h = hedger(fixed(100).unacceptableResult(v -> ((Resource) v).onClose != null).build());
    List<CompletableFuture<Resource>> stages = new ArrayList<>();
    CompletableFuture<Resource> r =
        h.callAsync(
            ctx -> {
              CompletableFuture<Resource> f = new CompletableFuture<>();
              stages.add(f);
              return f;
            });
    Resource unacceptable = new Resource(onClose);
    stages.get(0).complete(unacceptable);
    stages.get(1).complete(new Resource(null));
    assertThat(r).isDone();
    return unacceptable;
  }

  @Test
  void aResultThatFailsToCloseLeavesTheThreadUninterrupted() {
    Resource r = unacceptableThenAccepted(new IOException("cannot close"));
    assertThat(r.closed).isTrue();
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void aResultInterruptedWhileClosingKeepsTheInterrupt() {
    Resource r = unacceptableThenAccepted(new InterruptedException("while closing"));
    assertThat(r.closed).isTrue();
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void anErrorOfEveryBlockingAttemptReachesTheCallerAsItIs() {
    Hedger h = hedger(fixed(100).build());
    LinkageError boom = new LinkageError("boom");
    assertThatThrownBy(
            () ->
                h.call(
                    ctx -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(h.metrics().attempts()).isEqualTo(2);
  }
}
