package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.time.Clock;
import io.tailguard.core.time.Scheduler.ScheduledTask;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A backend without a capacity limit: each attempt takes the duration its {@link LatencyModel}
 * gives for its start time, whatever else is running.
 *
 * <p>Thread-safe: it keeps no state of its own. In virtual time it is used from the event loop; in
 * real time from any number of request threads.
 */
final class DelayBackend implements AsyncBackend, BlockingBackend {

  private final LatencyModel model;
  private final Clock clock;
  private final long originNanos;
  private final SimTime sim;

  /**
   * Creates a backend in virtual time.
   *
   * @param model the latencies
   * @param sim the virtual time
   * @param originNanos the run's origin on the virtual clock
   */
  DelayBackend(LatencyModel model, SimTime sim, long originNanos) {
    this.model = model;
    this.clock = sim;
    this.originNanos = originNanos;
    this.sim = sim;
  }

  /**
   * Creates a backend in real time, for blocking attempts only.
   *
   * @param model the latencies
   * @param originNanos the run's origin on {@link System#nanoTime()}
   */
  DelayBackend(LatencyModel model, long originNanos) {
    this.model = model;
    this.clock = Clock.system();
    this.originNanos = originNanos;
    this.sim = null;
  }

  @Override
  public CompletableFuture<String> attempt(long request, int attempt) {
    if (sim == null) {
      throw new IllegalStateException("a real-time backend has no virtual attempts");
    }
    long d = model.durationNanos(request, attempt, sim.nanoTime() - originNanos);
    if (d == LatencyModel.FAILURE) {
      return CompletableFuture.failedFuture(new SimulatedFailure());
    }
    CompletableFuture<String> answer = new CompletableFuture<>();
    ScheduledTask done = sim.scheduleAfter(d, () -> answer.complete("ok"));
    answer.whenComplete(
        (v, e) -> {
          if (answer.isCancelled()) {
            done.cancel();
          }
        });
    return answer;
  }

  @Override
  public String attemptBlocking(long request, int attempt) {
    long start = clock.nanoTime();
    long d = model.durationNanos(request, attempt, start - originNanos);
    if (d == LatencyModel.FAILURE) {
      throw new SimulatedFailure();
    }
    sleepUntil(start + d);
    return "ok";
  }

  /**
   * Sleeps until {@link System#nanoTime()} reaches {@code deadline}.
   *
   * @param deadline the time to wake up at
   * @throws CancellationException if interrupted; the interrupt status is set again
   */
  static void sleepUntil(long deadline) {
    try {
      for (long left = deadline - System.nanoTime();
          left > 0;
          left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("attempt withdrawn");
    }
  }
}
