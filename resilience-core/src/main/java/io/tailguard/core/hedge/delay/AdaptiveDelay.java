package io.tailguard.core.hedge.delay;

import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.internal.Durations;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Learns the delay that minimises tail latency while keeping hedges inside the budget.
 *
 * <h2>Why a quantile</h2>
 *
 * <p>With the first hedge sent at delay {@code d}, a call takes about {@code min(L1, d + L2)} for
 * independent attempt latencies {@code L1, L2}, and a share {@code P(L1 > d)} of calls sends a
 * hedge. Every smaller {@code d} shortens the tail, so the best delay within a hedge rate {@code b}
 * is the smallest {@code d} with {@code P(L1 > d) <= b}: the {@code (1 - b)}-quantile of the
 * primary latency (compare Dean and Barroso, "The Tail at Scale", CACM 56(2), 2013). Hedging any
 * earlier spends the budget on calls that would have finished soon anyway.
 *
 * <h2>How it is tracked</h2>
 *
 * <p>The quantile is tracked online by stochastic approximation (Robbins and Monro, 1951; compare
 * the "frugal" streaming quantiles of Ma, Muthukrishnan and Sandler, 2013), with multiplicative
 * steps so it works at any latency scale. After each call, with {@code eta} = {@code learningRate}:
 *
 * <pre>{@code
 * if the primary outlived d:   d = d * (1 + eta * (1 - b))
 * otherwise:                   d = d * (1 - eta * b)
 * }</pre>
 *
 * <p>The expected change of {@code log d} is about {@code eta * (P(L1 > d) - b)}, which is zero
 * exactly at the {@code (1 - b)}-quantile, so {@code d} settles there and moves to the new quantile
 * when the latency distribution shifts, at a speed set by {@code eta}. A primary cut short
 * (superseded, timed out) before {@code d} carries no information and is skipped; one cut short
 * after {@code d} did outlive it.
 *
 * <p>The target rate is {@code b = min(0.5, 0.8 * maxExtraLoad)} ({@link
 * DelayConfig#targetRate(BudgetConfig)}): headroom under the budget for bursts of slow calls and
 * for hedges that retryable failures send at once. When the budget refuses a hedge, {@code d} grows
 * by {@code (1 + eta)}, so a budget that runs dry pushes the delay up until it stops doing so.
 * {@code d} stays within [{@code max(minDelay, 1us)}, {@code maxDelay}] and starts at {@code
 * warmupDelay}; until {@code warmupSamples} calls have been learned the hedger uses {@code
 * warmupDelay}.
 *
 * <p>This class is thread-safe and lock-free: {@code d} is one atomic value updated by CAS.
 */
public final class AdaptiveDelay implements HedgeDelayStrategy {

  private static final long MIN_NANOS = 1_000;

  // The learned delay in nanoseconds, as double bits; CAS-updated by any caller.
  private final AtomicLong delayBits;
  // Calls learned from.
  private final AtomicLong samples = new AtomicLong();

  private volatile DelayConfig config;
  private volatile double targetRate;

  /**
   * Creates the strategy, cold.
   *
   * @param config the settings
   * @param budget the budget it aims inside
   */
  public AdaptiveDelay(DelayConfig config, BudgetConfig budget) {
    this.config = config;
    this.targetRate = targetRate(budget);
    this.delayBits = new AtomicLong(Double.doubleToRawLongBits(clamp(config, warmup(config))));
  }

  private static double targetRate(BudgetConfig budget) {
    return DelayConfig.targetRate(budget);
  }

  private static double warmup(DelayConfig c) {
    return c.warmupDelay().toNanos();
  }

  private static double clamp(DelayConfig c, double nanos) {
    double lo = Math.max(MIN_NANOS, c.minDelay().toNanos());
    double hi = Math.max(lo, c.maxDelay().toNanos());
    return Math.max(lo, Math.min(hi, nanos));
  }

  /**
   * Returns the learned delay, whether or not it is warm yet.
   *
   * @return the delay in nanoseconds
   */
  public double learnedDelayNanos() {
    return Double.longBitsToDouble(delayBits.get());
  }

  /**
   * Returns the hedge rate the strategy aims at.
   *
   * @return {@code min(0.5, 0.8 * maxExtraLoad)}
   */
  public double targetRate() {
    return targetRate;
  }

  @Override
  public long delayNanos(int hedge) {
    return isWarm() ? (long) learnedDelayNanos() : config.warmupDelay().toNanos();
  }

  @Override
  public void recordLatency(long latencyNanos) {}

  @Override
  public void recordPrimary(long elapsedNanos, boolean completed) {
    double d = learnedDelayNanos();
    boolean outlived;
    if (completed) {
      outlived = elapsedNanos > d;
    } else if (elapsedNanos >= d) {
      outlived = true;
    } else {
      return; // cut short before d: we cannot tell
    }
    double eta = config.learningRate();
    double b = targetRate;
    update(outlived ? 1 + eta * (1 - b) : 1 - eta * b);
    samples.incrementAndGet();
  }

  @Override
  public void recordBudgetExhausted() {
    update(1 + config.learningRate());
  }

  private void update(double factor) {
    DelayConfig c = config;
    for (; ; ) {
      long bits = delayBits.get();
      double next = clamp(c, Double.longBitsToDouble(bits) * factor);
      if (delayBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
        return;
      }
    }
  }

  /**
   * Returns how many calls the strategy has learned from.
   *
   * @return the sample count
   */
  public long samples() {
    return samples.get();
  }

  @Override
  public boolean isWarm() {
    return samples.get() >= config.warmupSamples();
  }

  @Override
  public HedgeDelayType type() {
    return HedgeDelayType.ADAPTIVE;
  }

  @Override
  public void reconfigure(DelayConfig config, BudgetConfig budget) {
    this.config = config;
    this.targetRate = targetRate(budget);
    update(1.0); // re-clamp to the new bounds
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "ADAPTIVE");
    d.put("warm", isWarm());
    d.put("delay", Durations.format(Duration.ofNanos(delayNanos(1))));
    d.put("learnedDelay", Durations.format(Duration.ofNanos((long) learnedDelayNanos())));
    d.put("targetRate", targetRate);
    d.put("samples", samples.get());
    return d;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeDouble(learnedDelayNanos());
    out.writeLong(samples.get());
  }

  @Override
  public void readState(DataInput in) throws IOException {
    double d = in.readDouble();
    long n = in.readLong();
    if (!(d > 0 && d <= Duration.ofHours(1).toNanos()) || n < 0) {
      throw new IOException("adaptive state out of range: delay " + d + "ns, samples " + n);
    }
    delayBits.set(Double.doubleToRawLongBits(clamp(config, d)));
    samples.set(n);
  }
}
