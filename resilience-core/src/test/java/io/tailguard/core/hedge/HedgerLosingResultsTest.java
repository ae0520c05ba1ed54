package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.testing.Deaf;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to what losing attempts leave behind: results that hold resources are closed, and
 * failures are attached to the call's exception without growing a shared exception for ever.
 */
class HedgerLosingResultsTest {

  final FakeClock clock = new FakeClock();
  final ExecutorService attemptPool = Executors.newCachedThreadPool();
  final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    attemptPool.shutdownNow();
    callers.shutdownNow();
    assertThat(attemptPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A result holding a resource; counts its closes, and fails them if told to. */
  static final class Resource implements AutoCloseable {
    final String name;
    final boolean failToClose;
    final AtomicInteger closes = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);

    Resource(String name) {
      this(name, false);
    }

    Resource(String name, boolean failToClose) {
      this.name = name;
      this.failToClose = failToClose;
    }

    @Override
    public void close() throws Exception {
      closes.incrementAndGet();
      closed.countDown();
      if (failToClose) {
        throw new java.io.IOException("cannot close " + name);
      }
    }

    void awaitClosed() throws InterruptedException {
      assertThat(closed.await(10, TimeUnit.SECONDS)).as(name + " closed").isTrue();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static HedgeConfig.Builder fixed(int maxHedges) {
    return HedgeConfig.builder()
        .maxHedges(maxHedges)
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(100))
                .build());
  }

  Hedger blocking(HedgeConfig config) {
    return Hedger.builder("search")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(attemptPool)
        .build();
  }

  Hedger async(HedgeConfig config) {
    return Hedger.builder("search")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run)
        .build();
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** A stage that cannot be cancelled, as some clients' futures are. */
  static final class Uncancellable<T> extends CompletableFuture<T> {
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Results

  @Test
  void aBlockingLoserThatAnswersAfterTheWinnerHasItsResultClosed() throws Exception {
    Hedger h = blocking(fixed(1).build());
    CountDownLatch primaryMayAnswer = new CountDownLatch(1);
    CountDownLatch primaryStarted = new CountDownLatch(1);
    Resource late = new Resource("primary's");
    Resource winner = new Resource("hedge's");
    CompletableFuture<Resource> result =
        CompletableFuture.supplyAsync(
            () ->
                h.call(
                    ctx -> {
                      if (ctx.isHedge()) {
                        return winner;
                      }
                      primaryStarted.countDown();
                      // Ignores the interrupt, as a blocking client often does, and answers late.
                      Deaf.await(primaryMayAnswer);
                      return late;
                    }),
            callers);
    assertThat(primaryStarted.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.pendingTasks() == 2);
    clock.advance(Duration.ofMillis(100));
    assertThat(join(result)).isSameAs(winner);
    primaryMayAnswer.countDown();
    late.awaitClosed();
    assertThat(late.closes).hasValue(1);
    assertThat(winner.closes).hasValue(0);
  }

  @Test
  void anAsyncLoserWhoseStageCannotBeCancelledHasItsLateResultClosed() throws Exception {
    Hedger h = async(fixed(1).build());
    List<CompletableFuture<Resource>> stages = new ArrayList<>();
    CompletableFuture<Resource> result =
        h.callAsync(
            ctx -> {
              CompletableFuture<Resource> f = new Uncancellable<>();
              stages.add(f);
              return f;
            });
    clock.advance(Duration.ofMillis(100));
    Resource winner = new Resource("hedge's");
    stages.get(1).complete(winner);
    assertThat(join(result)).isSameAs(winner);
    Resource late = new Resource("primary's");
    stages.get(0).complete(late);
    assertThat(late.closes).hasValue(1);
    assertThat(winner.closes).hasValue(0);
  }

  @Test
  void ofTwoAnswersDecidedAtTheSameMomentTheOneNotReturnedIsClosed() throws Exception {
    List<CompletableFuture<Resource>> stages = new ArrayList<>();
    Resource first = new Resource("first");
    Resource second = new Resource("second");
    // The hedge answers while the primary's answer is being judged: both are acceptable, and both
    // attempts decide to win before either has finished the call.
    Hedger h =
        async(
            fixed(1)
                .unacceptableResult(
                    r -> {
                      if (r == first) {
                        stages.get(1).complete(second);
                      }
                      return false;
                    })
                .build());
    CompletableFuture<Resource> result =
        h.callAsync(
            ctx -> {
              CompletableFuture<Resource> f = new CompletableFuture<>();
              stages.add(f);
              return f;
            });
    clock.advance(Duration.ofMillis(100));
    stages.get(0).complete(first);
    Resource returned = join(result);
    Resource other = returned == first ? second : first;
    assertThat(returned.closes).hasValue(0);
    assertThat(other.closes).hasValue(1);
  }

