package io.tailguard.core.hedge;

import io.tailguard.core.internal.Durations;
import java.io.DataInput;
import java.io.DataOutput;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The same delay before every hedge: {@code delay}, capped by {@code maxDelay}. Always warm.
 *
 * <p>This class is thread-safe.
 */
final class FixedDelay implements HedgeDelayStrategy {

  // Replaced whole by reconfigure().
  private volatile long delayNanos;

  /**
   * Creates the strategy.
   *
   * @param config the settings
   */
  public FixedDelay(DelayConfig config) {
    this.delayNanos = nanos(config);
  }

  private static long nanos(DelayConfig c) {
    return Math.min(c.delay().toNanos(), c.maxDelay().toNanos());
  }

  @Override
  public long delayNanos(int hedge) {
    return delayNanos;
  }

  @Override
  public void recordLatency(long latencyNanos) {}

  @Override
  public boolean isWarm() {
    return true;
  }

  @Override
  public HedgeDelayType type() {
    return HedgeDelayType.FIXED;
  }

  @Override
  public void reconfigure(DelayConfig config, BudgetConfig budget) {
    delayNanos = nanos(config);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "FIXED");
    d.put("warm", true);
    d.put("delay", Durations.format(Duration.ofNanos(delayNanos)));
    return d;
  }

  @Override
  public void writeState(DataOutput out) {}

  @Override
  public void readState(DataInput in) {}
}
