package io.tailguard.core.telemetry;

import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies of the recent past, for percentiles: an HdrHistogram {@link Recorder} that any thread
 * records into without waiting, read as a sliding window of the last {@code window}, cut into
 * intervals of {@code interval}.
 *
 * <p>Latencies are kept in microseconds with two significant digits (1% precision) from 1 us to one
 * day; longer ones are recorded as one day. Percentiles always come from the histogram, never from
 * sorting samples.
 *
 * <p>Thread-safety: {@link #record(long)} is wait-free. Reads take the reader lock: when an
 * interval has passed, the reader swaps the recorder's interval histogram into the window, drops
 * intervals older than {@code window} and re-sums the window (HdrHistogram's recorder protocol: one
 * reader at a time, intervals recycled). {@link #refreshIfDue()} never blocks: if another reader
 * holds the lock it returns at once. Samples are placed in the interval during which they were read
 * out, so the window is exact to one interval or to the gap between reads, whichever is longer.
 */
public final class LatencyRecorder {

  /** The longest latency kept, in microseconds: one day. */
  public static final long HIGHEST_MICROS = 86_400_000_000L;

  private static final int DIGITS = 2;

  /** The end of the bucket that holds {@link #HIGHEST_MICROS}: the largest value a window holds. */
  private static final long HIGHEST_EQUIVALENT_MICROS =
      newHistogram().highestEquivalentValue(HIGHEST_MICROS);

  private final Clock clock;
  private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, DIGITS);

  // Reader state, guarded by `lock`.
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Interval> intervals = new ArrayDeque<>();
  private final Histogram window = newHistogram();
  private Histogram recycle;
  // The latest part of the window, summed on demand by recentPercentileNanos; null until then.
  private Histogram recent;
  // When the window was last refreshed or restored.
  private long refreshedNanos;
  private long windowNanos;
  private long intervalNanos;

  // When the next rotation is due; written under `lock`, read by refreshIfDue() without it.
  private volatile long nextRotationNanos;

  /**
   * Creates an empty recorder.
   *
   * @param clock the clock that times the window
   * @param window how far back percentiles look, in [1s, 1d]
   * @param interval the granularity of the window, in [10ms, window], at most 3600 per window
   */
  public LatencyRecorder(Clock clock, Duration window, Duration interval) {
    this.clock = Validate.notNull("clock", clock);
    setWindow(window, interval);
    this.refreshedNanos = clock.nanoTime();
    this.nextRotationNanos = refreshedNanos + intervalNanos;
  }

  private void setWindow(Duration window, Duration interval) {
    Validate.inRange("window", window, Duration.ofSeconds(1), Duration.ofDays(1));
    Validate.inRange("interval", interval, Duration.ofMillis(10), window);
    long slots = window.toNanos() / interval.toNanos();
    if (slots > 3600) {
      throw new IllegalArgumentException("window / interval must be at most 3600, was " + slots);
    }
    this.windowNanos = window.toNanos();
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Changes the window and interval; what was recorded stays and ages out under the new window.
   *
   * @param window the new window
   * @param interval the new interval
   */
  public void reconfigure(Duration window, Duration interval) {
    lock.lock();
    try {
      setWindow(window, interval);
      nextRotationNanos = Math.min(nextRotationNanos, clock.nanoTime() + intervalNanos);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records one latency. Wait-free.
   *
   * @param latencyNanos the latency; negative values count as zero
   */
  public void record(long latencyNanos) {
    recorder.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000)));
  }

  /**
   * Folds the recorder into the window if an interval has passed and no other reader is busy.
   *
   * @return {@code true} if the window was refreshed by this call
   */
  public boolean refreshIfDue() {
    long now = clock.nanoTime();
    if (now - nextRotationNanos < 0 || !lock.tryLock()) {
      return false;
    }
    try {
      if (now - nextRotationNanos < 0) {
        return false;
      }
      rotate(now);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Folds everything recorded so far into the window now, waiting for other readers. */
  public void refresh() {
    lock.lock();
    try {
      rotate(clock.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  // Holds `lock`.
  private void rotate(long now) {
    Histogram interval = recorder.getIntervalHistogram(recycle);
    recycle = null;
    intervals.addLast(new Interval(now, interval));
    long oldest = now - windowNanos;
    while (!intervals.isEmpty() && intervals.peekFirst().endNanos - oldest <= 0) {
      recycle = intervals.removeFirst().histogram;
    }
    sumSince(window, oldest);
    refreshedNanos = now;
    nextRotationNanos = now + intervalNanos;
  }

  // Holds `lock`. Sets `sum` to the intervals that ended after `fromNanos`.
  private void sumSince(Histogram sum, long fromNanos) {
    sum.reset();
    for (Interval i : intervals) {
      if (i.endNanos - fromNanos > 0) {
        sum.add(i.histogram);
      }
    }
  }

  private static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_MICROS, DIGITS);
  }

  /**
   * Returns the number of latencies in the window as of the last refresh.
   *
   * @return the count
   */
  public long count() {
    lock.lock();
    try {
      return window.getTotalCount();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns a percentile of the window as of the last refresh.
   *
   * @param percentile in [0, 100]
   * @return the latency in nanoseconds, 0 when the window is empty
   */
  public long percentileNanos(double percentile) {
    Validate.inClosed("percentile", percentile, 0, 100);
    lock.lock();
    try {
      return window.getTotalCount() == 0 ? 0 : window.getValueAtPercentile(percentile) * 1000;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns a percentile of the latest part of the window as of the last refresh: the intervals
   * that ended within {@code share} of the window before it. A share rather than a span, so that it
   * always lies within the window, whatever a concurrent {@link #reconfigure} sets. It sums those
   * intervals on each call, so it is meant for the reader that refreshes, once per interval.
   *
   * @param share how much of the window, in (0, 1]
   * @param percentile in [0, 100]
   * @param minCount the fewest latencies that part must hold to give a percentile, at least 0
   * @return the latency in nanoseconds, or -1 when that part holds fewer than {@code minCount} (or
   *     none)
   */
  public long recentPercentileNanos(double share, double percentile, long minCount) {
    Validate.inOpenClosed("share", share, 0, 1);
    Validate.inClosed("percentile", percentile, 0, 100);
    if (minCount < 0) {
      throw new IllegalArgumentException("minCount must be at least 0, was " + minCount);
    }
    lock.lock();
    try {
      if (recent == null) {
        recent = newHistogram();
      }
      sumSince(recent, refreshedNanos - (long) (share * windowNanos));
      long count = recent.getTotalCount();
      return count == 0 || count < minCount ? -1 : recent.getValueAtPercentile(percentile) * 1000;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refreshes if due and returns the usual percentiles of the window.
   *
   * @return the snapshot
   */
  public LatencySnapshot snapshot() {
    refreshIfDue();
    lock.lock();
    try {
      long n = window.getTotalCount();
      if (n == 0) {
        return LatencySnapshot.EMPTY;
      }
      return new LatencySnapshot(
          n,
          window.getMean() * 1000,
          window.getValueAtPercentile(50) * 1000,
          window.getValueAtPercentile(90) * 1000,
          window.getValueAtPercentile(95) * 1000,
          window.getValueAtPercentile(99) * 1000,
          window.getValueAtPercentile(99.9) * 1000,
          window.getMaxValue() * 1000);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes the window (after a refresh) in HdrHistogram's compressed encoding.
   *
   * @return the encoded histogram
   */
  public byte[] encodeWindow() {
    lock.lock();
    try {
      rotate(clock.nanoTime());
      ByteBuffer buffer = ByteBuffer.allocate(window.getNeededByteBufferCapacity());
      int length = window.encodeIntoCompressedByteBuffer(buffer);
      byte[] bytes = new byte[length];
      buffer.flip();
      buffer.get(bytes);
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replaces the window with a histogram written by {@link #encodeWindow()}; it ages out like a
   * fresh interval.
   *
   * @param encoded the encoded histogram
   * @throws IllegalArgumentException if it is not a valid latency histogram; nothing changes
   */
  public void restoreWindow(byte[] encoded) {
    Validate.notNull("encoded", encoded);
    Histogram restored;
    try {
      restored = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), HIGHEST_MICROS);
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid latency histogram: " + e, e);
    }
    // A latency near the cap lands in the last bucket, whose end lies above the cap itself.
    if (restored.getTotalCount() < 0 || restored.getMaxValue() > HIGHEST_EQUIVALENT_MICROS) {
      throw new IllegalArgumentException("latency histogram out of range");
    }
    Histogram copy = newHistogram();
    copy.add(restored);
    lock.lock();
    try {
      intervals.clear();
      refreshedNanos = clock.nanoTime();
      intervals.addLast(new Interval(refreshedNanos, copy));
      window.reset();
      window.add(copy);
    } finally {
      lock.unlock();
    }
  }

  private static final class Interval {
    final long endNanos;
    final Histogram histogram;

    Interval(long endNanos, Histogram histogram) {
      this.endNanos = endNanos;
      this.histogram = histogram;
    }
  }
}
