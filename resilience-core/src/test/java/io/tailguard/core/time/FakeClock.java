package io.tailguard.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that only moves when a test tells it to, and a {@link Scheduler} whose tasks run
 * when the clock reaches them.
 *
 * <p>The monotonic and the wall clock move together. The monotonic clock starts at an arbitrary
 * non-zero value so that code which wrongly treats {@link #nanoTime()} as an absolute time shows up
 * in tests; {@link #startingAt(long)} picks another start, for example one close to {@link
 * Long#MAX_VALUE} to prove that code only ever compares differences.
 *
 * <p>Scheduled tasks run synchronously on the thread that calls {@link #advance(Duration)} (or
 * {@link #runDueTasks()}), in order of due time and then of scheduling, each with the clock set to
 * its due time; a task that schedules another within the advanced span sees it run too. Nothing
 * runs in the background, so a test decides exactly when each task happens.
 *
 * <p>As a {@link Sleeper}, it "sleeps" by advancing itself, so blocking code that waits through it
 * (a retry's backoff) runs instantly and deterministically, on the test's thread.
 *
 * <p>Shipped in the {@code resilience-core} test-jar for the other modules' tests.
 *
 * <p>This class is thread-safe: readers see every advance made before it, in order. Advancing from
 * two threads at once is allowed but the interleaving of their tasks is then up to the threads.
 */
public final class FakeClock implements Clock, Scheduler, Sleeper {

  /** The wall time every fake clock starts at: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_WALL_START = Instant.parse("2026-01-01T00:00:00Z");

  private static final long DEFAULT_NANO_START = 7_000_000_000L;

  // Written only through advance(); read by any thread.
  private final AtomicLong nanos;
  private final AtomicLong sequence = new AtomicLong();
  // Guarded by itself.
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private volatile boolean shutdown;
  private final long wallStartMillis;
  private final long nanoStart;

  private FakeClock(long nanoStart, long wallStartMillis) {
    this.nanos = new AtomicLong(nanoStart);
    this.nanoStart = nanoStart;
    this.wallStartMillis = wallStartMillis;
  }

  /** Creates a clock at the default start. */
  public FakeClock() {
    this(DEFAULT_NANO_START, DEFAULT_WALL_START.toEpochMilli());
  }

  /**
   * Creates a clock whose monotonic time starts at {@code nanoTime}.
   *
   * @param nanoTime the first value {@link #nanoTime()} returns
   * @return a new clock
   */
  public static FakeClock startingAt(long nanoTime) {
    return new FakeClock(nanoTime, DEFAULT_WALL_START.toEpochMilli());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return wallStartMillis + Math.floorDiv(nanos.get() - nanoStart, 1_000_000L);
  }

  /**
   * Moves both clocks forward.
   *
   * @param amount how far; must not be negative
   * @return this clock
   */
  public FakeClock advance(Duration amount) {
    return advanceNanos(amount.toNanos());
  }

  /**
   * Moves both clocks forward by {@code millis} milliseconds.
   *
   * @param millis how far; must not be negative
   * @return this clock
   */
  public FakeClock advanceMillis(long millis) {
    return advanceNanos(Math.multiplyExact(millis, 1_000_000L));
  }

  /**
   * Moves both clocks forward by {@code nanos} nanoseconds. The monotonic value may wrap past
   * {@link Long#MAX_VALUE}, as {@link System#nanoTime()} is allowed to.
   *
   * @param delta how far; must not be negative
   * @return this clock
   */
  public FakeClock advanceNanos(long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("a clock only moves forward, was " + delta + "ns");
    }
    long target = nanos.get() + delta;
    for (Task next = pollDue(target); next != null; next = pollDue(target)) {
      long now = nanos.get();
      if (next.dueNanos - now > 0) {
        nanos.set(next.dueNanos);
      }
      next.run();
    }
    if (target - nanos.get() > 0) {
      nanos.set(target);
    }
    return this;
  }

  /**
   * Advances the clock by {@code duration} (running the tasks that fall due), as if the calling
   * thread had slept that long. Zero or negative durations only check for an interrupt.
   *
   * @param duration how long to "sleep"
   * @throws InterruptedException if the calling thread is interrupted (its status is cleared, as
   *     {@link Thread#sleep(long)} does); the clock does not move then
   */
  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted before a fake sleep of " + duration);
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    if (nanos > 0) {
      advanceNanos(nanos);
    }
  }

  /**
   * Runs the tasks that are due now (scheduled with no delay, or whose time has come) without
   * moving the clock.
   *
   * @return this clock
   */
  public FakeClock runDueTasks() {
    return advanceNanos(0);
  }

  private Task pollDue(long target) {
    synchronized (tasks) {
      Task head = tasks.peek();
      if (head == null || head.dueNanos - target > 0) {
        return null;
      }
      return tasks.poll();
    }
  }

  @Override
  public ScheduledTask schedule(Runnable task, Duration delay) {
    if (task == null || delay == null) {
      throw new IllegalArgumentException("task and delay must not be null");
    }
    if (shutdown) {
      throw new RejectedExecutionException("the fake clock's scheduler was shut down");
    }
    long due = nanos.get() + Math.max(0, delay.toNanos());
    Task t = new Task(due, sequence.getAndIncrement(), task);
    synchronized (tasks) {
      tasks.add(t);
    }
    return t;
  }

  /**
   * Returns how many scheduled tasks have neither run nor been cancelled.
   *
   * @return the number of pending tasks
   */
  public int pendingTasks() {
    synchronized (tasks) {
      return (int) tasks.stream().filter(t -> !t.cancelled.get()).count();
    }
  }

  /**
   * Returns the delay until the next pending task, or {@code null} if there is none.
   *
   * @return the delay, or {@code null}
   */
  public Duration nextTaskDelay() {
    synchronized (tasks) {
      return tasks.stream()
          .filter(t -> !t.cancelled.get())
          .min(Task::compareTo)
          .map(t -> Duration.ofNanos(Math.max(0, t.dueNanos - nanos.get())))
          .orElse(null);
    }
  }

  /** Refuses further tasks, as a scheduler that was shut down does; pending ones never run. */
  public void shutdownScheduler() {
    shutdown = true;
    synchronized (tasks) {
      tasks.clear();
    }
  }

  private static final class Task implements ScheduledTask, Comparable<Task> {
    final long dueNanos;
    final long seq;
    final Runnable body;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicBoolean started = new AtomicBoolean();

    Task(long dueNanos, long seq, Runnable body) {
      this.dueNanos = dueNanos;
      this.seq = seq;
      this.body = body;
    }

    void run() {
      if (!cancelled.get() && started.compareAndSet(false, true)) {
        body.run();
      }
    }

    @Override
    public boolean cancel() {
      return !started.get() && cancelled.compareAndSet(false, true);
    }

    @Override
    public boolean isCancelled() {
      return cancelled.get();
    }

    @Override
    public int compareTo(Task o) {
      int byTime = Long.compare(dueNanos - o.dueNanos, 0);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }

  /**
   * Returns how much time has passed since this clock was created.
   *
   * @return the elapsed fake time
   */
  public Duration elapsed() {
    return Duration.ofNanos(nanos.get() - nanoStart);
  }

  @Override
  public String toString() {
    return "FakeClock[elapsed=" + elapsed() + "]";
  }
}
