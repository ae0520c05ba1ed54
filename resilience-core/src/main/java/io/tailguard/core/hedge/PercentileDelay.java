package io.tailguard.core.hedge;

import io.tailguard.core.internal.Durations;
import io.tailguard.core.telemetry.LatencyRecorder;
import io.tailguard.core.time.Clock;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Waits for a percentile of recent primary latencies: {@code percentile} of the latencies of the
 * primary attempts that answered (or their elapsed time when a hedge won) in the last {@code
 * window}, clamped to [{@code minDelay}, {@code maxDelay}], and {@code warmupDelay} until the
 * window holds {@code warmupSamples} latencies.
 *
 * <p>Latencies go into a {@link LatencyRecorder} (an HdrHistogram recorder, wait-free for the
 * recording callers). Every {@code recomputeInterval} one caller folds the interval into the window
 * and recomputes the delay; the others keep reading the previous delay meanwhile, so no caller ever
 * waits for another.
 *
 * <p>This class is thread-safe. Recording is wait-free; reading the delay is a volatile read plus,
 * once per interval, a try-lock that never blocks.
 */
final class PercentileDelay implements HedgeDelayStrategy {

  private final LatencyRecorder latencies;

  // Results of the last recomputation, written under `this` by the thread that refreshed.
  private volatile DelayConfig config;
  // The percentile in force: the configured one, or derived from the budget.
  private volatile double percentile;
  private volatile long delayNanos;
  private volatile boolean warm;
  private volatile long windowCount;

  /**
   * Creates the strategy, cold.
   *
   * @param config the settings
   * @param clock the clock that windows the histogram
   */
  public PercentileDelay(DelayConfig config, Clock clock) {
    this(config, BudgetConfig.DEFAULTS, clock);
  }

  /**
   * Creates the strategy, cold.
   *
   * @param config the settings
   * @param budget the budget, from which the percentile is derived unless the settings fix it
   * @param clock the clock that windows the histogram
   */
  public PercentileDelay(DelayConfig config, BudgetConfig budget, Clock clock) {
    this.config = config;
    this.percentile = percentile(config, budget);
    this.latencies = new LatencyRecorder(clock, config.window(), config.recomputeInterval());
    this.delayNanos = config.warmupDelay().toNanos();
  }

  @Override
  public long delayNanos(int hedge) {
    if (latencies.refreshIfDue()) {
      publish();
    }
    return warm ? delayNanos : config.warmupDelay().toNanos();
  }

  @Override
  public void recordLatency(long latencyNanos) {
    // Only primaries are learned from: see recordPrimary.
  }

  /**
   * Learns from the primary attempts only, since the delay decides when a primary has waited long
   * enough: the share of primaries slower than the delay is the share of calls that hedge. A hedge
   * is sent only when its primary is slow, so counting hedges' latencies would learn from a
   * different population. A primary cut short is counted at its elapsed time, a lower bound of its
   * latency; that is exact for every delay below it, and the delay sits below it by construction (a
   * primary is cut short only after a hedge was sent, at the delay).
   */
  @Override
  public void recordPrimary(long elapsedNanos, boolean completed) {
    latencies.record(elapsedNanos);
  }

  @Override
  public boolean isWarm() {
    if (latencies.refreshIfDue()) {
      publish();
    }
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

  private static double percentile(DelayConfig config, BudgetConfig budget) {
    return config.percentile().orElse(100 * (1 - DelayConfig.targetRate(budget)));
  }

  /**
   * Returns the percentile in force: the configured one, or the one derived from the budget.
   *
   * @return the percentile, in (0, 100)
   */
  public double percentile() {
    return percentile;
  }

  private synchronized void publish() {
    DelayConfig c = config;
    long count = latencies.count();
    windowCount = count;
    if (count > 0) {
      long nanos = latencies.percentileNanos(percentile);
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
    this.config = config;
    this.percentile = percentile(config, budget);
    latencies.reconfigure(config.window(), config.recomputeInterval());
    publish();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "PERCENTILE");
    d.put("delay", Durations.format(Duration.ofNanos(delayNanos(1))));
    d.put("warm", warm);
    d.put("percentile", percentile);
    d.put("percentileFrom", config.percentile().isPresent() ? "configuration" : "budget");
    d.put("windowSamples", windowCount);
    return d;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    byte[] window = latencies.encodeWindow();
    out.writeInt(window.length);
    out.write(window);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    int length = in.readInt();
    if (length <= 0 || length > 16 * 1024 * 1024) {
      throw new IOException("histogram length out of range: " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    try {
      latencies.restoreWindow(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    publish();
  }
}
