package io.tailguard.benchmarks.hedge.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A sorted list of disjoint time intervals {@code [start, end)}, in nanoseconds since the run's
 * origin: the slow episodes of a replica, or the pauses of a backend. Computed in advance from a
 * seed, so that the process does not depend on what the policies do.
 *
 * <p>Immutable and thread-safe.
 */
final class Intervals {

  private final long[] starts;
  private final long[] ends;

  private Intervals(long[] starts, long[] ends) {
    this.starts = starts;
    this.ends = ends;
  }

  /**
   * Returns an on/off process: exponential gaps, then exponential episodes, up to {@code horizon}.
   *
   * @param r the generator
   * @param meanGapNanos the mean time between episodes
   * @param meanLengthNanos the mean length of an episode
   * @param horizon the end of the process
   * @return the episodes
   */
  static Intervals onOff(
      SplittableRandom r, double meanGapNanos, double meanLengthNanos, long horizon) {
    long[] s = new long[16];
    long[] e = new long[16];
    int n = 0;
    long t = 0;
    while (true) {
      t += (long) Draws.exponential(r, meanGapNanos);
      long length = Math.max(1, (long) Draws.exponential(r, meanLengthNanos));
      if (t >= horizon) {
        break;
      }
      if (n == s.length) {
        s = Arrays.copyOf(s, 2 * n);
        e = Arrays.copyOf(e, 2 * n);
      }
      s[n] = t;
      e[n] = t + length;
      n++;
      t += length;
    }
    return new Intervals(Arrays.copyOf(s, n), Arrays.copyOf(e, n));
  }

  /**
   * Returns intervals of a fixed length, one per period, each starting in the middle of its period
   * plus a uniform jitter in {@code [-maxJitter, maxJitter)}, up to {@code horizon}.
   *
   * @param r the generator of the jitter
   * @param periodNanos the period
   * @param lengthNanos the length of each interval
   * @param maxJitterNanos the largest jitter; with the length, less than half the period
   * @param horizon the end of the process
   * @return the intervals
   */
  static Intervals periodic(
      SplittableRandom r, long periodNanos, long lengthNanos, long maxJitterNanos, long horizon) {
    int n = (int) (horizon / periodNanos);
    long[] s = new long[n];
    long[] e = new long[n];
    for (int i = 0; i < n; i++) {
      long jitter = (long) ((2 * r.nextDouble() - 1) * maxJitterNanos);
      s[i] = i * periodNanos + periodNanos / 2 + jitter;
      e[i] = s[i] + lengthNanos;
    }
    return new Intervals(s, e);
  }

  /**
   * Returns whether {@code t} lies in an interval.
   *
   * @param t the time
   * @return {@code true} if inside one
   */
  boolean contains(long t) {
    int i = firstEndingAfter(t);
    return i < starts.length && starts[i] <= t;
  }

  /**
   * Returns when work that needs {@code workNanos} of progress, started at {@code start}, is done
   * if it makes no progress inside an interval (a pause freezes everything in flight): {@code start
   * + work} plus the part of every interval it runs into.
   *
   * @param start when the work starts
   * @param workNanos how much progress it needs
   * @return when it completes
   */
  long completion(long start, long workNanos) {
    long t = start;
    long remaining = workNanos;
    for (int i = firstEndingAfter(start); i < starts.length; i++) {
      if (starts[i] > t) {
        long progress = Math.min(remaining, starts[i] - t);
        t += progress;
        remaining -= progress;
        if (remaining == 0) {
          return t;
        }
      }
      t = Math.max(t, ends[i]);
    }
    return t + remaining;
  }

  /**
   * Returns the number of intervals that start before {@code until}.
   *
   * @param until the end of the span counted
   * @return the count
   */
  int countBefore(long until) {
    int n = 0;
    while (n < starts.length && starts[n] < until) {
      n++;
    }
    return n;
  }

  /**
   * Returns the total length of the intervals that start before {@code until}.
   *
   * @param until the end of the span counted
   * @return the total, in nanoseconds
   */
  long totalBefore(long until) {
    long sum = 0;
    for (int i = 0; i < starts.length && starts[i] < until; i++) {
      sum += ends[i] - starts[i];
    }
    return sum;
  }

  // The index of the first interval whose end is after t, or the count if none.
  private int firstEndingAfter(long t) {
    int lo = 0;
    int hi = ends.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
