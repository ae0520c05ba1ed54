package io.tailguard.core.breaker.window;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A ring of time buckets that counts call outcomes over the last {@code size * bucketNanos}
 * nanoseconds, lock-free.
 *
 * <p>Time is cut into epochs of {@code bucketNanos} counted from the window's origin; epoch {@code
 * e} lives in slot {@code e % size}. A call ending at time {@code t} is added to the bucket of
 * epoch {@code floorDiv(t - origin, bucketNanos)}. A snapshot taken at time {@code now} sums the
 * buckets whose epoch lies in {@code (nowEpoch - size, nowEpoch]}: the current, partial bucket and
 * the {@code size - 1} before it.
 *
 * <p>This class is thread-safe and lock-free.
 */
public final class RollingWindow {

  /*
   * Concurrency.
   *
   * Each slot of `ring` holds an immutable-identity Bucket whose counters are LongAdders (striped
   * cells, so two recording threads do not share a cache line once they have collided once). A
   * bucket is never reset in place: the first thread that finds a slot holding an older epoch
   * installs a fresh bucket with compareAndSet. A thread that loses that race re-reads the slot and
   * adds to the winner's bucket, so no increment for the current epoch is ever lost. An increment
   * that lands in a bucket after it was replaced belongs to an epoch at least `size` buckets old,
   * which has left the window anyway.
   *
   * `current` is a hint to the newest bucket so the common case needs no division: a recorder
   * reads it (acquire) and uses it if the time falls inside it. It only moves forward (CAS loop
   * on epoch), and the thread whose CAS moves it past a bucket reports that bucket as completed,
   * so each bucket is reported at most once.
   *
   * `consecutiveFailures` is written by every recorder: a failure increments it, a success sets it
   * to zero only if it is not zero already, so in a healthy steady state the line is only read.
   */

  private static final VarHandle CURRENT;

