package io.tailguard.core.time;

import java.time.Instant;

/**
 * The source of time for every engine: a monotonic nanosecond counter for measuring intervals and a
 * wall clock for timestamps in events and reports.
 *
 * <p>Engines never call {@link System#nanoTime()} themselves; a {@code Clock} comes in through
 * their builder so that tests can drive time with a fake clock instead of sleeping. Its primary
 * intent is testing; production code uses {@link #system()}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Clock {

  /**
   * Returns the current value of a monotonic time source, in nanoseconds. Only differences between
   * two readings are meaningful; the origin is arbitrary and may be negative.
   *
   * @return the current monotonic time in nanoseconds
   */
  long nanoTime();

  /**
   * Returns the current wall-clock time in milliseconds since the Unix epoch.
   *
   * @return the wall-clock time
   */
  long currentTimeMillis();

  /**
   * Returns the current wall-clock time as an {@link Instant}.
   *
   * @return the wall-clock time
   */
  default Instant instant() {
    return Instant.ofEpochMilli(currentTimeMillis());
  }

  /**
   * Returns the clock backed by {@link System#nanoTime()} and {@link System#currentTimeMillis()}.
   *
   * @return the system clock
   */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
