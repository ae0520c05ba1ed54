package io.tailguard.benchmarks.hedge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BackendModelsTest {

  private static final long MS = 1_000_000L;

  @Test
  void aPauseFreezesEveryAttemptInFlightOrStartingInIt() {
    // Without jitter: pauses [1500, 1700), [4500, 4700), ... ms.
    Intervals pauses =
        Intervals.periodic(new SplittableRandom(1), 3000 * MS, 200 * MS, 0, 60_000 * MS);

    assertThat(pauses.completion(0, 5 * MS)).as("before any pause").isEqualTo(5 * MS);
    assertThat(pauses.completion(1400 * MS, 200 * MS))
        .as("in flight when the pause starts")
        .isEqualTo(1800 * MS);
    assertThat(pauses.completion(1600 * MS, 50 * MS))
        .as("starts inside the pause")
        .isEqualTo(1750 * MS);
    assertThat(pauses.completion(1000 * MS, 3500 * MS))
        .as("runs into two pauses")
        .isEqualTo(4900 * MS);
    assertThat(pauses.completion(1300 * MS, 200 * MS))
        .as("completes exactly as the pause starts")
        .isEqualTo(1500 * MS);
  }

  @Test
  void aRampMovesFromTheFirstRegimeToTheSecondAroundTheSwitch() {
    Regime fast = new Regime(3, 0.5, 0, 0);
    Regime slow = new Regime(12, 0.9, 0.2, 0.1);
    long at = 100_000 * MS;
    RegimeModel ramp = new RegimeModel(7, "s", fast, slow, at, 20_000 * MS);
    RegimeModel onlyFast = RegimeModel.stationary(7, "s", fast);
    RegimeModel onlySlow = RegimeModel.stationary(7, "s", slow);
    RegimeModel middle = RegimeModel.stationary(7, "s", new Regime(6, 0.7, 0.1, 0.05));

    for (long request = 0; request < 200; request++) {
      assertThat(ramp.durationNanos(request, 0, at - 10_000 * MS))
          .as("at the ramp's start")
          .isEqualTo(onlyFast.durationNanos(request, 0, 0));
      assertThat(ramp.durationNanos(request, 1, at + 10_000 * MS))
          .as("from the ramp's end")
          .isEqualTo(onlySlow.durationNanos(request, 1, 0));
      assertThat(ramp.durationNanos(request, 0, at))
          .as("halfway: the geometric middle of the medians, the means of the rest")
          .isEqualTo(middle.durationNanos(request, 0, 0));
    }
    assertThat(fast.between(slow, 0.5)).isEqualTo(new Regime(6, 0.7, 0.1, 0.05));
  }

  // One server, every attempt served in the same time.
  private static Scenario oneServer(long serviceNanos) {
    return new Scenario(
        "q",
        "",
        Targets.Kind.OVERLOAD,
        1,
        0,
        1_000 * MS,
        false,
        (i, k, t) -> serviceNanos,
        1,
        true);
  }

  /** One server, 10 ms per attempt, on virtual time. */
  static QueueBackend oneServerQueue(SimTime sim, boolean cancellable) {
    Scenario scenario = oneServer(10 * MS);
    return new QueueBackend(scenario.model(), 1, sim, 0, new QueueStats(scenario), cancellable);
  }

  @Test
  void aWithdrawnAttemptLeavesTheQueueOrFreesItsServerAtOnce() {
    SimTime sim = new SimTime();
    QueueBackend backend = oneServerQueue(sim, true);

    CompletableFuture<String> serving = backend.attempt(0, 0);
    CompletableFuture<String> withdrawn = backend.attempt(1, 0);
    CompletableFuture<String> waiting = backend.attempt(2, 0);
    withdrawn.cancel(true);
    sim.runUntil(MS);
    serving.cancel(true);
    sim.runUntil(5 * MS);

    assertThat(waiting).as("served from 1 ms, not after the withdrawn one").isNotDone();
    sim.runUntil(11 * MS);
    assertThat(waiting).isCompletedWithValue("ok");
  }

  @Test
  void anUncancellableBackendServesAWithdrawnAttemptInFull() {
    SimTime sim = new SimTime();
    QueueBackend backend = oneServerQueue(sim, false);

    CompletableFuture<String> serving = backend.attempt(0, 0);
    CompletableFuture<String> withdrawn = backend.attempt(1, 0);
    CompletableFuture<String> waiting = backend.attempt(2, 0);
    serving.cancel(true);
    withdrawn.cancel(true);
    sim.runUntil(29 * MS);
    assertThat(waiting).as("waits for both withdrawn attempts' work").isNotDone();
    sim.runUntil(30 * MS);
    assertThat(waiting).isCompletedWithValue("ok");
  }

  @Test
  void anUncancellableSemaphoreBackendWorksThroughAnInterrupt() {
    Scenario scenario = oneServer(50 * MS);
    SemaphoreBackend backend =
        new SemaphoreBackend(
            scenario.model(), 1, System.nanoTime(), new QueueStats(scenario), false);
    // Interrupted before it starts: a cancellable backend would give up at once.
    Thread.currentThread().interrupt();
    long start = System.nanoTime();
    try {
      assertThatThrownBy(() -> backend.attemptBlocking(0, 0))
          .isInstanceOf(CancellationException.class);
      assertThat(System.nanoTime() - start).as("served in full").isGreaterThanOrEqualTo(50 * MS);
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