  static {
    try {
      CURRENT = MethodHandles.lookup().findVarHandle(RollingWindow.class, "current", Bucket.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Receives each bucket once, when a newer bucket has superseded it. */
  @FunctionalInterface
  public interface CompletedBucketListener {
    /**
     * Called once per bucket, on the recording thread that moved past it.
     *
     * @param calls calls in the completed bucket
     * @param failures failures in it
     */
    void onCompleted(long calls, long failures);
  }

  private final long originNanos;
  private final long bucketNanos;
  private final int size;
  private final long generation;
  private final AtomicReferenceArray<Bucket> ring;
  private final CompletedBucketListener listener;

  // The newest bucket; moves forward only, by CAS. Read with acquire semantics (volatile).
  private volatile Bucket current;

  // Failures in a row; see the class comment for its write protocol.
  private final AtomicLong consecutiveFailures = new AtomicLong();

  /**
   * Creates an empty window.
   *
   * @param originNanos the clock time at which epoch 0 begins
   * @param bucketNanos the duration of one bucket, positive
   * @param size the number of buckets, positive
   * @param generation an owner-defined tag, for example the breaker generation it belongs to
   * @param listener told about each completed bucket; may be {@code null}
   */
  public RollingWindow(
      long originNanos,
      long bucketNanos,
      int size,
      long generation,
      CompletedBucketListener listener) {
    if (bucketNanos <= 0 || size <= 0) {
      throw new IllegalArgumentException(
          "bucketNanos and size must be positive, was " + bucketNanos + " and " + size);
    }
    this.originNanos = originNanos;
    this.bucketNanos = bucketNanos;
    this.size = size;
    this.generation = generation;
    this.listener = listener;
    this.ring = new AtomicReferenceArray<>(size);
    Bucket first = new Bucket(0, originNanos);
    ring.set(0, first);
    this.current = first;
  }

  /**
   * Returns the tag given at creation.
   *
   * @return the generation
   */
  public long generation() {
    return generation;
  }

  /**
   * Returns the duration of one bucket.
   *
   * @return the bucket width in nanoseconds
   */
  public long bucketNanos() {
    return bucketNanos;
  }

  /**
   * Returns the number of buckets.
   *
   * @return the size
   */
  public int size() {
    return size;
  }

  /**
   * Returns the clock time at which this window began.
   *
   * @return the origin in nanoseconds
   */
  public long originNanos() {
    return originNanos;
  }

  /**
   * Counts one call.
   *
   * @param endNanos the clock time at which the call ended
   * @param latencyNanos how long it took
   * @param failure whether it failed
   * @param slow whether it was slow
   */
  public void record(long endNanos, long latencyNanos, boolean failure, boolean slow) {
    Bucket b = current;
    long offset = endNanos - b.startNanos;
    if (offset < 0 || offset >= bucketNanos) {
      b = bucketAt(endNanos);
      if (b == null) {
        return; // ended before the window's oldest live bucket: already expired
      }
    }
    b.calls.increment();
    if (failure) {
      b.failures.increment();
    }
    if (slow) {
      b.slow.increment();
    }
    b.latencyNanos.add(latencyNanos);
    double millis = latencyNanos / 1e6;
    b.latencySquaredMillis.add(millis * millis);
  }

  /**
   * Records a failure in the run of consecutive failures.
   *
   * @return the length of the run including this failure
   */
  public long incrementConsecutiveFailures() {
    return consecutiveFailures.incrementAndGet();
  }

  /** Ends the run of consecutive failures, writing only if there is a run to end. */
  public void clearConsecutiveFailures() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
  }

  /**
   * Returns the current run of consecutive failures.
   *
   * @return failures in a row
   */
  public long consecutiveFailures() {
    return consecutiveFailures.get();
  }

  private Bucket bucketAt(long nanos) {
    long epoch = Math.max(0, Math.floorDiv(nanos - originNanos, bucketNanos));
    int slot = (int) (epoch % size);
    for (; ; ) {
      Bucket b = ring.get(slot);
      if (b != null && b.epoch == epoch) {
        advanceCurrent(b);
        return b;
      }
      if (b != null && b.epoch > epoch) {
        return null;
      }
      Bucket fresh = new Bucket(epoch, originNanos + epoch * bucketNanos);
      if (ring.compareAndSet(slot, b, fresh)) {
        advanceCurrent(fresh);
        return fresh;
      }
    }
  }

  private void advanceCurrent(Bucket b) {
    for (; ; ) {
      Bucket cur = current;
      if (cur.epoch >= b.epoch) {
        return;
      }
      if (CURRENT.compareAndSet(this, cur, b)) {
        if (listener != null) {
          listener.onCompleted(cur.calls.sum(), cur.failures.sum());
        }
        return;
      }
    }
  }

  /**
   * Sums the live buckets.
   *
   * @param nowNanos the clock time of the snapshot
   * @param decay per-bucket weight factor in (0, 1]: 1 weighs every bucket the same, smaller values
   *     weigh a bucket {@code k} buckets old by {@code decay^k}
   * @return the snapshot
   */
  public WindowSnapshot snapshot(long nowNanos, double decay) {
    long nowEpoch = Math.max(0, Math.floorDiv(nowNanos - originNanos, bucketNanos));
    long calls = 0;
    long failures = 0;
    long slow = 0;
    long latencySum = 0;
    double squaresMillis = 0;
    double weightedCalls = 0;
    double weightedFailures = 0;
    double weightedSlow = 0;
    for (int i = 0; i < size; i++) {
      Bucket b = ring.get(i);
      if (b == null) {
        continue;
      }
      long age = nowEpoch - b.epoch;
      if (age < 0 || age >= size) {
        continue;
      }
      long c = b.calls.sum();
      long f = b.failures.sum();
      long s = b.slow.sum();
      calls += c;
      failures += f;
      slow += s;
      latencySum += b.latencyNanos.sum();
      squaresMillis += b.latencySquaredMillis.sum();
      double w = decay == 1.0 ? 1.0 : Math.pow(decay, age);
      weightedCalls += w * c;
      weightedFailures += w * f;
      weightedSlow += w * s;
    }
    if (calls == 0) {
      return WindowSnapshot.EMPTY;
    }
    double mean = (double) latencySum / calls;
    double meanMillis = mean / 1e6;
    double varianceMillis = Math.max(0, squaresMillis / calls - meanMillis * meanMillis);
    double stdDev = calls < 2 ? 0 : Math.sqrt(varianceMillis) * 1e6;
    return new WindowSnapshot(
        calls,
        failures,
        slow,
        weightedCalls == 0 ? 0 : Math.min(1, weightedFailures / weightedCalls),
        weightedCalls == 0 ? 0 : Math.min(1, weightedSlow / weightedCalls),
        mean,
        stdDev);
  }

  /** One epoch's counters. Identity matters: a slot is replaced, never reset. */
  private static final class Bucket {
    final long epoch;
    final long startNanos;
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder slow = new LongAdder();
    final LongAdder latencyNanos = new LongAdder();
    final DoubleAdder latencySquaredMillis = new DoubleAdder();

    Bucket(long epoch, long startNanos) {
      this.epoch = epoch;
      this.startNanos = startNanos;
    }
  }
}
