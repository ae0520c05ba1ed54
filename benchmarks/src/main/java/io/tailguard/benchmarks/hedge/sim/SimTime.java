package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.time.Clock;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * Virtual time for the deterministic simulation: a {@link Clock} that moves only when the event
 * loop runs the next event, and a {@link Scheduler} whose tasks are those events.
 *
 * <p>Events run in order of time, then of scheduling, so two runs that schedule the same events run
 * them in the same order. A task scheduled with a zero or negative delay runs at the current time,
 * after the events already due then. A cancelled event stays in the queue and is skipped when it
 * comes up: removing it from the heap would cost a linear search, and a hedged call cancels its
 * 30-second timeout on every call.
 *
 * <p>Thread-safety: every method may be called from any thread, as the {@code Clock} and {@code
 * Scheduler} contracts ask, but the simulation is meant to be driven by one thread: the one calling
 * {@link #runNext(long)} runs every task itself, and time only moves there.
 */
public final class SimTime implements Clock, Scheduler {

  /** Wall-clock time at virtual time 0: fixed, so that nothing depends on the day of the run. */
  private static final long EPOCH_MILLIS = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  // Guarded by this.
  private long sequence;
  private int live;
  // Written under this by the loop; read without a lock by the clock methods.
  private volatile long now;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public long currentTimeMillis() {
    return EPOCH_MILLIS + Math.floorDiv(now, 1_000_000L);
  }

  @Override
  public ScheduledTask schedule(Runnable task, Duration delay) {
    long nanos;
    try {
      nanos = delay.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // beyond any simulated horizon
    }
    return scheduleAfter(nanos, task);
  }

  /**
   * Runs {@code task} once, {@code delayNanos} from now.
   *
   * @param delayNanos the delay; zero or negative runs it at the current time
   * @param task the task
   * @return a handle to cancel it
   */
  public synchronized ScheduledTask scheduleAfter(long delayNanos, Runnable task) {
    long delay = Math.max(0, delayNanos);
    long at = now + delay;
    return scheduleAt(at < now ? Long.MAX_VALUE : at, task);
  }

  /**
   * Runs {@code task} once at virtual time {@code time}, or at the current time if that has passed.
   *
   * @param time the virtual time, in nanoseconds
   * @param task the task
   * @return a handle to cancel it
   */
  public synchronized ScheduledTask scheduleAt(long time, Runnable task) {
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    Event e = new Event(Math.max(time, now), sequence++, task);
    queue.add(e);
    live++;
    return e;
  }

  /**
   * Runs the next event if it is due at or before {@code deadline}, first moving the clock to its
   * time. The task runs on the calling thread, outside this object's lock, so it may schedule and
   * cancel events.
   *
   * @param deadline the latest virtual time to run an event at
   * @return {@code true} if an event ran, {@code false} if none is due by the deadline
   */
  public boolean runNext(long deadline) {
    Runnable task;
    synchronized (this) {
      Event e;
      do {
        e = queue.peek();
        if (e == null || e.time > deadline) {
          return false;
        }
        queue.poll();
      } while (e.state != Event.WAITING);
      e.state = Event.RAN;
      live--;
      now = e.time;
      task = e.task;
      e.task = null;
    }
    task.run();
    return true;
  }

  /**
   * Runs every event due by {@code deadline}, then moves the clock to it.
   *
   * @param deadline the virtual time to stop at
   */
  public void runUntil(long deadline) {
    while (runNext(deadline)) {
      // each iteration runs one event
    }
    synchronized (this) {
      now = Math.max(now, deadline);
    }
  }

  /**
   * Returns the number of events that are neither cancelled nor run.
   *
   * @return the pending events
   */
  public synchronized int pending() {
    return live;
  }

  /** One scheduled task; guarded by the enclosing {@code SimTime}. */
  private final class Event implements ScheduledTask, Comparable<Event> {
    static final int WAITING = 0;
    static final int CANCELLED = 1;
    static final int RAN = 2;

    final long time;
    final long seq;
    Runnable task;
    int state = WAITING;

    Event(long time, long seq, Runnable task) {
      this.time = time;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public boolean cancel() {
      synchronized (SimTime.this) {
        if (state != WAITING) {
          return false;
        }
        state = CANCELLED;
        task = null; // a cancelled timeout would otherwise keep its whole call alive for 30 s
        live--;
        return true;
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (SimTime.this) {
        return state == CANCELLED;
      }
    }

    @Override
    public int compareTo(Event o) {
      int byTime = Long.compare(time, o.time);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }
}
