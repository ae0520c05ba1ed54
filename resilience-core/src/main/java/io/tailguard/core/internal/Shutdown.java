package io.tailguard.core.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The two-phase stop every engine uses for the threads it owns, and the rule for its grace period.
 *
 * <p>Not part of the public API. This class is stateless and thread-safe.
 */
public final class Shutdown {

  /** The grace period of each phase unless a builder sets another. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

  /** The longest grace period a builder accepts. */
  public static final Duration MAX_GRACE = Duration.ofHours(1);

  private Shutdown() {}

  /**
   * Checks a builder's {@code closeGrace}.
   *
   * @param grace the grace period
   * @return {@code grace}
   * @throws IllegalArgumentException unless it is in [0, 1h]
   */
  public static Duration checkGrace(Duration grace) {
    return Validate.inRange("closeGrace", grace, Duration.ZERO, MAX_GRACE);
  }

  /**
   * Stops {@code executor}: no new work, wait up to {@code grace} for running tasks, then interrupt
   * them and wait up to {@code grace} again. If the calling thread is interrupted while it waits,
   * the executor is interrupted at once and the caller's interrupt status is kept.
   *
   * @param executor the executor
   * @param grace how long each phase waits
   * @return whether every task has ended
   */
  public static boolean stop(ExecutorService executor, Duration grace) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        executor.shutdownNow();
        return executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      return executor.isTerminated();
    }
  }
}
