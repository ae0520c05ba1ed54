package io.tailguard.core.time;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay. Engines that wait without blocking a thread (a retry backoff, a
 * hedge delay, a probe interval) take a {@code Scheduler} through their builder, so that tests can
 * use the fake clock of the test fixtures, which runs due tasks as the test advances it.
 *
 * <p>Tasks run on the scheduler's own thread and must be short: they hand real work to an executor
 * or complete a future.
 *
 * <p>Implementations are thread-safe.
 */
public interface Scheduler {

  /**
   * Runs {@code task} once, {@code delay} from now.
   *
   * @param task the task
   * @param delay how long to wait; zero or negative runs it as soon as possible
   * @return a handle to cancel the task
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
   */
  ScheduledTask schedule(Runnable task, Duration delay);

  /**
   * Adapts a {@link ScheduledExecutorService}. The adapter does not own the executor: shutting it
   * down stays the caller's job.
   *
   * @param executor the executor
   * @return a scheduler that schedules on it
   */
  static Scheduler of(ScheduledExecutorService executor) {
    if (executor == null) {
      throw new IllegalArgumentException("executor must not be null");
    }
    return (task, delay) -> {
      var future = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return new ScheduledTask() {
        @Override
        public boolean cancel() {
          return future.cancel(false);
        }

        @Override
        public boolean isCancelled() {
          return future.isCancelled();
        }
      };
    };
  }

  /** A task waiting to run. Thread-safe. */
  interface ScheduledTask {
    /**
     * Stops the task from running if it has not started.
     *
     * @return {@code true} if this call cancelled it
     */
    boolean cancel();

    /**
     * Returns whether the task was cancelled before it ran.
     *
     * @return {@code true} if cancelled
     */
    boolean isCancelled();
  }
}
