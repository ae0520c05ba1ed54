package io.tailguard.core.internal;

import io.tailguard.core.time.Clock;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events of a few kinds over the last {@code seconds} seconds, in a ring of one-second
 * buckets: the retry budget counts calls and retries in it, the hedge budget primaries and the
 * attempts after failures.
 *
 * <p>A bucket is claimed for a new second under its own monitor (the reset of its counters and the
 * write of its epoch happen together); counting and summing take no lock. {@code epoch} is
 * volatile: a reader that sees an epoch sees the reset that preceded it. Counts are approximate at
 * second boundaries (an increment racing with a reset may land in either second); the error does
 * not grow with time. The window covers the current, partial second and the {@code seconds - 1}
 * whole seconds before it, as {@link #sum(int)} counts; {@link #slidingSum(int, int)} estimates a
 * span of fewer seconds that does not shrink at each boundary.
 *
 * <p>Not part of the public API. This class is thread-safe and lock-free except for one brief lock
 * per bucket per second.
 */
public final class SecondWindow {

  private static final long BUCKET_NANOS = 1_000_000_000L;

  private final Clock clock;
  // Time is measured from here, so that any origin of nanoTime() works.
  private final long originNanos;
  private final Bucket[] buckets;

  /**
   * Creates an empty window.
   *
   * @param clock the clock
   * @param seconds the window's length, at least 1
   * @param kinds how many kinds of event each bucket counts, at least 1
   */
  public SecondWindow(Clock clock, int seconds, int kinds) {
    if (seconds < 1 || kinds < 1) {
      throw new IllegalArgumentException(
          "seconds and kinds must be at least 1, were " + seconds + " and " + kinds);
    }
    this.clock = clock;
    this.originNanos = clock.nanoTime();
    this.buckets = new Bucket[seconds];
    for (int i = 0; i < seconds; i++) {
      buckets[i] = new Bucket(kinds);
    }
  }

  /**
   * Counts one event of a kind in the current second.
   *
   * @param kind the kind, from 0
   */
  public void increment(int kind) {
    current(epoch()).counts.incrementAndGet(kind);
  }

  /**
   * Returns the events of each kind in the window.
   *
   * @return one sum per kind
   */
  public long[] sums() {
    long e = epoch();
    long[] sums = new long[buckets[0].counts.length()];
    for (Bucket b : buckets) {
      long age = e - b.epoch;
      if (age >= 0 && age < buckets.length) {
        for (int k = 0; k < sums.length; k++) {
          sums[k] += b.counts.get(k);
        }
      }
    }
    return sums;
  }

  /**
   * Returns the events of one kind in the window.
   *
   * @param kind the kind
   * @return the sum
   */
  public long sum(int kind) {
    long e = epoch();
    long sum = 0;
    for (Bucket b : buckets) {
      long age = e - b.epoch;
      if (age >= 0 && age < buckets.length) {
        sum += b.counts.get(kind);
      }
    }
    return sum;
  }

  /**
   * Returns the events of one kind over the last {@code seconds} seconds, estimated: the current,
   * partial second and the whole seconds before it, plus the part of the oldest second that the
   * span still covers, counted pro rata (exact where events were spread evenly over that second).
   * Unlike {@link #sum(int)}, whose span shrinks by a second at each second boundary, this moves
   * smoothly: a rate or a capacity derived from it does not drop every second.
   *
   * @param kind the kind
   * @param seconds the span, at least 1 and less than the window's length
   * @return the estimate
   */
  public double slidingSum(int kind, int seconds) {
    Validate.inRange("seconds", seconds, 1, buckets.length - 1);
    long elapsed = clock.nanoTime() - originNanos;
    long e = Math.floorDiv(elapsed, BUCKET_NANOS);
    double oldestShare = 1 - (double) Math.floorMod(elapsed, BUCKET_NANOS) / BUCKET_NANOS;
    double sum = 0;
    for (int age = 0; age <= seconds; age++) {
      Bucket b = buckets[(int) Math.floorMod(e - age, (long) buckets.length)];
      if (b.epoch == e - age) {
        sum += age < seconds ? b.counts.get(kind) : b.counts.get(kind) * oldestShare;
      }
    }
    return sum;
  }

  /**
   * Returns the current second, counted from the window's creation.
   *
   * @return the second
   */
  public long epoch() {
    return Math.floorDiv(clock.nanoTime() - originNanos, BUCKET_NANOS);
  }

  private Bucket current(long e) {
    Bucket b = buckets[(int) Math.floorMod(e, (long) buckets.length)];
    if (b.epoch < e) {
      synchronized (b) {
        if (b.epoch < e) {
          for (int k = 0; k < b.counts.length(); k++) {
            b.counts.set(k, 0);
          }
          b.epoch = e;
        }
      }
    }
    return b;
  }

  /** One second of the window. */
  private static final class Bucket {
    // The second this bucket counts; written under the bucket's monitor after the reset.
    volatile long epoch = Long.MIN_VALUE;
    final AtomicLongArray counts;

    Bucket(int kinds) {
      counts = new AtomicLongArray(kinds);
    }
  }
}
