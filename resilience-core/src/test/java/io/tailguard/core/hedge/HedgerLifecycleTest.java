package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hedger's life: what it owns and stops on close, calls after close, coalesced blocking calls on
 * a saturated executor or an interrupted thread, a new configuration of the same strategy and
 * budget, and snapshots of a strategy with no state.
 */
class HedgerLifecycleTest {

  final FakeClock clock = new FakeClock();

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
    return Hedger.builder("life")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(executor)
        .build();
  }

  @Test
  void aHedgerThatOwnsItsThreadsStopsThemOnClose() {
    Hedger h = Hedger.builder("owner").closeGrace(Duration.ofSeconds(5)).build();
    assertThat(h.isClosed()).isFalse();
    assertThat(h.isTerminated()).isFalse();
    assertThat(h).hasToString("Hedger[owner]");
    h.close();
    assertThat(h.isClosed()).isTrue();
    assertThat(h.isTerminated()).isTrue();
    h.close(); // a second close changes nothing
    assertThat(h.isTerminated()).isTrue();
  }

  @Test
  void aHedgerGivenItsThreadsOwnsNoneToStop() {
    Hedger h = hedger(fixed(100).build(), Runnable::run);
    assertThat(h.isTerminated()).isTrue();
    h.close();
    assertThat(h.isClosed()).isTrue();
    assertThat(h.isTerminated()).isTrue();
  }

  @Test
  void closeCancelsTheCallsInFlightAndRefusesNewOnes() {
    Hedger h = hedger(fixed(100).coalesce(true).build(), Runnable::run);
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> inFlight = h.callAsync(ctx -> pending);
    h.close();
    assertThat(inFlight).isCompletedExceptionally();
    assertThatThrownBy(inFlight::join).isInstanceOf(CancellationException.class);
    assertThat(pending).isCancelled();

    CompletableFuture<String> after = h.callAsync(ctx -> new CompletableFuture<>());
    assertThatThrownBy(after::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("hedger 'life' is closed");
    assertThatThrownBy(() -> h.call("key", ctx -> "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("hedger 'life' is closed");
  }

  @Test
  void aCoalescedBlockingCallRunsItsPrimaryHereWhenTheExecutorIsSaturated() {
    Hedger h =
        hedger(
            fixed(100).coalesce(true).build(),
            task -> {
              throw new RejectedExecutionException("saturated");
            });
    List<Thread> ranOn = new ArrayList<>();
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          Thread caller = Thread.currentThread();
          String answer =
              h.call(
                  "key",
                  ctx -> {
                    ranOn.add(Thread.currentThread());
                    return "here";
                  });
          assertThat(answer).isEqualTo("here");
          assertThat(ranOn).containsExactly(caller);
        });
    assertThat(h.metrics().executorRefusals()).isEqualTo(1);
  }

  @Test
  void anInterruptedWaiterOfACoalescedCallGivesUpAndKeepsItsInterrupt() {
    Queue<Runnable> neverRun = new ArrayDeque<>();
    Hedger h = hedger(fixed(100).coalesce(true).build(), neverRun::add);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> h.call("key", ctx -> "never"))
        .isInstanceOf(CancellationException.class)
        .hasMessage("interrupted while waiting for hedged call of 'life'");
    assertThat(Thread.interrupted()).isTrue();
    assertThat(neverRun).hasSize(1);
  }

  @Test
  void aNewConfigurationOfTheSameStrategyReachesIt() {
    List<CompletableFuture<String>> attempts = new ArrayList<>();
    Hedger h = hedger(fixed(100).build(), Runnable::run);
    FixedDelay strategy = (FixedDelay) h.strategy();
    h.reconfigure(fixed(10).build());
    assertThat(h.strategy()).isSameAs(strategy);
    assertThat(strategy.delayNanos(1)).isEqualTo(Duration.ofMillis(10).toNanos());
    CompletableFuture<String> r =
        h.callAsync(
            ctx -> {
              CompletableFuture<String> f = new CompletableFuture<>();
              attempts.add(f);
              return f;
            });
    clock.advance(Duration.ofMillis(10));
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
  }

  @Test
  void aSmallerBurstCapsTheTokensAtOnce() {
    Hedger h = hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 10)).build(), Runnable::run);
    assertThat(h.availableBudget()).isEqualTo(10.0);
    h.reconfigure(b -> b.budget(new BudgetConfig(0.05, 0, 2)));
    assertThat(h.availableBudget()).isEqualTo(2.0);
  }

  @Test
  void aStrategyWithoutStateRoundTripsThroughASnapshot() {
    Hedger source = hedger(fixed(100).build(), Runnable::run);
    Hedger target = hedger(fixed(100).build(), Runnable::run);
    assertThat(target.restore(source.snapshot())).isTrue();
  }

  @Test
  void aFileHoldingNoSnapshotIsNotRestored(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("garbage.hedge");
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    assertThat(hedger(fixed(100).build(), Runnable::run).restoreFrom(file)).isFalse();
  }
}