  @Test
  void aResultThatArrivesAfterTheCallTimedOutIsClosed() {
    Hedger h = async(fixed(1).timeout(Duration.ofSeconds(1)).build());
    CompletableFuture<Resource> stage = new Uncancellable<>();
    CompletableFuture<Resource> result =
        h.callAsync(ctx -> ctx.isHedge() ? new CompletableFuture<>() : stage);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> join(result)).isInstanceOf(HedgeTimeoutException.class);
    Resource late = new Resource("late");
    stage.complete(late);
    assertThat(late.closes).hasValue(1);
  }

  @Test
  void unacceptableResultsThatAreNotReturnedAreClosedAndTheReturnedOneIsNot() throws Exception {
    Hedger h =
        async(fixed(2).unacceptableResult(r -> ((Resource) r).name.startsWith("empty")).build());
    List<CompletableFuture<Resource>> stages = new ArrayList<>();
    java.util.function.Supplier<CompletableFuture<Resource>> call =
        () ->
            h.callAsync(
                ctx -> {
                  CompletableFuture<Resource> f = new CompletableFuture<>();
                  stages.add(f);
                  return f;
                });

    // An acceptable answer wins: the unacceptable one before it is closed.
    CompletableFuture<Resource> first = call.get();
    Resource empty = new Resource("empty 0");
    stages.get(0).complete(empty); // starts the next attempt at once
    Resource full = new Resource("full");
    stages.get(1).complete(full);
    assertThat(join(first)).isSameAs(full);
    assertThat(empty.closes).hasValue(1);
    assertThat(full.closes).hasValue(0);

    // No acceptable answer: the earliest unacceptable one is returned, the others are closed.
    CompletableFuture<Resource> second = call.get();
    Resource[] empties = {
      new Resource("empty a"), new Resource("empty b"), new Resource("empty c", true)
    };
    for (int i = 0; i < 3; i++) {
      stages.get(2 + i).complete(empties[i]);
    }
    assertThat(join(second)).isSameAs(empties[0]);
    assertThat(empties[0].closes).hasValue(0);
    assertThat(empties[1].closes).hasValue(1);
    assertThat(empties[2].closes).hasValue(1); // its close failed: logged, not thrown
  }

  @Test
  void aResultThatFailsToCloseIsLoggedAndTheCallIsUnaffected() throws Exception {
    Hedger h = async(fixed(1).build());
    List<CompletableFuture<Resource>> stages = new ArrayList<>();
    CompletableFuture<Resource> result =
        h.callAsync(
            ctx -> {
              CompletableFuture<Resource> f = new Uncancellable<>();
              stages.add(f);
              return f;
            });
    clock.advance(Duration.ofMillis(100));
    Resource winner = new Resource("winner");
    stages.get(0).complete(winner);
    Resource broken = new Resource("broken", true);
    stages.get(1).complete(broken);
    assertThat(join(result)).isSameAs(winner);
    assertThat(broken.closes).hasValue(1);
    assertThat(h.metrics().strategyFaults()).isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // Suppressed exceptions

  @Test
  void aSharedExceptionCollectsTheOtherAttemptsFailuresOnceNotOnEveryCall() {
    // One instance thrown by every call, as some clients do for a condition they see often.
    IllegalStateException shared = new IllegalStateException("connection refused");
    Hedger h = async(fixed(2).build());
    for (int call = 0; call < 5; call++) {
      int n = call;
      CompletableFuture<String> result =
          h.callAsync(
              ctx ->
                  CompletableFuture.failedFuture(
                      ctx.attempt() == 0
                          ? shared
                          : new IllegalArgumentException("call " + n + " hedge " + ctx.attempt())));
      assertThatThrownBy(() -> join(result)).isSameAs(shared);
    }
    assertThat(shared.getSuppressed())
        .extracting(Throwable::getMessage)
        .containsExactly("call 0 hedge 1", "call 0 hedge 2");
  }

  @Test
  void theSameExceptionThrownByEveryAttemptIsNotAttachedToItself() {
    IllegalStateException same = new IllegalStateException("same");
    Hedger h = async(fixed(2).build());
    CompletableFuture<String> result = h.callAsync(ctx -> CompletableFuture.failedFuture(same));
    assertThatThrownBy(() -> join(result)).isSameAs(same);
    assertThat(same.getSuppressed()).isEmpty();
    assertThat(h.metrics().attempts()).isEqualTo(3);
  }

  @Test
  void aTimeoutCarriesEachDistinctEarlierFailureOnce() {
    IllegalStateException shared = new IllegalStateException("shared");
    Hedger h = async(fixed(2).timeout(Duration.ofSeconds(1)).build());
    CompletableFuture<String> result =
        h.callAsync(
            ctx ->
                ctx.attempt() == 2
                    ? new CompletableFuture<>()
                    : CompletableFuture.failedFuture(shared));
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> join(result))
        .isInstanceOf(HedgeTimeoutException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(shared));
  }
}
