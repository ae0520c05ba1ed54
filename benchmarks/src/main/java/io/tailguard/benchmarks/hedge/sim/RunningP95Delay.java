package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeDelayStrategy;
import io.tailguard.core.hedge.HedgeDelayType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The baseline "running-p95": the hedge delay is the 95th percentile of the last 2,000 call
 * latencies, recomputed every 100 calls, and 100 ms until 100 calls have been seen. It learns from
 * whole calls (fed by {@link HedgedPolicy}), not from the attempt latencies the hedger offers, and
 * keeps no state across restarts.
 *
 * <p>Thread-safe: recording is synchronized, the delay is a volatile read.
 */
final class RunningP95Delay implements HedgeDelayStrategy {

  private static final int WINDOW = 2_000;
  private static final int RECOMPUTE_EVERY = 100;
  private static final int WARM_SAMPLES = 100;
  private static final long COLD_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  // Guarded by this.
  private final long[] ring = new long[WINDOW];
  private int size;
  private int next;
  private int sinceRecompute;

  private volatile long delayNanos = COLD_DELAY_NANOS;

  /**
   * Records the latency of a call that ended, successful or not.
   *
   * @param nanos the call's latency
   */
  synchronized void recordCall(long nanos) {
    ring[next] = nanos;
    next = (next + 1) % WINDOW;
    size = Math.min(size + 1, WINDOW);
    if (++sinceRecompute >= RECOMPUTE_EVERY && size >= WARM_SAMPLES) {
      sinceRecompute = 0;
      long[] sorted = Arrays.copyOf(ring, size);
      Arrays.sort(sorted);
      delayNanos = sorted[(int) Math.ceil(0.95 * size) - 1];
    }
  }

  @Override
  public long delayNanos(int hedge) {
    return delayNanos;
  }

  @Override
  public void recordLatency(long latencyNanos) {
    // Attempt latencies are ignored: this baseline learns from call latencies only.
  }

  @Override
  public synchronized boolean isWarm() {
    return size >= WARM_SAMPLES;
  }

  @Override
  public HedgeDelayType type() {
    return HedgeDelayType.PERCENTILE;
  }

  @Override
  public void reconfigure(DelayConfig config, BudgetConfig budget) {
    // Nothing to configure: the window and percentile are fixed.
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "running-p95");
    d.put("delayMillis", delayNanos / 1e6);
    d.put("warm", isWarm());
    return d;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    throw new IOException("running-p95 keeps no state across restarts");
  }

  @Override
  public void readState(DataInput in) throws IOException {
    throw new IOException("running-p95 keeps no state across restarts");
  }
}
