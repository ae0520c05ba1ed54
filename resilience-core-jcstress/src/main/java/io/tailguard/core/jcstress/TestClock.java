package io.tailguard.core.jcstress;

import io.tailguard.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when a test moves it, for jcstress actors. Unlike the core
 * test-jar's {@code FakeClock} it has no scheduler, so advancing it is one atomic add and an actor
 * that moves it races with the others on nothing but the clock value itself.
 *
 * <p>This class is thread-safe: every read sees the latest advance (the value is an {@link
 * AtomicLong}, read and written with volatile semantics).
 */
final class TestClock implements Clock {

  /** An arbitrary non-zero start, so code that treats nanoTime as absolute shows up. */
  static final long START_NANOS = 5_000_000_000L;

  // The monotonic time; every thread may advance it (getAndAdd) and read it (get).
  private final AtomicLong nanos = new AtomicLong(START_NANOS);

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return 1_767_225_600_000L + (nanos.get() - START_NANOS) / 1_000_000L;
  }

  /** Moves the clock forward by {@code delta} nanoseconds. */
  void advanceNanos(long delta) {
    nanos.addAndGet(delta);
  }

  /** Moves the clock forward by {@code millis} milliseconds. */
  void advanceMillis(long millis) {
    advanceNanos(millis * 1_000_000L);
  }
}
