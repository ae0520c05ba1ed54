package io.tailguard.core.hedge;

import io.tailguard.core.internal.Durations;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A delay that grows for each further hedge and lengthens while attempts fail:
 *
 * <pre>{@code delay(k) = min(maxDelay, delay * factor^(k - 1) * penalty)}</pre>
 *
 * <p>{@code penalty} starts at 1; each failed attempt multiplies it by {@code factor} (up to {@code
 * factor^MAX_PENALTY_STEPS}) and each successful attempt divides it by {@code factor} (down to 1),
 * so a failing dependency is hedged more gently and the delay recovers once it answers again.
 * Always warm.
 *
 * <p>This class is thread-safe: the penalty is one atomic value; updates may race, and a lost
 * update only shifts the penalty by one step.
 */
final class BackoffDelay implements HedgeDelayStrategy {

  /** How many consecutive failures can lengthen the delay. */
  public static final int MAX_PENALTY_STEPS = 8;

  private volatile DelayConfig config;
  // Written by recordSuccess()/recordFailure() from any thread; read by delayNanos().
  private volatile double penalty = 1.0;

  /**
   * Creates the strategy.
   *
   * @param config the settings
   */
  public BackoffDelay(DelayConfig config) {
    this.config = config;
  }

  @Override
  public long delayNanos(int hedge) {
    DelayConfig c = config;
    double d = c.delay().toNanos() * Math.pow(c.factor(), Math.max(0, hedge - 1)) * penalty;
    return (long) Math.min(c.maxDelay().toNanos(), d);
  }

  @Override
  public void recordLatency(long latencyNanos) {}

  @Override
  public void recordFailure() {
    DelayConfig c = config;
    penalty = Math.min(Math.pow(c.factor(), MAX_PENALTY_STEPS), penalty * c.factor());
  }

  @Override
  public void recordSuccess() {
    double p = penalty;
    if (p > 1.0) {
      penalty = Math.max(1.0, p / config.factor());
    }
  }

  /**
   * Returns the current penalty multiplier.
   *
   * @return 1 when healthy, larger after failures
   */
  public double penalty() {
    return penalty;
  }

  @Override
  public boolean isWarm() {
    return true;
  }

  @Override
  public HedgeDelayType type() {
    return HedgeDelayType.BACKOFF;
  }

  @Override
  public void reconfigure(DelayConfig config, BudgetConfig budget) {
    this.config = config;
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "BACKOFF");
    d.put("warm", true);
    d.put("delay", Durations.format(Duration.ofNanos(delayNanos(1))));
    d.put("penalty", penalty);
    return d;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeDouble(penalty);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    double p = in.readDouble();
    if (!(p >= 1.0 && p <= Math.pow(config.factor(), MAX_PENALTY_STEPS))) {
      throw new IOException("backoff penalty out of range: " + p);
    }
    penalty = p;
  }
}
