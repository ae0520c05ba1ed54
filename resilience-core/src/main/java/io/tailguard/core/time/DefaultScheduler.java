package io.tailguard.core.time;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on one daemon platform thread that it owns, measuring delays in real time.
 *
 * <p>{@link #close()} shuts down in two phases: it stops accepting tasks and drops the waiting
 * ones, waits up to the grace period for a running task, then interrupts it and waits again. When
 * {@code close()} returns, the thread has ended (unless a task ignores interrupts for longer than
 * the grace period, which is logged).
 *
 * <p>This class is thread-safe.
 */
public final class DefaultScheduler implements Scheduler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DefaultScheduler.class);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** How long close() waits for a thread that has already left the executor's loop. */
  private static final long THREAD_EXIT_JOIN_MILLIS = 1000;

  private final ScheduledThreadPoolExecutor executor;
  // The threads the executor created; close() joins them. Written by the factory (any thread).
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Scheduler delegate;
  private final Duration grace;
  private final String name;

  /**
   * Creates a scheduler whose thread is named {@code tailguard-<purpose>-<n>}.
   *
   * @param purpose a short word for the thread name, for example {@code retry}
   * @param grace how long {@link #close()} waits in each phase
   */
  public DefaultScheduler(String purpose, Duration grace) {
    if (purpose == null || purpose.isBlank()) {
      throw new IllegalArgumentException("purpose must not be blank");
    }
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be zero or positive, was " + grace);
    }
    this.name = "tailguard-" + purpose + "-" + SEQUENCE.incrementAndGet();
    this.grace = grace;
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          threads.add(t);
          return t;
        };
    this.executor = new ScheduledThreadPoolExecutor(1, factory);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.delegate = Scheduler.of(executor);
  }

  @Override
  public ScheduledTask schedule(Runnable task, Duration delay) {
    if (task == null || delay == null) {
      throw new IllegalArgumentException("task and delay must not be null");
    }
    return delegate.schedule(task, delay);
  }

  // The two-phase stop of internal.Shutdown, repeated because time is the core's bottom layer and
  // depends on nothing else in it (ArchitectureTest).
  private boolean stopExecutor() {
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

  /**
   * Returns whether {@link #close()} has completed and the thread has ended.
   *
   * @return {@code true} once terminated
   */
  public boolean isTerminated() {
    return executor.isTerminated();
  }

  /** Stops the scheduler; see the class description. Calling it again does nothing. */
  @Override
  public void close() {
    if (!stopExecutor()) {
      if (!Thread.currentThread().isInterrupted()) {
        log.warn("Scheduler thread {} did not stop within {} after an interrupt", name, grace);
      }
      return;
    }
    try {
      // awaitTermination() returns once the worker has left its loop, a moment before its thread
      // ends; joining makes "the thread has ended" exact.
      for (Thread t : threads) {
        if (t != Thread.currentThread()) {
          t.join(THREAD_EXIT_JOIN_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "DefaultScheduler[" + name + "]";
  }
}
