package io.tailguard.core.internal.window;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A ring of time buckets that counts call outcomes over the last {@code size * bucketNanos}
 * nanoseconds, lock-free for readers and with one compare-and-set per record.
 *
 * <p>Time is cut into epochs of {@code bucketNanos} counted from the window's origin; epoch {@code
 * e} lives in slot {@code e % size}. A call ending at time {@code t} is added to the bucket of
 * epoch {@code floorDiv(t - origin, bucketNanos)}. A snapshot taken at time {@code now} sums the
 * buckets whose epoch lies in {@code (nowEpoch - size, nowEpoch]}: the current, partial bucket and
 * the {@code size - 1} before it.
 *
 * <p>The counts live in {@link OutcomeCells}, striped per recording thread; a breaker passes the
 * same cells to each of its windows so that its lifetime totals outlive them.
 *
 * <p>This class is thread-safe.
 */
public final class RollingWindow {

  /*
   * Concurrency.
   *
   * The buckets are in `cells`; see OutcomeCells for their protocol. A bucket is reset in place, by
   * the recorder that first records an epoch newer than the one its slot holds, under the lock of
   * its cell, so no increment for the current epoch is ever lost and an increment of an epoch that
   * has left the window is dropped.
   *
   * `newestEpoch` is the newest epoch any record has started. It only moves forward (CAS loop), and
   * the thread whose CAS moves it past an epoch reports that epoch's bucket as completed, so each
   * bucket is reported at most once.
   *
   * `consecutiveFailures` is written by every recorder: a failure increments it, a success sets it
   * to zero only if it is not zero already, so in a healthy steady state the line is only read.
   */

  /** The most buckets a window may have. */
  public static final int MAX_SIZE = 1_000_000;

  private static final VarHandle NEWEST_EPOCH;
  private static final VarHandle CONSECUTIVE_FAILURES;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      NEWEST_EPOCH = lookup.findVarHandle(RollingWindow.class, "newestEpoch", long.class);
      CONSECUTIVE_FAILURES =
          lookup.findVarHandle(RollingWindow.class, "consecutiveFailures", long.class);
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
  private final OutcomeCells cells;
  // Numbers this window among those sharing its cells, in creation order.
  private final long serial;
  private final CompletedBucketListener listener;

  // The newest epoch a record started; moves forward only, by CAS. See the concurrency comment.
  @SuppressWarnings("unused") // accessed through NEWEST_EPOCH
  private volatile long newestEpoch;

  // Failures in a row; see the class comment for its write protocol.
  // Accessed through CONSECUTIVE_FAILURES; a field of its own object would cost a dependent load.
  @SuppressWarnings("unused")
  private volatile long consecutiveFailures;

  /**
   * Creates an empty window with cells of its own.
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
    this(originNanos, bucketNanos, size, generation, listener, new OutcomeCells());
  }

  /**
   * Creates an empty window that counts in {@code cells}, which its owner shares between its
   * windows. A window created later takes over the cells from the ones before it; records of an
   * earlier window then count in the cells' lifetime totals only.
   *
   * @param originNanos the clock time at which epoch 0 begins
   * @param bucketNanos the duration of one bucket, positive
   * @param size the number of buckets, positive
   * @param generation an owner-defined tag, for example the breaker generation it belongs to
   * @param listener told about each completed bucket; may be {@code null}
   * @param cells where the counts live
   */
  public RollingWindow(
      long originNanos,
      long bucketNanos,
      int size,
      long generation,
      CompletedBucketListener listener,
      OutcomeCells cells) {
    if (bucketNanos <= 0 || size <= 0) {
      throw new IllegalArgumentException(
          "bucketNanos and size must be positive, was " + bucketNanos + " and " + size);
    }
    if (size > MAX_SIZE) {
      throw new IllegalArgumentException("size must be at most " + MAX_SIZE + ", was " + size);
    }
    if (cells == null) {
      throw new IllegalArgumentException("cells must not be null");
    }
    this.originNanos = originNanos;
    this.bucketNanos = bucketNanos;
    this.size = size;
    this.generation = generation;
    this.listener = listener;
    this.cells = cells;
    this.serial = cells.nextSerial(size);
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
   * Counts one call, in this window and in the lifetime totals of its cells.
   *
   * @param endNanos the clock time at which the call ended
   * @param latencyNanos how long it took
   * @param failure whether it failed
   * @param slow whether it was slow
   */
  public void record(long endNanos, long latencyNanos, boolean failure, boolean slow) {
    cells.record(this, endNanos, latencyNanos, failure, slow);
  }

  long serial() {
    return serial;
  }

  /** A record started the bucket of {@code epoch}; reports the newest bucket before it, once. */
  void epochStarted(long epoch) {
    if (listener == null) {
      return;
    }
    for (; ; ) {
      long newest = (long) NEWEST_EPOCH.getVolatile(this);
      if (newest >= epoch) {
        return;
      }
      if (NEWEST_EPOCH.compareAndSet(this, newest, epoch)) {
        long[] completed = cells.bucket(this, newest);
        listener.onCompleted(completed[0], completed[1]);
        return;
      }
    }
  }

  /**
   * Records a failure in the run of consecutive failures.
   *
   * @return the length of the run including this failure
   */
  public long incrementConsecutiveFailures() {
    return (long) CONSECUTIVE_FAILURES.getAndAdd(this, 1L) + 1;
  }

  /** Ends the run of consecutive failures, writing only if there is a run to end. */
  public void clearConsecutiveFailures() {
    if ((long) CONSECUTIVE_FAILURES.getVolatile(this) != 0) {
      CONSECUTIVE_FAILURES.setVolatile(this, 0L);
    }
  }

  /**
   * Returns the current run of consecutive failures.
   *
   * @return failures in a row
   */
  public long consecutiveFailures() {
    return (long) CONSECUTIVE_FAILURES.getVolatile(this);
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
    long[] byAge = new long[size * 4];
    double[] squaresByAge = new double[size];
    cells.collect(this, nowEpoch, byAge, squaresByAge);
    long calls = 0;
    long failures = 0;
    long slow = 0;
    long latencySum = 0;
    double squaresMillis = 0;
    double weightedCalls = 0;
    double weightedFailures = 0;
    double weightedSlow = 0;
    for (int age = 0; age < size; age++) {
      long c = byAge[age * 4];
      if (c == 0) {
        continue;
      }
      long f = byAge[age * 4 + 1];
      long s = byAge[age * 4 + 2];
      calls += c;
      failures += f;
      slow += s;
      latencySum += byAge[age * 4 + 3];
      squaresMillis += squaresByAge[age];
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
}
