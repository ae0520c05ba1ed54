package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitDecision;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hedged calls and circuit breakers: a timed-out call is the dependency's failure, a refusal (by a
 * breaker or a rate limiter) is not, and ends the call without hedges.
 */
class HedgerBreakerTest {

  final FakeClock clock = new FakeClock();
  final ExecutorService attemptPool = Executors.newCachedThreadPool();
  final ExecutorService callers = Executors.newCachedThreadPool();
  final List<CompletableFuture<String>> stages = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    attemptPool.shutdownNow();
    callers.shutdownNow();
    assertThat(attemptPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  CircuitBreaker breaker(int minCalls) {
    return CircuitBreaker.builder("search")
        .clock(clock)
        .config(
            CircuitConfig.builder()
                .minCalls(minCalls)
                .slowCallDuration(Duration.ofSeconds(1))
                .openCooldown(Duration.ofMinutes(1))
                .build())
        .build();
  }

  static HedgeConfig.Builder fixed(Duration delay) {
    return HedgeConfig.builder()
        .delay(DelayConfig.builder().strategy(HedgeDelayType.FIXED).delay(delay).build());
  }

  /** A BACKOFF strategy, whose delay grows with every failure it is told about. */
  static HedgeConfig.Builder backoff() {
    return HedgeConfig.builder()
        .maxHedges(2)
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.BACKOFF)
                .delay(Duration.ofMillis(100))
                .factor(2)
                .build());
  }

  Hedger.Builder blocking(HedgeConfig config) {
    return Hedger.builder("search")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(attemptPool);
  }

  /** Asynchronous attempts on one thread: hedges start inline, stages complete when told. */
  Hedger.Builder async(HedgeConfig config) {
    return Hedger.builder("search")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run);
  }

  CompletableFuture<String> pendingCall(Hedger h) {
    return PendingAttempts.call(h, stages);
  }

  static Throwable failureOf(CompletableFuture<?> f) {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call did not fail");
  }

  // ---------------------------------------------------------------------------------------------
  // A timeout is a failure of the dependency

  @Test
  void aDependencyThatNeverAnswersOpensTheBreakerAfterMinCallsTimeouts() {
    CircuitBreaker breaker = breaker(3);
    // The hedge would come after the timeout: one attempt per call.
    Hedger h =
        blocking(fixed(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(1)).build())
            .breaker(breaker)
            .build();
    for (int call = 1; call <= 3; call++) {
      assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
      ControlledAttempts never = new ControlledAttempts();
      CompletableFuture<String> result =
          CompletableFuture.supplyAsync(() -> h.call(never), callers);
      never.awaitStarted(0);
      await().atMost(Duration.ofSeconds(10)).until(() -> clock.pendingTasks() == 2);
      clock.advance(Duration.ofSeconds(1));
      assertThat(failureOf(result)).isInstanceOf(HedgeTimeoutException.class);
      never.awaitInterrupted(0);
      // Counted before the call failed, so the caller's next call already sees it.
      assertThat(breaker.metrics().failedCalls()).isEqualTo(call);
      assertThat(breaker.metrics().windowSlowCalls()).isEqualTo(call);
    }
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> h.call(ctx -> "not sent"))
        .isInstanceOf(CircuitRejectedException.class);
  }

  @Test
  void everyAttemptRunningAtTheTimeoutCountsAsAFailureAndALoserDoesNot() {
    CircuitBreaker breaker = breaker(100);
    Hedger h =
        async(fixed(Duration.ofMillis(100)).maxHedges(1).timeout(Duration.ofSeconds(1)).build())
            .breaker(breaker)
            .build();
    CompletableFuture<String> timedOut = pendingCall(h);
    clock.advance(Duration.ofMillis(100));
    assertThat(stages).hasSize(2);
    clock.advance(Duration.ofMillis(900));
    assertThat(failureOf(timedOut)).isInstanceOf(HedgeTimeoutException.class);
    assertThat(stages).allMatch(CompletableFuture::isCancelled);
    assertThat(breaker.metrics().failedCalls()).isEqualTo(2);

    // A loser cancelled because another attempt won still just returns its permit.
    CompletableFuture<String> won = pendingCall(h);
    clock.advance(Duration.ofMillis(100));
    stages.get(3).complete("hedge");
    assertThat(won).isCompletedWithValue("hedge");
    assertThat(stages.get(2)).isCancelled();
    assertThat(breaker.metrics().failedCalls()).isEqualTo(2);
    assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
    assertThat(breaker.metrics().windowCalls()).isEqualTo(3);
  }

  @Test
  void theAttemptContextSaysWhyAnAttemptWasCancelled() {
    Hedger h =
        async(fixed(Duration.ofMillis(100)).maxHedges(1).timeout(Duration.ofSeconds(1)).build())
            .build();
    List<AttemptContext> contexts = new ArrayList<>();
    Supplier<CompletableFuture<String>> call =
        () ->
            h.callAsync(
                ctx -> {
                  contexts.add(ctx);
                  CompletableFuture<String> f = new CompletableFuture<>();
                  stages.add(f);
                  return f;
                });
    call.get();
    assertThat(contexts.get(0).cancelReason()).isEmpty();
    clock.advance(Duration.ofMillis(100));
    stages.get(1).complete("hedge");
    assertThat(contexts.get(0).cancelReason())
        .contains(AttemptContext.CancelReason.ANOTHER_ATTEMPT_WON);
    assertThat(contexts.get(1).cancelReason()).isEmpty();

    call.get();
    clock.advance(Duration.ofSeconds(1)); // the hedge at 100ms, then the timeout
    assertThat(contexts.subList(2, 4))
        .allSatisfy(
            c -> assertThat(c.cancelReason()).contains(AttemptContext.CancelReason.TIMED_OUT));

    call.get().cancel(true);
    assertThat(contexts.get(4).cancelReason()).contains(AttemptContext.CancelReason.CALL_CANCELLED);
    assertThat(contexts.get(4).isCancelled()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // A refusal is not a failure of the dependency, and ends the call

  @Test
  void anOpenBreakerInsideTheAttemptEndsTheCallAtOnceWithoutHedgesTokensOrLearning() {
    CircuitBreaker inner = breaker(100);
    inner.forceOpen();
    Hedger h = async(backoff().build()).build();
    long delayBefore = h.metrics().currentDelayNanos();
    double tokensBefore = h.availableBudget();
    CompletableFuture<String> result =
        h.callAsync(ctx -> inner.callAsync(() -> CompletableFuture.completedFuture("not sent")));
    assertThat(failureOf(result)).isInstanceOf(CircuitRejectedException.class);
    HedgeMetrics m = h.metrics();
    assertThat(m.attempts()).isEqualTo(1);
    assertThat(m.hedges()).isZero();
    assertThat(m.budgetExhausted()).isZero();
    assertThat(m.failedCalls()).isEqualTo(1);
    assertThat(h.availableBudget()).isGreaterThanOrEqualTo(tokensBefore);
    assertThat(m.currentDelayNanos()).isEqualTo(delayBefore); // BACKOFF learnt no failure
    assertThat(inner.metrics().rejectedCalls()).isEqualTo(1);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void aRateLimiterRefusalInsideABlockingAttemptEndsTheCallAtOnce() {
    Hedger h = blocking(backoff().build()).build();
    long delayBefore = h.metrics().currentDelayNanos();
    RateLimitExceededException refused =
        new RateLimitExceededException(
            "search-api", RateLimitDecision.keyLimit(RateLimitConfig.defaults()));
    assertThatThrownBy(
            () ->
                h.call(
                    ctx -> {
                      throw refused;
                    }))
        .isSameAs(refused);
    HedgeMetrics m = h.metrics();
    assertThat(m.attempts()).isEqualTo(1);
    assertThat(m.hedges()).isZero();
    assertThat(m.currentDelayNanos()).isEqualTo(delayBefore);
  }

  @Test
  void aRefusedHedgeStopsHedgingReturnsItsTokenAndLeavesTheRunningPrimaryToAnswer() {
    CircuitBreaker inner = breaker(100);
    Hedger h = async(backoff().build()).build();
    CompletableFuture<String> primary = new CompletableFuture<>();
    List<Integer> started = new ArrayList<>();
    CompletableFuture<String> result =
        h.callAsync(
            ctx -> {
              started.add(ctx.attempt());
              return ctx.attempt() == 0
                  ? primary
                  : inner.callAsync(() -> new CompletableFuture<>());
            });
    inner.forceOpen(); // opens while the primary runs
    double tokensBefore = h.availableBudget();
    clock.advance(Duration.ofMillis(100));
    assertThat(started).containsExactly(0, 1);
    assertThat(h.availableBudget()).isEqualTo(tokensBefore); // the hedge's token came back
    clock.advance(Duration.ofSeconds(5));
    assertThat(started).containsExactly(0, 1); // no second hedge
    assertThat(result).isNotDone();
    primary.complete("primary");
    assertThat(result).isCompletedWithValue("primary");
  }

  @Test
  void aBreakerGivenToTheHedgerRefusingThePrimarySendsNoHedge() {
    CircuitBreaker breaker = breaker(100);
    breaker.forceOpen();
    Hedger h = async(backoff().build()).breaker(breaker).build();
    CompletableFuture<String> result = pendingCall(h);
    assertThat(failureOf(result)).isInstanceOf(CircuitRejectedException.class);
    assertThat(stages).isEmpty();
    assertThat(h.metrics().hedges()).isZero();
    assertThat(h.metrics().budgetExhausted()).isZero();
    assertThat(clock.pendingTasks()).isZero();
  }
}
