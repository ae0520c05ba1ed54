package io.tailguard.core.time;

/**
 * The {@link Clock} backed by {@link System#nanoTime()} and {@link System#currentTimeMillis()}.
 *
 * <p>This class is thread-safe.
 */
public enum SystemClock implements Clock {
  /** The single instance. */
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }
}
