package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocking calls whose primary runs on the calling thread ({@code primaryOnCallingThread}). */
class HedgerPrimaryOnCallerTest {

  final FakeClock clock = new FakeClock();
  final AtomicInteger handedToExecutor = new AtomicInteger();
  final ExecutorService pool = Executors.newCachedThreadPool();
  final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    callers.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  Hedger hedger(Duration delay, Duration timeout) {
    return Hedger.builder("search")
        .config(
            HedgeConfig.builder()
                .delay(DelayConfig.builder().strategy(HedgeDelayType.FIXED).delay(delay).build())
                .timeout(timeout)
                .build())
        .clock(clock)
        .scheduler(clock)
        .executor(
            r -> {
              handedToExecutor.incrementAndGet();
              pool.execute(r);
            })
        .primaryOnCallingThread(true)
        .build();
  }

  /** What a call on a background caller thread did. */
  static final class Outcome {
    final CompletableFuture<String> result = new CompletableFuture<>();
    volatile Thread caller;
    volatile boolean interruptedAfterwards;
  }

  Outcome inBackground(Hedger h, Function<AttemptContext, String> fn) {
    Outcome o = new Outcome();
    callers.execute(
        () -> {
          o.caller = Thread.currentThread();
          try {
            String v = h.call(fn);
            o.interruptedAfterwards = Thread.currentThread().isInterrupted();
            o.result.complete(v);
          } catch (RuntimeException | Error e) {
            o.interruptedAfterwards = Thread.currentThread().isInterrupted();
            o.result.completeExceptionally(e);
          }
        });
    return o;
  }

  void awaitTimers(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.pendingTasks() == n);
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    return HedgerTest.join(f);
  }

  @Test
  void thePrimaryRunsOnTheCallersThreadAndNothingIsHandedToTheExecutor() {
    Hedger h = hedger(Duration.ofMillis(100), Duration.ofSeconds(2));
    Thread caller = Thread.currentThread();
    String result =
        h.call(
            ctx -> {
              assertThat(Thread.currentThread()).isSameAs(caller);
              assertThat(ctx.isHedge()).isFalse();
              return "primary";
            });
    assertThat(result).isEqualTo("primary");
    assertThat(handedToExecutor).hasValue(0);
    assertThat(clock.pendingTasks()).isZero(); // the hedge timer and the timeout were cancelled
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    HedgeMetrics m = h.metrics();
    assertThat(m.calls()).isEqualTo(1);
    assertThat(m.primaryWins()).isEqualTo(1);
    assertThat(m.executorRefusals()).isZero();
  }

  @Test
  void theTimersAreArmedBeforeThePrimaryRuns() {
    Hedger h = hedger(Duration.ofMillis(100), Duration.ofSeconds(2));
    int[] armed = new int[1];
    h.call(
        ctx -> {
          armed[0] = clock.pendingTasks();
          return "primary";
        });
    assertThat(armed[0]).isEqualTo(2); // the timeout and the hedge timer
  }

  @Test
  void aHedgeWinsWhileThePrimaryIsStuckAndTheCallerIsInterruptedOutOfIt() throws Exception {
    Hedger h = hedger(Duration.ofMillis(100), Duration.ofSeconds(2));
    ControlledAttempts a = new ControlledAttempts();
    Outcome o = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100));
    a.awaitStarted(1);
    assertThat(handedToExecutor).hasValue(1); // the hedge only
    a.answer(1, "hedge");
    assertThat(join(o.result)).isEqualTo("hedge");
    a.awaitInterrupted(0); // the primary's body saw the interrupt of the caller's thread
    assertThat(a.contexts[0].isCancelled()).isTrue();
    assertThat(o.interruptedAfterwards).isFalse(); // the call's interrupt does not leak out
    assertThat(h.metrics().hedgeWins()).isEqualTo(1);
  }

  @Test
  void theTimeoutInterruptsThePrimaryOnTheCallersThread() {
    Hedger h = hedger(Duration.ofSeconds(10), Duration.ofSeconds(2));
    ControlledAttempts a = new ControlledAttempts();
    Outcome o = inBackground(h, a);
    a.awaitStarted(0);
    awaitTimers(2);
    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(() -> join(o.result)).isInstanceOf(HedgeTimeoutException.class);
    a.awaitInterrupted(0);
    assertThat(o.interruptedAfterwards).isFalse();
    assertThat(h.metrics().timeouts()).isEqualTo(1);
  }

  @Test
  void aPrimaryThatIgnoresInterruptsHoldsTheCallUntilItReturns() throws Exception {
    Hedger h = hedger(Duration.ofMillis(100), Duration.ofSeconds(2));
    CountDownLatch primaryStarted = new CountDownLatch(1);
    CountDownLatch releasePrimary = new CountDownLatch(1);
    CountDownLatch hedgeStarted = new CountDownLatch(1);
    Outcome o =
        inBackground(
            h,
            ctx -> {
              if (ctx.isHedge()) {
                hedgeStarted.countDown();
                return "hedge";
              }
              primaryStarted.countDown();
              boolean released = false;
              while (!released) {
                try {
                  released = releasePrimary.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                  // ignores interrupts
                }
              }
              return "primary";
            });
    assertThat(primaryStarted.await(10, TimeUnit.SECONDS)).isTrue();
    awaitTimers(2);
    clock.advance(Duration.ofMillis(100));
    assertThat(hedgeStarted.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.metrics().hedgeWins() == 1);
    assertThat(o.result).isNotDone(); // the caller is still inside the primary
    releasePrimary.countDown();
    assertThat(join(o.result)).isEqualTo("hedge"); // the hedge's answer, once the primary returns
    assertThat(o.interruptedAfterwards).isFalse();
  }

  @Test
  void aRetryableFailureOfThePrimaryWaitsForTheHedgeItStarts() throws Exception {
    Hedger h = hedger(Duration.ofSeconds(10), Duration.ofSeconds(20));
    ControlledAttempts a = new ControlledAttempts();
    Outcome o = inBackground(h, a);
    a.awaitStarted(0);
    a.fail(0, new IllegalStateException("busy"));
    a.awaitStarted(1); // started at once, on the executor
    a.answer(1, "hedge");
    assertThat(join(o.result)).isEqualTo("hedge");
    assertThat(o.interruptedAfterwards).isFalse();
  }

  @Test
  void anInterruptOfTheCallerThatTheCallDidNotSendIsKept() {
    Hedger h = hedger(Duration.ofMillis(100), Duration.ofSeconds(2));
    Thread.currentThread().interrupt();
    try {
      String result = h.call(ctx -> "primary");
      assertThat(result).isEqualTo("primary");
      assertThat(Thread.currentThread().isInterrupted()).isTrue(); // not the call's to clear
    } finally {
      Thread.interrupted();
    }
  }
}
