package io.tailguard.core.hedge.delay;

import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.internal.Durations;
import io.tailguard.core.time.Clock;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Waits for a percentile of recent attempt latencies: {@code percentile} of the latencies recorded
 * in the last {@code window}, clamped to [{@code minDelay}, {@code maxDelay}], and {@code
 * warmupDelay} until the window holds {@code warmupSamples} latencies.
 *
 * <p>Latencies go into an HdrHistogram {@link Recorder} (wait-free for the recording callers,
 * microsecond resolution, two significant digits, up to one day). Every {@code recomputeInterval}
 * one caller takes the interval histogram, appends it to the window, drops the intervals older than
 * {@code window}, and recomputes the delay from their sum; the others keep reading the previous
 * delay meanwhile, so no caller ever waits for another.
 *
 * <p>This class is thread-safe. Recording is wait-free; reading the delay is a volatile read plus,
 * once per interval, a try-lock that never blocks.
 */
public final class PercentileDelay implements HedgeDelayStrategy {

  /**
   * The longest latency recorded, in microseconds (one day, the longest timeout); longer ones are
   * recorded as this.
   */
  public static final long HIGHEST_MICROS = 86_400_000_000L;

  private static final int DIGITS = 2;

  private final Clock clock;
  private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, DIGITS);

  // The window: interval histograms with their end times, oldest first, and their sum.
  // Guarded by `lock`; only the thread holding it touches them.
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Interval> intervals = new ArrayDeque<>();
  private final Histogram merged = new Histogram(1, HIGHEST_MICROS, DIGITS);
  private Histogram recycle;

  // Published results of the last recomputation; written under `lock`, read by any caller.
  private volatile DelayConfig config;
  private volatile long delayNanos;
  private volatile boolean warm;
  private volatile long windowCount;
  private volatile long nextRecomputeNanos;

  /**
   * Creates the strategy, cold.
   *
   * @param config the settings
   * @param clock the clock that windows the histogram
   */
  public PercentileDelay(DelayConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.delayNanos = config.warmupDelay().toNanos();
    this.nextRecomputeNanos = clock.nanoTime() + config.recomputeInterval().toNanos();
  }

  @Override
  public long delayNanos(int hedge) {
    maybeRecompute(false);
    return warm ? delayNanos : config.warmupDelay().toNanos();
  }

  @Override
  public void recordLatency(long latencyNanos) {
    long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000));
    recorder.recordValue(micros);
  }

  @Override
  public boolean isWarm() {
    maybeRecompute(false);
    return warm;
  }

  /**
   * Returns how many latencies the current window holds (as of the last recomputation).
   *
   * @return the sample count
   */
  public long windowCount() {
    return windowCount;
  }

  /**
   * Recomputes now if an interval has passed, blocking until the lock is free; for reports and
   * tests.
   */
  public void refresh() {
    maybeRecompute(true);
  }

  private void maybeRecompute(boolean wait) {
    long now = clock.nanoTime();
    if (now - nextRecomputeNanos < 0) {
      return;
    }
    if (wait) {
      lock.lock();
    } else if (!lock.tryLock()) {
      return;
    }
    try {
      if (now - nextRecomputeNanos >= 0) {
        recompute(now);
      }
    } finally {
      lock.unlock();
    }
  }

  // Holds `lock`.
  private void recompute(long now) {
    DelayConfig c = config;
    Histogram interval = recorder.getIntervalHistogram(recycle);
    recycle = null;
    intervals.addLast(new Interval(now, interval));
    long oldest = now - c.window().toNanos();
    while (!intervals.isEmpty() && intervals.peekFirst().endNanos - oldest <= 0) {
      recycle = intervals.removeFirst().histogram; // recycled by the next interval
    }
    merged.reset();
    for (Iterator<Interval> it = intervals.iterator(); it.hasNext(); ) {
      merged.add(it.next().histogram);
    }
    publish(c);
    nextRecomputeNanos = now + c.recomputeInterval().toNanos();
  }

  // Holds `lock`.
  private void publish(DelayConfig c) {
    long count = merged.getTotalCount();
    windowCount = count;
    if (count > 0) {
      long micros = merged.getValueAtPercentile(c.percentile());
      long nanos = micros * 1000;
      delayNanos = Math.max(c.minDelay().toNanos(), Math.min(c.maxDelay().toNanos(), nanos));
    }
    warm = count > 0 && count >= c.warmupSamples();
  }

  @Override
  public HedgeDelayType type() {
    return HedgeDelayType.PERCENTILE;
  }

  @Override
  public void reconfigure(DelayConfig config, BudgetConfig budget) {
    lock.lock();
    try {
      this.config = config;
      publish(config);
      nextRecomputeNanos =
          Math.min(nextRecomputeNanos, clock.nanoTime() + config.recomputeInterval().toNanos());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<String, Object> describe() {
    maybeRecompute(false);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "PERCENTILE");
    d.put("warm", warm);
    d.put("delay", Durations.format(Duration.ofNanos(delayNanos(1))));
    d.put("percentile", config.percentile());
    d.put("windowSamples", windowCount);
    return d;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    lock.lock();
    try {
      recompute(clock.nanoTime());
      ByteBuffer buffer = ByteBuffer.allocate(merged.getNeededByteBufferCapacity());
      int length = merged.encodeIntoCompressedByteBuffer(buffer);
      out.writeInt(length);
      out.write(buffer.array(), 0, length);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void readState(DataInput in) throws IOException {
    int length = in.readInt();
    if (length <= 0 || length > 16 * 1024 * 1024) {
      throw new IOException("histogram length out of range: " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    Histogram restored;
    try {
      restored = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), HIGHEST_MICROS);
    } catch (DataFormatException | RuntimeException e) {
      throw new IOException("not a valid latency histogram", e);
    }
    if (restored.getTotalCount() < 0 || restored.getMaxValue() > HIGHEST_MICROS) {
      throw new IOException("latency histogram out of range");
    }
    Histogram copy = new Histogram(1, HIGHEST_MICROS, DIGITS);
    copy.add(restored);
    lock.lock();
    try {
      intervals.clear();
      long now = clock.nanoTime();
      intervals.addLast(new Interval(now, copy));
      merged.reset();
      merged.add(copy);
      publish(config);
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
