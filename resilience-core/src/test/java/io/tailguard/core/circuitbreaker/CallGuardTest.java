package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitRejectedException.Reason;
import io.tailguard.core.time.FakeClock;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The permit: exactly one outcome per guard, the classification of exceptions, latency measured
 * from the acquire, and the helpers {@code call}, {@code get} and {@code callAsync}.
 */
class CallGuardTest {

  private final FakeClock clock = new FakeClock();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A breaker that never trips on its own, so every outcome stays visible in the window. */
  private CircuitBreaker breaker(UnaryOperator<CircuitConfig.Builder> settings) {
    return CircuitBreaker.builder("guard")
        .clock(clock)
        .config(
            settings
                .apply(
                    CircuitConfig.builder()
                        .minCalls(1_000_000)
                        .slowCallDuration(Duration.ofSeconds(1))
                        .openCooldown(Duration.ofSeconds(1)))
                .build())
        .build();
  }

  private CircuitBreaker breaker() {
    return breaker(c -> c);
  }

  /** A breaker in HALF_OPEN with no trial in flight and room for many outcomes. */
  private CircuitBreaker halfOpenBreaker(UnaryOperator<CircuitConfig.Builder> settings) {
    CircuitBreaker b =
        breaker(
            c ->
                settings.apply(
                    c.consecutiveFailuresThreshold(1)
                        .halfOpenMaxConcurrent(1)
                        .halfOpenRequiredSuccesses(1000)
                        .halfOpenAllowedFailures(1000)));
    b.acquire().failure();
    clock.advance(Duration.ofSeconds(1));
    b.acquire().release();
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> trial(CircuitBreaker b) {
    return (Map<String, Object>) b.describe().get("halfOpen");
  }

  /** The trial holds no permit and has counted neither a success nor a failure. */
  private static void assertTrialUntouched(CircuitBreaker b) {
    assertThat(trial(b))
        .containsEntry("inFlight", 0L)
        .containsEntry("successes", 0L)
        .containsEntry("failures", 0L);
  }

  /** Runs the two reports on the two pool threads, released together by a barrier. */
  private void reportAtOnce(Runnable one, Runnable other) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    Future<?> first = pool.submit(() -> reportAfter(start, one));
    Future<?> second = pool.submit(() -> reportAfter(start, other));
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
  }

  private static Void reportAfter(CyclicBarrier start, Runnable report) throws Exception {
    start.await();
    report.run();
    return null;
  }

  /** Asserts the lifetime totals and the window calls. */
  private static void assertCounts(
      CircuitBreaker b, long successful, long failed, long slow, long ignored, long windowCalls) {
    CircuitMetrics m = b.metrics();
    assertThat(m.successfulCalls()).as("successful").isEqualTo(successful);
    assertThat(m.failedCalls()).as("failed").isEqualTo(failed);
    assertThat(m.slowCalls()).as("slow").isEqualTo(slow);
    assertThat(m.ignoredCalls()).as("ignored").isEqualTo(ignored);
    assertThat(m.windowCalls()).as("window calls").isEqualTo(windowCalls);
  }

  // ---------------------------------------------------------------------------------------------
  // Exactly one outcome

  @Nested
  class ExactlyOnce {

    @Test
    void successThenFailureCountsTheSuccess() {
      CircuitBreaker b = breaker();
      CallGuard g = b.acquire();

      g.success();
      g.failure();
      g.failure(new IOException());
      g.close();

      assertCounts(b, 1, 0, 0, 0, 1);
      assertThat(b.metrics().windowFailures()).isZero();
      assertThat(g.isDone()).isTrue();
    }

    @Test
    void failureThenSuccessCountsTheFailure() {
      CircuitBreaker b = breaker();
      CallGuard g = b.acquire();

      g.failure(new IOException());
      g.success();
      g.release();

      assertCounts(b, 0, 1, 0, 0, 1);
      assertThat(b.metrics().windowFailures()).isEqualTo(1);
    }

