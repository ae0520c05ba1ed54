package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.FakeClock;
import io.tailguard.core.time.Sleeper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetrierTest {

  final FakeClock clock = new FakeClock();
  final List<RetryEvent> events = new CopyOnWriteArrayList<>();
  // The retriers' executor: runs each hand-off at once on the thread that advances the fake clock,
  // so the tests decide when attempts happen, and counts the hand-offs.
  final AtomicInteger handOffs = new AtomicInteger();
  final java.util.concurrent.Executor executor =
      task -> {
        handOffs.incrementAndGet();
        task.run();
      };

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  Retrier retrier(RetryPolicy policy) {
    return retrier(policy, new Random(7));
  }

  Retrier retrier(RetryPolicy policy, Random random) {
    Retrier r =
        Retrier.builder("test")
            .policy(policy)
            .clock(clock)
            .scheduler(clock)
            .executor(executor)
            .random(random)
            .build();
    r.subscribe(events::add);
    return r;
  }

  static RetryPolicy.Builder plain() {
    return RetryPolicy.builder()
        .baseDelay(Duration.ofMillis(100))
        .maxDelay(Duration.ofSeconds(1))
        .jitter(Jitter.NONE)
        .noBudget();
  }

  List<Duration> delays() {
    List<Duration> d = new ArrayList<>();
    for (RetryEvent e : events) {
      if (e instanceof RetryEvent.RetryScheduled s) {
        d.add(s.delay());
      }
    }
    return d;
  }

  /** Fails with the given failures in turn, then returns "ok". */
  static final class Script implements java.util.concurrent.Callable<String> {
    final List<Exception> failures;
    final AtomicInteger calls = new AtomicInteger();

    Script(Exception... failures) {
      this.failures = List.of(failures);
    }

    @Override
    public String call() throws Exception {
      int i = calls.getAndIncrement();
      if (i < failures.size()) {
        throw failures.get(i);
      }
      return "ok";
    }
  }

  static Exception[] ioFailures(int n) {
    Exception[] f = new Exception[n];
    for (int i = 0; i < n; i++) {
      f[i] = new IOException("failure " + (i + 1));
    }
    return f;
  }

  /** An HTTP client's failure that knows its status and Retry-After. */
  static final class HttpFailure extends RuntimeException implements HttpStatusCarrier {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Duration retryAfter;

    HttpFailure(int status, Duration retryAfter) {
      super("HTTP " + status);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    @Override
    public int httpStatus() {
      return status;
    }

    @Override
    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Delays

  @Test
  void noJitterGrowsByTheMultiplierUpToTheCapAndSleepsThroughTheClock() throws Exception {
    Retrier r = retrier(plain().maxAttempts(7).build());
    Duration before = clock.elapsed();
    assertThat(r.call(new Script(ioFailures(6)))).isEqualTo("ok");
    assertThat(delays())
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    assertThat(clock.elapsed().minus(before)).isEqualTo(Duration.ofMillis(3500));
    assertThat(r.metrics().successRetry()).isEqualTo(1);
    assertThat(r.metrics().retries()).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(Jitter.class)
  void everyJitterFollowsItsFormulaWithASeededRandom(Jitter jitter) throws Exception {
    RetryPolicy p = plain().maxAttempts(8).multiplier(3).jitter(jitter).build();
    Retrier r = retrier(p, new Random(42));
    r.call(new Script(ioFailures(7)));

    Random expected = new Random(42);
    long base = 100_000_000L;
    long max = 1_000_000_000L;
    long previous = base;
    List<Duration> want = new ArrayList<>();
    for (int n = 1; n <= 7; n++) {
      long exp = (long) Math.min(max, base * Math.pow(3, n - 1));
      long d;
      switch (jitter) {
        case NONE -> d = exp;
        case FULL -> d = (long) (expected.nextDouble() * exp);
        case EQUAL -> d = exp - exp / 2 + (long) (expected.nextDouble() * (exp / 2 + 1.0));
        default -> {
          double hi = Math.min(max, 3.0 * previous);
          d = hi <= base ? base : (long) (base + expected.nextDouble() * (hi - base));
        }
      }
      previous = d;
      want.add(Duration.ofNanos(d));
    }
    assertThat(delays()).containsExactlyElementsOf(want);
    for (Duration d : delays()) {
      assertThat(d).isBetween(Duration.ZERO, p.maxDelay());
    }
  }

  @Test
  void jitterKeepsEachDelayInItsBand() throws Exception {
    for (Jitter jitter : List.of(Jitter.FULL, Jitter.EQUAL)) {
      events.clear();
      Retrier r = retrier(plain().maxAttempts(30).jitter(jitter).build(), new Random(1));
      r.call(new Script(ioFailures(29)));
      List<Duration> d = delays();
      for (int n = 1; n <= d.size(); n++) {
        long exp = (long) Math.min(1e9, 1e8 * Math.pow(2, n - 1));
        long lo = jitter == Jitter.FULL ? 0 : exp - exp / 2;
        assertThat(d.get(n - 1).toNanos()).isBetween(lo, exp);
      }
      assertThat(d).doesNotHaveDuplicates(); // randomised, not constant
    }
  }

  @Test
  void zeroBaseDelayRetriesAtOnce() throws Exception {
    Retrier r = retrier(plain().baseDelay(Duration.ZERO).build());
    Duration before = clock.elapsed();
    assertThat(r.call(new Script(ioFailures(2)))).isEqualTo("ok");
    assertThat(delays()).containsExactly(Duration.ZERO, Duration.ZERO);
    assertThat(clock.elapsed()).isEqualTo(before);
  }

  @Test
  void tenThousandAttemptsWithTheLargestMaxDelayNeverOverflow() {
    for (Jitter jitter : Jitter.values()) {
      events.clear();
      FakeClock own = new FakeClock();
      List<Long> slept = new ArrayList<>();
      Sleeper recording =
          d -> {
            slept.add(d.toNanos());
            own.sleep(d);
          };
      RetryPolicy p =
          RetryPolicy.builder()
              .maxAttempts(10_000)
              .baseDelay(Duration.ofNanos(1))
              .maxDelay(Duration.ofNanos(Long.MAX_VALUE))
              .multiplier(2)
              .jitter(jitter)
              .noBudget()
              .build();
      Retrier r =
          Retrier.builder("overflow")
              .policy(p)
              .clock(own)
              .scheduler(own)
              .sleeper(recording)
              .random(new Random(3))
              .build();
      AtomicInteger attempts = new AtomicInteger();
      Throwable thrown =
          catchThrowable(
              () ->
                  r.call(
                      () -> {
                        throw new IOException("attempt " + attempts.incrementAndGet());
                      }));
      assertThat(attempts).hasValue(10_000);
      assertThat(thrown).hasMessage("attempt 10000");
      assertThat(thrown.getSuppressed()).hasSize(Retrier.MAX_SUPPRESSED);
      assertThat(thrown.getSuppressed()[0]).hasMessage("attempt 1");
      assertThat(slept).hasSize(9_999).allSatisfy(d -> assertThat(d).isNotNegative());
      assertThat(r.metrics().exhausted()).isEqualTo(1);
      if (jitter == Jitter.NONE) {
        assertThat(slept).isSorted();
        assertThat(slept.get(0)).isEqualTo(1);
        assertThat(slept.get(62)).isEqualTo(1L << 62);
        assertThat(slept.subList(63, slept.size())).containsOnly(Long.MAX_VALUE);
      }
      // the exponent is capped: the same delay comes out for any later retry
      assertThat(Backoff.exponentialNanos(p, Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Retry-After and HTTP statuses

  @Test
  void retryAfterIsHonouredAndCappedByMaxDelay() throws Exception {
    Retrier r = retrier(plain().maxAttempts(4).build());
    String v =
        r.call(
            new Script(
                new HttpFailure(503, Duration.ofMillis(700)),
                new HttpFailure(429, Duration.ofHours(1)),
                new HttpFailure(503, null)));
    assertThat(v).isEqualTo("ok");
    // 700ms asked; 1h asked but capped at 1s; none asked: the backoff for retry 3 (400ms)
    assertThat(delays())
        .containsExactly(Duration.ofMillis(700), Duration.ofSeconds(1), Duration.ofMillis(400));
  }

  @Test
  void onlyRetryableStatusesAreRetriedAndStatusesAreFoundOnCauses() throws Exception {
    Retrier r = retrier(plain().maxAttempts(3).build());
    Script notFound = new Script(new HttpFailure(404, null));
    assertThatThrownBy(() -> r.call(notFound)).hasMessage("HTTP 404");
    assertThat(notFound.calls).hasValue(1);
    assertThat(r.metrics().notRetryable()).isEqualTo(1);

    Script wrapped =
        new Script(new IOException("wrapped", new HttpFailure(502, Duration.ofMillis(30))));
    assertThat(r.call(wrapped)).isEqualTo("ok");
    assertThat(delays()).containsExactly(Duration.ofMillis(30));

    Retrier only500 = retrier(plain().retryableStatuses(List.of(500)).build());
    Script unavailable = new Script(new HttpFailure(503, null));
    assertThatThrownBy(() -> only500.call(unavailable)).hasMessage("HTTP 503");
    assertThat(unavailable.calls).hasValue(1);
  }

  /** A client exception that knows its status but does not implement HttpStatusCarrier. */
  static final class ClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    ClientException(int code) {
      super("client " + code);
      this.code = code;
    }
  }

  @Test
  void extractorsReadStatusesAndRetryAfterOfForeignExceptionsAndFaultsAreIgnored()
      throws Exception {
    HttpStatusExtractor faulty =
        f -> {
          throw new IllegalStateException("extractor bug");
        };
    HttpStatusExtractor client =
        new HttpStatusExtractor() {
          @Override
          public OptionalInt status(Throwable failure) {
            return failure instanceof ClientException c
                ? OptionalInt.of(c.code)
                : OptionalInt.empty();
          }

          @Override
          public Optional<Duration> retryAfter(Throwable failure) {
            return failure instanceof ClientException
                ? Optional.of(Duration.ofMillis(250))
                : Optional.empty();
          }
        };
    Retrier r =
        Retrier.builder("x")
            .policy(plain().build())
            .clock(clock)
            .scheduler(clock)
            .statusExtractor(faulty)
            .statusExtractor(client)
            .build();
    r.subscribe(events::add);
    assertThat(r.call(new Script(new ClientException(503)))).isEqualTo("ok");
    assertThat(delays()).containsExactly(Duration.ofMillis(250));
    Script badRequest = new Script(new ClientException(400));
    assertThatThrownBy(() -> r.call(badRequest)).hasMessage("client 400");
    assertThat(badRequest.calls).hasValue(1);
    assertThat(r.describe()).containsEntry("extractorFaults", 2L);
  }

  // ---------------------------------------------------------------------------------------------
  // Which failures and results are retried

  @Test
  void causesAreMatchedAndNonRetryableWins() throws Exception {
    Retrier r =
        retrier(
            plain()
                .retryableExceptions(List.of(IOException.class))
                .nonRetryableExceptions(List.of(FileNotFoundException.class))
                .build());
    // retryable as a cause
    Script wrappedIo = new Script(new UncheckedIOException(new IOException("io")));
    assertThat(r.call(wrappedIo)).isEqualTo("ok");
    assertThat(wrappedIo.calls).hasValue(2);
    // a FileNotFoundException is an IOException, but non-retryable wins, also as a cause
    Script missing = new Script(new RuntimeException(new FileNotFoundException("gone")));
    assertThatThrownBy(() -> r.call(missing)).hasRootCauseInstanceOf(FileNotFoundException.class);
    assertThat(missing.calls).hasValue(1);
    // not in the retryable list
    Script other = new Script(new IllegalStateException("state"));
    assertThatThrownBy(() -> r.call(other)).isInstanceOf(IllegalStateException.class);
    assertThat(other.calls).hasValue(1);
    assertThat(r.metrics().notRetryable()).isEqualTo(2);
    RetryEvent.NotRetryable ev =
        (RetryEvent.NotRetryable)
            events.stream().filter(e -> e instanceof RetryEvent.NotRetryable).findFirst().get();
    assertThat(ev.failure()).isSameAs(missing.failures.get(0));
  }

  @Test
  void errorsAreNotRetriedUnlessListedAndCauseCyclesEnd() throws Exception {
    Retrier r = retrier(plain().build());
    AtomicInteger n = new AtomicInteger();
    assertThatThrownBy(
            () ->
                r.call(
                    () -> {
                      n.incrementAndGet();
                      throw new AssertionError("bug");
                    }))
        .isInstanceOf(AssertionError.class);
    assertThat(n).hasValue(1);

    Retrier errors =
        retrier(plain().retryableExceptions(List.of(StackOverflowError.class)).build());
    AtomicInteger m = new AtomicInteger();
    assertThat(
            errors.call(
                () -> {
                  if (m.incrementAndGet() == 1) {
                    throw new StackOverflowError();
                  }
                  return "ok";
                }))
        .isEqualTo("ok");

    Exception a = new Exception("a");
    Exception b = new Exception("b", a);
    a.initCause(b); // a cycle
    Retrier typed = retrier(plain().retryableExceptions(List.of(IOException.class)).build());
    Script cyclic = new Script(a);
    assertThatThrownBy(() -> typed.call(cyclic)).isSameAs(a);
    assertThat(cyclic.calls).hasValue(1);
  }

  @Test
  void unacceptableResultsAreRetriedAndTheLastIsReturnedWhenAttemptsRunOut() throws Exception {
    Retrier r =
        retrier(plain().maxAttempts(4).unacceptableResult(v -> "pending".equals(v)).build());
    AtomicInteger n = new AtomicInteger();
    assertThat(r.call(() -> n.incrementAndGet() < 3 ? "pending" : "done")).isEqualTo("done");
    assertThat(n).hasValue(3);
    assertThat(r.metrics().successRetry()).isEqualTo(1);
    RetryEvent.RetryScheduled first = (RetryEvent.RetryScheduled) events.get(0);
    assertThat(first.failure()).isNull();
    assertThat(first.attempt()).isEqualTo(2);

    assertThat(r.call(() -> "pending")).isEqualTo("pending");
    assertThat(r.metrics().exhausted()).isEqualTo(1);
    RetryEvent last = events.get(events.size() - 1);
    assertThat(last).isInstanceOf(RetryEvent.Exhausted.class);
    assertThat(((RetryEvent.Exhausted) last).failure()).isNull();
    assertThat(((RetryEvent.Exhausted) last).attempts()).isEqualTo(4);
  }

  @Test
  void aPredicateThatThrowsEndsTheCallWithItsException() {
    Retrier r =
        retrier(
            plain()
                .unacceptableResult(
                    v -> {
                      throw new IllegalStateException("predicate bug");
                    })
                .build());
    assertThatThrownBy(() -> r.call(() -> "x")).hasMessage("predicate bug");
    assertThat(r.metrics().notRetryable()).isEqualTo(1);
  }

  @Test
  void exhaustionThrowsTheLastFailureWithEarlierOnesSuppressed() {
    Retrier r = retrier(plain().maxAttempts(3).build());
    Exception[] f = ioFailures(3);
    Throwable thrown = catchThrowable(() -> r.call(new Script(f)));
    assertThat(thrown).isSameAs(f[2]);
    assertThat(thrown.getSuppressed()).containsExactly(f[0], f[1]);
    assertThat(r.metrics().exhausted()).isEqualTo(1);

    // the same instance thrown every time is not suppressed into itself
    IOException same = new IOException("same");
    Throwable again = catchThrowable(() -> r.call(new Script(same, same, same)));
    assertThat(again).isSameAs(same);
    assertThat(again.getSuppressed()).isEmpty();
  }

  @Test
  void maxAttemptsOfOneNeverRetries() {
    Retrier r = retrier(plain().maxAttempts(1).build());
    Script s = new Script(ioFailures(1));
    assertThatThrownBy(() -> r.call(s)).hasMessage("failure 1");
    assertThat(s.calls).hasValue(1);
    assertThat(r.metrics().exhausted()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Interruption

  @Test
  void anAttemptThatLeavesTheInterruptStatusStopsRetrying() {
    Retrier r = retrier(plain().build());
    AtomicInteger n = new AtomicInteger();
    assertThatThrownBy(
            () ->
                r.call(
                    () -> {
                      n.incrementAndGet();
                      Thread.currentThread().interrupt();
                      throw new IOException("interrupted I/O");
                    }))
        .hasMessage("interrupted I/O");
    assertThat(n).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(r.metrics().notRetryable()).isEqualTo(1);
    assertThat(r.metrics().interrupted()).isEqualTo(1);
  }

  @Test
  void anAttemptThatThrowsInterruptedExceptionStopsAndTheStatusIsSetAgain() {
    Retrier r = retrier(plain().build());
    AtomicInteger n = new AtomicInteger();
    assertThatThrownBy(
            () ->
                r.call(
                    () -> {
                      n.incrementAndGet();
                      throw new InterruptedException("stop");
                    }))
        .isInstanceOf(InterruptedException.class);
    assertThat(n).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void anInterruptDuringTheWaitStopsAtOnceKeepingTheStatus() {
    Retrier r =
        Retrier.builder("sleepy")
            .policy(plain().build())
            .clock(clock)
            .scheduler(clock)
            .sleeper(
                d -> {
                  throw new InterruptedException("woken");
                })
            .build();
    r.subscribe(events::add);
    Script s = new Script(ioFailures(2));
    Throwable thrown = catchThrowable(() -> r.call(s));
    assertThat(thrown).hasMessage("failure 1");
    assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
    assertThat(s.calls).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(events.get(events.size() - 1))
        .isInstanceOfSatisfying(
            RetryEvent.NotRetryable.class,
            e -> assertThat(e.failure()).isInstanceOf(InterruptedException.class));
  }

  @Test
  void aRealThreadInterruptedWhileSleepingStopsPromptly() throws Exception {
    Retrier r =
        Retrier.builder("real")
            .policy(plain().baseDelay(Duration.ofHours(1)).maxDelay(Duration.ofHours(1)).build())
            .sleeper(Sleeper.system())
            .build();
    CountDownLatch firstAttempt = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> statusKept = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                r.call(
                    () -> {
                      firstAttempt.countDown();
                      throw new IOException("down");
                    });
              } catch (Exception e) {
                thrown.set(e);
              }
              statusKept.set(Thread.currentThread().isInterrupted());
            });
    worker.start();
    assertThat(firstAttempt.await(10, TimeUnit.SECONDS)).isTrue();
    worker.interrupt();
    worker.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(worker.isAlive()).isFalse();
    assertThat(thrown.get()).hasMessage("down");
    assertThat(statusKept.get()).isTrue();
    r.close();
    assertThat(r.isTerminated()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Budget

  @Test
  void overBudgetTheFailureIsReturnedAtOnceAndCounted() throws Exception {
    Retrier r = retrier(plain().maxAttempts(3).budget(0.1).minRetriesPerSecond(0).build());
    // no calls yet in the window: 0.1 x 1 call allows no retry
    Script first = new Script(ioFailures(1));
    assertThatThrownBy(() -> r.call(first)).hasMessage("failure 1");
    assertThat(first.calls).hasValue(1);
    assertThat(r.metrics().budgetExhausted()).isEqualTo(1);
    assertThat(events.get(events.size() - 1)).isInstanceOf(RetryEvent.BudgetExhausted.class);

    for (int i = 0; i < 9; i++) {
      r.call(() -> "fine");
    }
    // 11 calls in the window allow 1.1 retries: the first is granted, the second refused
    Script second = new Script(ioFailures(3));
    Throwable thrown = catchThrowable(() -> r.call(second));
    assertThat(second.calls).hasValue(2);
    assertThat(thrown).hasMessage("failure 2");
    assertThat(thrown.getSuppressed()).hasSize(1);
    assertThat(r.metrics().budgetExhausted()).isEqualTo(2);

    // the window rolls: old calls and retries no longer count
    clock.advance(Duration.ofSeconds(11));
    for (int i = 0; i < 19; i++) {
      r.call(() -> "fine");
    }
    Script third = new Script(ioFailures(2));
    assertThat(r.call(third)).isEqualTo("ok"); // 20 calls allow 2 retries
    assertThat(r.availableBudget()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void theFloorAllowsRetriesWithoutCallsAndNoBudgetMeansUnlimited() {
    Retrier r = retrier(plain().maxAttempts(100).budget(0.1).minRetriesPerSecond(1).build());
    AtomicInteger n = new AtomicInteger();
    assertThatThrownBy(
            () ->
                r.call(
                    () -> {
                      n.incrementAndGet();
                      throw new IOException("down");
                    }))
        .hasMessage("down");
    // 0.1 x 1 call + 1/s x 10s = 10.1: ten retries
    assertThat(n).hasValue(11);
    assertThat(r.metrics().budgetExhausted()).isEqualTo(1);

    Retrier unlimited = retrier(plain().maxAttempts(100).build());
    AtomicInteger m = new AtomicInteger();
    assertThatThrownBy(
            () ->
                unlimited.call(
                    () -> {
                      m.incrementAndGet();
                      throw new IOException("down");
                    }))
        .hasMessage("down");
    assertThat(m).hasValue(100);
    assertThat(unlimited.availableBudget()).isInfinite();
    assertThat(unlimited.describe().get("budget").toString()).contains("available=unlimited");
  }

  // ---------------------------------------------------------------------------------------------
  // Asynchronous calls

  /** Stages that fail with the given failures in turn, then succeed. */
  static final class AsyncScript implements Supplier<CompletionStage<String>> {
    final List<Exception> failures;
    final AtomicInteger calls = new AtomicInteger();
    final List<Thread> threads = new CopyOnWriteArrayList<>();

    AsyncScript(Exception... failures) {
      this.failures = List.of(failures);
    }

    @Override
    public CompletionStage<String> get() {
      threads.add(Thread.currentThread());
      int i = calls.getAndIncrement();
      return i < failures.size()
          ? CompletableFuture.failedFuture(failures.get(i))
          : CompletableFuture.completedFuture("ok");
    }
  }

  @Test
  void asyncRetriesWaitOnTheSchedulerWithoutBlocking() throws Exception {
    Retrier r = retrier(plain().build());
    AsyncScript s = new AsyncScript(ioFailures(2));
    CompletableFuture<String> f = r.callAsync(s);
    // the first attempt ran on the caller's thread and failed; nothing waits on a thread
    assertThat(f).isNotDone();
    assertThat(s.calls).hasValue(1);
    assertThat(clock.pendingTasks()).isEqualTo(1);
    assertThat(clock.nextTaskDelay()).isEqualTo(Duration.ofMillis(100));
    clock.advance(Duration.ofMillis(99));
    assertThat(s.calls).hasValue(1);
    assertThat(handOffs).hasValue(0);
    clock.advance(Duration.ofMillis(1));
    // the scheduler's task handed the attempt to the executor, which ran it
    assertThat(handOffs).hasValue(1);
    assertThat(s.calls).hasValue(2);
    assertThat(clock.nextTaskDelay()).isEqualTo(Duration.ofMillis(200));
    clock.advance(Duration.ofMillis(200));
    assertThat(handOffs).hasValue(2);
    assertThat(f).isCompletedWithValue("ok");
    // this test's executor runs tasks where they are handed over: on the fake clock's thread
    assertThat(s.threads).containsOnly(Thread.currentThread());
    assertThat(r.metrics().successRetry()).isEqualTo(1);
  }

  @Test
  void asyncExhaustionFailsTheFutureWithTheLastFailureAndEarlierOnesSuppressed() {
    Retrier r = retrier(plain().maxAttempts(3).build());
    Exception[] failures = ioFailures(3);
    CompletableFuture<String> f = r.callAsync(new AsyncScript(failures));
    clock.advance(Duration.ofSeconds(5));
    assertThat(f).isCompletedExceptionally();
    Throwable cause = catchThrowable(f::get);
    assertThat(cause).isInstanceOf(ExecutionException.class);
    assertThat(cause.getCause()).isSameAs(failures[2]);
    assertThat(cause.getCause().getSuppressed()).containsExactly(failures[0], failures[1]);
    assertThat(r.metrics().exhausted()).isEqualTo(1);
  }

  @Test
  void asyncFailuresThrownBySupplierOrWrappedInCompletionExceptionsAreUnwrapped() {
    Retrier r = retrier(plain().maxAttempts(2).build());
    AtomicInteger n = new AtomicInteger();
    CompletableFuture<String> f =
        r.callAsync(
            () -> {
              if (n.incrementAndGet() == 1) {
                throw new HttpFailure(503, Duration.ofMillis(10));
              }
              return CompletableFuture.supplyAsync(
                  () -> {
                    throw new HttpFailure(404, null);
                  },
                  Runnable::run);
            });
    clock.advance(Duration.ofMillis(10));
    assertThat(catchThrowable(f::join).getCause()).hasMessage("HTTP 404");
    assertThat(r.metrics().notRetryable()).isEqualTo(1);
  }

  @Test
  void cancellingTheAsyncCallStopsRetriesAndCancelsTheRunningAttempt() {
    Retrier r = retrier(plain().build());
    CompletableFuture<String> f = r.callAsync(new AsyncScript(ioFailures(5)));
    assertThat(clock.pendingTasks()).isEqualTo(1);
    f.cancel(true);
    assertThat(clock.pendingTasks()).isZero();
    assertThat(r.metrics().notRetryable()).isEqualTo(1);
    assertThat(r.metrics().interrupted()).isEqualTo(1);

    CompletableFuture<String> running = new CompletableFuture<>();
    CompletableFuture<String> g = r.callAsync(() -> running);
    g.cancel(true);
    assertThat(running).isCancelled();
    running.completeExceptionally(new IOException("late")); // no effect now
    assertThat(r.metrics().calls()).isEqualTo(2);
  }

  @Test
  void asyncSupplierReturningNullFailsAtOnceAndClosedRetriersRefuse() {
    Retrier r = retrier(plain().build());
    CompletableFuture<String> f = r.callAsync(() -> null);
    assertThat(catchThrowable(f::join).getCause())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned null instead of a CompletionStage");

    CompletableFuture<String> waiting = r.callAsync(new AsyncScript(ioFailures(1)));
    r.close();
    assertThat(waiting).isCancelled();
    assertThat(r.callAsync(() -> CompletableFuture.completedFuture("x")))
        .isCompletedExceptionally();
    assertThatThrownBy(() -> r.call(() -> "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("retrier 'test' is closed");
  }

  @Test
  void asyncAttemptsEndedByAnInterruptOrACancellationStopWithoutInterruptingAnyThread() {
    Retrier r = retrier(plain().build());
    CompletableFuture<String> interrupted =
        r.callAsync(() -> CompletableFuture.failedFuture(new InterruptedException("elsewhere")));
    assertThat(catchThrowable(interrupted::join).getCause())
        .isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    AtomicInteger n = new AtomicInteger();
    CompletableFuture<String> cancelled =
        r.callAsync(
            () -> {
              n.incrementAndGet();
              CompletableFuture<String> inner = new CompletableFuture<>();
              inner.cancel(false);
              return inner;
            });
    assertThat(catchThrowable(cancelled::join)).isInstanceOf(CancellationException.class);
    assertThat(n).hasValue(1);
    assertThat(clock.pendingTasks()).isZero();
    assertThat(r.metrics().notRetryable()).isEqualTo(2);
    assertThat(r.metrics().interrupted()).isEqualTo(2);
  }

  @Test
  void aBlockingAttemptThatThrowsCancellationExceptionIsNotRepeated() {
    Retrier r = retrier(plain().build());
    Script s = new Script(new CancellationException("gave up"));
    assertThatThrownBy(() -> r.call(s)).isInstanceOf(CancellationException.class);
    assertThat(s.calls).hasValue(1);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aSchedulerThatRefusesEndsTheAsyncCall() {
    FakeClock refusing = new FakeClock();
    refusing.shutdownScheduler();
    Retrier r =
        Retrier.builder("x").policy(plain().build()).clock(refusing).scheduler(refusing).build();
    IOException down = new IOException("down");
    CompletableFuture<String> f = r.callAsync(() -> CompletableFuture.failedFuture(down));
    assertThat(catchThrowable(f::join).getCause()).isSameAs(down);
    assertThat(down.getSuppressed()).singleElement().isInstanceOf(CancellationException.class);
  }

  @Test
  void anExecutorThatRefusesEndsTheAsyncCall() {
    Retrier r =
        Retrier.builder("x")
            .policy(plain().build())
            .clock(clock)
            .scheduler(clock)
            .executor(
                task -> {
                  throw new java.util.concurrent.RejectedExecutionException("full");
                })
            .build();
    IOException down = new IOException("down");
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> f =
        r.callAsync(
            () -> {
              attempts.incrementAndGet();
              return CompletableFuture.failedFuture(down);
            });
    assertThat(f).isNotDone();
    clock.advance(Duration.ofMillis(100));
    assertThat(catchThrowable(f::join).getCause()).isSameAs(down);
    assertThat(down.getSuppressed()).hasSize(1);
    assertThat(down.getSuppressed()[0])
        .isInstanceOf(CancellationException.class)
        .hasMessage("the executor of retrier 'x' refused a retry");
    assertThat(attempts).hasValue(1);
    assertThat(r.metrics().notRetryable()).isEqualTo(1);
    assertThat(r.metrics().interrupted()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Events, telemetry, configuration

  @Test
  void listenersThatThrowNeverBreakACall() throws Exception {
    Retrier r = retrier(plain().build());
    r.subscribe(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    assertThat(r.call(new Script(ioFailures(1)))).isEqualTo("ok");
    assertThat(events)
        .hasSize(2)
        .first()
        .isInstanceOfSatisfying(
            RetryEvent.RetryScheduled.class,
            e -> {
              assertThat(e.name()).isEqualTo("test");
              assertThat(e.attempt()).isEqualTo(2);
              assertThat(e.timestamp()).isEqualTo(FakeClock.DEFAULT_WALL_START);
            });
    assertThat(events.get(1))
        .isInstanceOfSatisfying(
            RetryEvent.Succeeded.class,
            e -> {
              assertThat(e.attempts()).isEqualTo(2);
              assertThat(e.latency()).isEqualTo(Duration.ofMillis(100));
            });
  }

  record Recorded(
      String name, EngineType engine, CallOutcome outcome, long latency, int attempts) {}

  @Test
  void everyCallYieldsOneCallEventWithItsAttempts() throws Exception {
    List<Recorded> recorded = new ArrayList<>();
    Retrier r =
        Retrier.builder("payments")
            .policy(plain().maxAttempts(3).build())
            .clock(clock)
            .scheduler(clock)
            .recorder((n, e, o, l, a) -> recorded.add(new Recorded(n, e, o, l, a)))
            .build();
    r.call(() -> "first");
    r.call(new Script(ioFailures(2)));
    catchThrowable(() -> r.call(new Script(ioFailures(3))));
    catchThrowable(() -> r.call(new Script(new HttpFailure(400, null))));
    Thread.currentThread().interrupt();
    catchThrowable(() -> r.call(new Script(ioFailures(1))));
    Thread.interrupted();
    assertThat(recorded)
        .containsExactly(
            new Recorded("payments", EngineType.RETRY, CallOutcome.SUCCESS, 0, 1),
            new Recorded("payments", EngineType.RETRY, CallOutcome.SUCCESS, 300_000_000, 3),
            new Recorded("payments", EngineType.RETRY, CallOutcome.FAILURE, 300_000_000, 3),
            new Recorded("payments", EngineType.RETRY, CallOutcome.FAILURE, 0, 1),
            new Recorded("payments", EngineType.RETRY, CallOutcome.CANCELLED, 0, 1));
    @SuppressWarnings("unchecked")
    var results = (java.util.Map<String, Object>) r.describe().get("results");
    assertThat(results)
        .containsExactly(
            java.util.Map.entry("success_first", 1L),
            java.util.Map.entry("success_retry", 1L),
            java.util.Map.entry("exhausted", 1L),
            java.util.Map.entry("not_retryable", 2L),
            java.util.Map.entry("budget_exhausted", 0L));
    assertThat(r.describe()).containsEntry("calls", 5L).containsEntry("retries", 4L);
  }

  @Test
  void aCallKeepsThePolicyItStartedWithAndReconfigureIsAnnounced() throws Exception {
    Retrier r = retrier(plain().maxAttempts(3).build());
    AtomicInteger n = new AtomicInteger();
    String v =
        r.call(
            () -> {
              if (n.incrementAndGet() == 1) {
                r.reconfigure(b -> b.maxAttempts(1));
              }
              if (n.get() < 3) {
                throw new IOException("again");
              }
              return "third";
            });
    assertThat(v).isEqualTo("third");
    assertThat(r.policy().maxAttempts()).isEqualTo(1);
    assertThat(events)
        .filteredOn(e -> e instanceof RetryEvent.ConfigChanged)
        .singleElement()
        .isInstanceOfSatisfying(
            RetryEvent.ConfigChanged.class,
            e -> {
              assertThat(e.previous().maxAttempts()).isEqualTo(3);
              assertThat(e.current().maxAttempts()).isEqualTo(1);
            });
    r.reconfigure(r.policy()); // no change, no event
    assertThat(events).filteredOn(e -> e instanceof RetryEvent.ConfigChanged).hasSize(1);
    assertThat(r.describe().get("config").toString()).contains("maxAttempts=1");
  }
}
