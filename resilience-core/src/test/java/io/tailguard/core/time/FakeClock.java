package io.tailguard.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that only moves when a test tells it to.
 *
 * <p>The monotonic and the wall clock move together. The monotonic clock starts at an arbitrary
 * non-zero value so that code which wrongly treats {@link #nanoTime()} as an absolute time shows up
 * in tests; {@link #startingAt(long)} picks another start, for example one close to {@link
 * Long#MAX_VALUE} to prove that code only ever compares differences.
 *
 * <p>Shipped in the {@code resilience-core} test-jar for the other modules' tests.
 *
 * <p>This class is thread-safe: readers see every advance made before it, in order.
 */
public final class FakeClock implements Clock {

  /** The wall time every fake clock starts at: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_WALL_START = Instant.parse("2026-01-01T00:00:00Z");

  private static final long DEFAULT_NANO_START = 7_000_000_000L;

  // Both written only through advance(); read by any thread.
  private final AtomicLong nanos;
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
    nanos.addAndGet(delta);
    return this;
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