    @Test
    void closingTwiceCountsOneFailure() {
      CircuitBreaker b = breaker();
      CallGuard g = b.acquire();
      assertThat(g.isDone()).isFalse();

      g.close();
      g.close();

      assertCounts(b, 0, 1, 0, 0, 1);
      assertThat(b.metrics().consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void releaseThenSuccessCountsNothing() {
      CircuitBreaker b = breaker();
      CallGuard g = b.acquire();

      g.release();
      g.success();
      g.close();

      assertCounts(b, 0, 0, 0, 0, 0);
      assertThat(g.isDone()).isTrue();
    }

    @Test
    void aTrialPermitIsReturnedOnceWhateverIsReported() {
      CircuitBreaker b = halfOpenBreaker(c -> c.halfOpenMaxConcurrent(2));
      CallGuard first = b.acquire();
      CallGuard second = b.acquire();

      first.release();
      first.release();
      first.success();
      first.close();

      assertThat(trial(b)).containsEntry("inFlight", 1L).containsEntry("successes", 0L);
      second.failure();
      second.close();
      assertThat(trial(b)).containsEntry("inFlight", 0L).containsEntry("failures", 1L);
    }

    @Test
    void twoThreadsReportingAtOnceCountOneOutcome() throws Exception {
      CircuitBreaker b = breaker(c -> c.failureRateThreshold(1.0));
      int rounds = 2_000;
      for (int i = 0; i < rounds; i++) {
        CallGuard g = b.acquire();
        reportAtOnce(g::success, g::failure);
      }

      CircuitMetrics m = b.metrics();
      assertThat(m.successfulCalls() + m.failedCalls()).isEqualTo(rounds);
      assertThat(m.windowCalls()).isEqualTo(rounds);
      assertThat(m.windowFailures()).isEqualTo(m.failedCalls());
    }

    @Test
    void twoThreadsReportingATrialAtOnceReturnThePermitOnce() throws Exception {
      CircuitBreaker b = halfOpenBreaker(c -> c.halfOpenMaxConcurrent(1));
      int rounds = 500;
      for (int i = 0; i < rounds; i++) {
        CallGuard g = b.acquire();
        reportAtOnce(g::release, g::close);
        assertThat(trial(b)).containsEntry("inFlight", 0L);
      }

      // Each round either released (nothing counted) or failed (one failure): never both.
      long failures = (Long) trial(b).get("failures");
      assertThat(b.metrics().failedCalls()).isEqualTo(1 + failures); // 1: the failure that opened
      assertThat(failures).isBetween(0L, (long) rounds);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Classification of outcomes

  @Nested
  class Classification {

    @Test
    void anIgnoredExceptionReleasesWithoutCounting() {
      CircuitBreaker b = breaker(c -> c.ignoreExceptions(IllegalStateException.class));

      b.acquire().failure(new IllegalStateException());
      b.acquire().failure(new IllegalStateException("subtype too") {});

      assertCounts(b, 0, 0, 0, 2, 0);
      assertThat(b.metrics().consecutiveFailures()).isZero();
    }

    @Test
    void anIgnoredExceptionReturnsATrialPermit() {
      CircuitBreaker b = halfOpenBreaker(c -> c.ignoreExceptions(IllegalStateException.class));

      b.acquire().failure(new IllegalStateException());

      assertTrialUntouched(b);
      assertThat(b.metrics().ignoredCalls()).isEqualTo(1);
    }

    @Test
    void anExceptionOutsideRecordExceptionsCountsAsASuccess() {
      CircuitBreaker b = breaker(c -> c.recordExceptions(IOException.class));
      b.acquire().failure(new IOException());

      b.acquire().failure(new IllegalArgumentException("not recorded"));

      assertCounts(b, 1, 1, 0, 0, 2);
      assertThat(b.metrics().windowFailures()).isEqualTo(1);
      b.acquire().failure(new FileNotFoundException("a subtype of a recorded type"));
      assertCounts(b, 1, 2, 0, 0, 3);
    }

    @Test
    void anExceptionOutsideRecordExceptionsIsATrialSuccess() {
      CircuitBreaker b = halfOpenBreaker(c -> c.recordExceptions(IOException.class));

      b.acquire().failure(new IllegalArgumentException());

      assertThat(trial(b)).containsEntry("successes", 1L).containsEntry("failures", 0L);
    }

    @Test
    void withoutRecordExceptionsEveryExceptionIsAFailure() {
      CircuitBreaker b = breaker();

      b.acquire().failure(new IllegalArgumentException());
      b.acquire().failure(new Error());
      b.acquire().failure(null);

      assertCounts(b, 0, 3, 0, 0, 3);
    }

    @Test
    void interruptedAndCancelledCallsReleaseWithoutCounting() {
      CircuitBreaker b = breaker();

      b.acquire().failure(new InterruptedException());
      b.acquire().failure(new CancellationException());
      b.acquire().failure(new CancellationException() {});

      assertCounts(b, 0, 0, 0, 0, 0);
      assertThat(b.metrics().consecutiveFailures()).isZero();
    }

    @Test
    void interruptedAndCancelledTrialsReturnThePermit() {
      CircuitBreaker b = halfOpenBreaker(c -> c);

      b.acquire().failure(new InterruptedException());
      b.acquire().failure(new CancellationException());

      assertTrialUntouched(b);
    }

    @Test
    void aSlowSuccessCountsAsSlow() {
      CircuitBreaker b = breaker();
      CallGuard slow = b.acquire();
      clock.advance(Duration.ofSeconds(1));
      slow.success();

      CallGuard fast = b.acquire();
      clock.advance(Duration.ofSeconds(1).minusNanos(1));
      fast.success();

      assertCounts(b, 1, 0, 1, 0, 2);
      assertThat(b.metrics().windowSlowCalls()).isEqualTo(1);
      assertThat(b.metrics().windowFailures()).isZero();
    }

    @Test
    void aSlowFailureIsAFailureAndSlowInTheWindow() {
      CircuitBreaker b = breaker();
      CallGuard g = b.acquire();
      clock.advance(Duration.ofSeconds(2));

      g.failure();

      assertCounts(b, 0, 1, 0, 0, 1);
      assertThat(b.metrics().windowFailures()).isEqualTo(1);
      assertThat(b.metrics().windowSlowCalls()).isEqualTo(1);
    }

    @Test
    void latencyIsMeasuredFromTheAcquire() {
      CircuitBreaker b = breaker();
      long before = clock.nanoTime();
      CallGuard first = b.acquire();
      assertThat(first.startNanos()).isEqualTo(before);
      clock.advance(Duration.ofMillis(100));
      CallGuard second = b.acquire();
      clock.advance(Duration.ofMillis(200));

      first.success(); // 300ms
      second.success(); // 200ms

      assertThat(b.metrics().meanLatencyNanos()).isEqualTo(250_000_000.0);
    }

    @Test
    void closingWithoutAnOutcomeIsAFailure() {
      CircuitBreaker b = breaker();

      try (CallGuard g = b.acquire()) {
        assertThat(g.isDone()).isFalse();
      }

      assertCounts(b, 0, 1, 0, 0, 1);
    }

    @Test
    void aBodyThatThrowsInsideTryWithResourcesIsAFailure() {
      CircuitBreaker b = breaker();

      assertThatThrownBy(
              () -> {
                try (CallGuard g = b.acquire()) {
                  assertThat(g.isTrial()).isFalse();
                  throw new IllegalStateException("boom");
                }
              })
          .hasMessage("boom");

      assertCounts(b, 0, 1, 0, 0, 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // call and get

  @Nested
  class CallAndGet {

    @Test
    void callReturnsTheResultAndCountsASuccess() throws Exception {
      CircuitBreaker b = breaker();

      String result =
          b.call(
              () -> {
                clock.advance(Duration.ofMillis(40));
                return "ok";
              });

      assertThat(result).isEqualTo("ok");
      assertCounts(b, 1, 0, 0, 0, 1);
      assertThat(b.metrics().meanLatencyNanos()).isEqualTo(40_000_000.0);
    }

    @Test
    void callRethrowsACheckedExceptionUnchangedAndCountsAFailure() {
      CircuitBreaker b = breaker();
      IOException thrown = new IOException("disk");

      assertThatThrownBy(
              () ->
                  b.call(
                      () -> {
                        throw thrown;
                      }))
          .isSameAs(thrown);

      assertCounts(b, 0, 1, 0, 0, 1);
    }

    @Test
    void callClassifiesTheException() {
      CircuitBreaker b =
          breaker(
              c ->
                  c.recordExceptions(IOException.class)
                      .ignoreExceptions(FileNotFoundException.class));

      assertThatThrownBy(() -> b.call(throwing(new FileNotFoundException())))
          .isInstanceOf(FileNotFoundException.class);
      assertThatThrownBy(() -> b.call(throwing(new IllegalArgumentException())))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.call(throwing(new InterruptedException())))
          .isInstanceOf(InterruptedException.class);

      assertCounts(b, 1, 0, 0, 1, 1);
    }

    @Test
    void callIsRefusedWithoutRunningTheCallable() {
      CircuitBreaker b = breaker();
      b.forceOpen();
      AtomicInteger runs = new AtomicInteger();

      assertThatThrownBy(() -> b.call(runs::incrementAndGet))
          .isInstanceOfSatisfying(
              CircuitRejectedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.FORCED_OPEN);
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
              });

      assertThat(runs).hasValue(0);
      assertThat(b.metrics().rejectedCalls()).isEqualTo(1);
    }

    @Test
    void getReturnsTheResultAndCountsASuccess() {
      CircuitBreaker b = breaker();

      assertThat(b.get(() -> 42)).isEqualTo(42);

      assertCounts(b, 1, 0, 0, 0, 1);
    }

    @Test
    void getRethrowsAndCountsAFailure() {
      CircuitBreaker b = breaker();
      IllegalStateException thrown = new IllegalStateException();

      assertThatThrownBy(
              () ->
                  b.get(
                      () -> {
                        throw thrown;
                      }))
          .isSameAs(thrown);

      assertCounts(b, 0, 1, 0, 0, 1);
    }

    @Test
    void getIsRefusedWithoutRunningTheSupplier() {
      CircuitBreaker b = breaker();
      b.forceOpen();
      AtomicInteger runs = new AtomicInteger();

      assertThatThrownBy(() -> b.get(runs::incrementAndGet))
          .isInstanceOf(CircuitRejectedException.class);

      assertThat(runs).hasValue(0);
    }

    @Test
    void aSlowCallIsCountedAsSlow() throws Exception {
      CircuitBreaker b = breaker();

      b.call(
          () -> {
            clock.advance(Duration.ofSeconds(1));
            return null;
          });

      assertCounts(b, 0, 0, 1, 0, 1);
    }

    private <T> java.util.concurrent.Callable<T> throwing(Exception e) {
      return () -> {
        throw e;
      };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // callAsync

  @Nested
  class CallAsync {

    @Test
    void countsTheSuccessWhenTheStageCompletes() {
      CircuitBreaker b = breaker();
      CompletableFuture<String> stage = new CompletableFuture<>();

      CompletableFuture<String> result = b.callAsync(() -> stage);
      assertThat(result).isNotDone();
      assertCounts(b, 0, 0, 0, 0, 0);
      clock.advance(Duration.ofMillis(300));
      stage.complete("done");

      assertThat(result).isCompletedWithValue("done");
      assertCounts(b, 1, 0, 0, 0, 1);
      assertThat(b.metrics().meanLatencyNanos()).isEqualTo(300_000_000.0);
    }

    @Test
    void countsTheFailureAndPassesTheExceptionOnUnwrapped() {
      CircuitBreaker b = breaker();
      CompletableFuture<String> stage = new CompletableFuture<>();
      IOException thrown = new IOException("remote");

      CompletableFuture<String> result = b.callAsync(() -> stage);
      stage.completeExceptionally(thrown);

      assertThat(result).isCompletedExceptionally();
      assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).hasCause(thrown);
      assertCounts(b, 0, 1, 0, 0, 1);
    }

    @Test
    void unwrapsCompletionExceptionBeforeClassifying() {
      CircuitBreaker b = breaker(c -> c.ignoreExceptions(IOException.class));
      IOException cause = new IOException("wrapped");
      CompletableFuture<String> stage = new CompletableFuture<>();

      CompletableFuture<String> result = b.callAsync(() -> stage);
      stage.completeExceptionally(new CompletionException(new CompletionException(cause)));

      assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).hasCause(cause);
      assertCounts(b, 0, 0, 0, 1, 0);
    }

    @Test
    void unwrapsTheCompletionExceptionOfADependentStage() {
      CircuitBreaker b = breaker(c -> c.ignoreExceptions(IllegalStateException.class));
      IllegalStateException cause = new IllegalStateException("in thenApply");
      CompletableFuture<String> source = new CompletableFuture<>();

      CompletableFuture<String> result =
          b.callAsync(
              () ->
                  source.thenApply(
                      s -> {
                        throw cause;
                      }));
      source.complete("x");

      assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).hasCause(cause);
      assertCounts(b, 0, 0, 0, 1, 0);
    }

    @Test
    void aRejectionIsReturnedAsAFailedFutureNotThrown() {
      CircuitBreaker b = breaker();
      b.forceOpen();
      AtomicInteger runs = new AtomicInteger();

      CompletableFuture<Object> result =
          b.callAsync(
              () -> {
                runs.incrementAndGet();
                return CompletableFuture.completedFuture(null);
              });

      assertThat(result).isCompletedExceptionally();
      assertThatThrownBy(result::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              CircuitRejectedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.FORCED_OPEN));
      assertThat(runs).hasValue(0);
    }

    @Test
    void aSupplierThatThrowsGivesAFailedFutureAndAFailure() {
      CircuitBreaker b = breaker();
      IllegalStateException thrown = new IllegalStateException("could not start");

      CompletableFuture<Object> result =
          b.callAsync(
              () -> {
                throw thrown;
              });

      assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).hasCause(thrown);
      assertCounts(b, 0, 1, 0, 0, 1);
    }

    @Test
    void aSupplierThatReturnsNullGivesAFailedFutureAndReleasesThePermit() {
      CircuitBreaker b = halfOpenBreaker(c -> c);

      CompletableFuture<Object> result = b.callAsync(() -> null);

      assertThatThrownBy(result::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "the supplier given to callAsync of circuit breaker 'guard' returned null instead"
                  + " of a CompletionStage");
      assertTrialUntouched(b);
    }

    @Test
    void cancellingTheResultReleasesThePermitAndCancelsTheStage() {
      CircuitBreaker b = halfOpenBreaker(c -> c);
      CompletableFuture<String> stage = new CompletableFuture<>();

      CompletableFuture<String> result = b.callAsync(() -> stage);
      assertThat(trial(b)).containsEntry("inFlight", 1L);
      assertThat(result.cancel(true)).isTrue();

      assertThat(stage).isCancelled();
      assertTrialUntouched(b);
      // only the failure that opened the breaker, still in the window of the closed period
      assertCounts(b, 0, 1, 0, 0, 1);
      CallGuard next = b.acquire(); // the permit is free again
      next.release();
    }

    @Test
    void cancellingTheResultInTheClosedStateCountsNothing() {
      CircuitBreaker b = breaker();
      CompletableFuture<String> stage = new CompletableFuture<>();

      CompletableFuture<String> result = b.callAsync(() -> stage);
      result.cancel(false);
      stage.complete("too late");

      assertThat(stage).isCancelled();
      assertCounts(b, 0, 0, 0, 0, 0);
    }

    @Test
    void aStageCancelledByItsOwnerReleasesThePermit() {
      CircuitBreaker b = halfOpenBreaker(c -> c);
      CompletableFuture<String> stage = new CompletableFuture<>();

      CompletableFuture<String> result = b.callAsync(() -> stage);
      stage.cancel(true);

      assertThat(result).isCompletedExceptionally();
      assertTrialUntouched(b);
    }

    @Test
    void aMinimalCompletionStageReportsItsOutcome() {
      CircuitBreaker b = breaker();
      CompletableFuture<String> source = new CompletableFuture<>();
      CompletionStage<String> minimal = source.minimalCompletionStage();

      CompletableFuture<String> result = b.callAsync(() -> minimal);
      source.complete("fine");

      assertThat(result).isCompletedWithValue("fine");
      assertCounts(b, 1, 0, 0, 0, 1);
    }

    @Test
    void manyCallsCompletingOnOtherThreadsAreEachCountedOnce() throws Exception {
      CircuitBreaker b = breaker(c -> c.failureRateThreshold(1.0));
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        results.add(
            b.callAsync(
                () ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          if (n % 4 == 0) {
                            throw new IllegalStateException("odd one out");
                          }
                          return n;
                        },
                        pool)));
      }
      for (CompletableFuture<Integer> r : results) {
        r.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
      }

      assertCounts(b, 750, 250, 0, 0, 1000);
    }
  }
}
