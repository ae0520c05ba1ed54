package io.tailguard.core.hedge;

import io.tailguard.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token bucket of {@link BudgetConfig}: primaries add {@code maxExtraLoad} tokens, hedges take
 * one, a floor refill adds {@code minHedgesPerSecond} per second, and the bucket holds at most
 * {@code burst}. It starts full.
 *
 * <p>Thread-safe and lock-free. {@code tokens} holds micro-tokens (so fractional refills add up
 * exactly) and changes only by CAS, capped at the burst. {@code lastRefillNanos} is claimed by CAS
 * before the floor refill it covers is added, so each nanosecond of floor refill is added once; a
 * refill too small to add a micro-token leaves the claim for later so no refill is lost to
 * rounding. Every addition rounds down, so hedges never exceed {@code burst + maxExtraLoad *
 * primaries + minHedgesPerSecond * seconds}.
 */
final class HedgeBudget {

  static final long SCALE = 1_000_000L;

  private final Clock clock;
  private final AtomicLong tokens;
  private final AtomicLong lastRefillNanos;
  private volatile BudgetConfig config;

  HedgeBudget(BudgetConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.tokens = new AtomicLong(capacity(config));
    this.lastRefillNanos = new AtomicLong(clock.nanoTime());
  }

  private static long capacity(BudgetConfig c) {
    return (long) (c.burst() * SCALE);
  }

  /** A primary attempt started: it earns {@code maxExtraLoad} of a hedge. */
  void onPrimary() {
    add((long) (config.maxExtraLoad() * SCALE));
  }

  /** Takes a token for a hedge, if there is one. */
  boolean tryAcquire() {
    refill();
    for (; ; ) {
      long t = tokens.get();
      if (t < SCALE) {
        return false;
      }
      if (tokens.compareAndSet(t, t - SCALE)) {
        return true;
      }
    }
  }

  /** Returns a token taken for a hedge that was not sent after all. */
  void refund() {
    add(SCALE);
  }

  private void refill() {
    double rate = config.minHedgesPerSecond();
    long now = clock.nanoTime();
    long last = lastRefillNanos.get();
    long elapsed = now - last;
    if (elapsed <= 0) {
      return;
    }
    long micro = (long) (elapsed / 1e9 * rate * SCALE);
    if (micro == 0 && rate > 0) {
      return; // keep the claim open: the fraction adds up
    }
    if (lastRefillNanos.compareAndSet(last, now) && micro > 0) {
      add(micro);
    }
  }

  private void add(long micro) {
    long cap = capacity(config);
    for (; ; ) {
      long t = tokens.get();
      long next = Math.min(cap, t + micro);
      if (next <= t || tokens.compareAndSet(t, next)) {
        return;
      }
    }
  }

  /** Returns the tokens available now, as a fraction of hedges. */
  double available() {
    refill();
    return (double) tokens.get() / SCALE;
  }

  void reconfigure(BudgetConfig next) {
    config = next;
    add(0);
    long cap = capacity(next);
    tokens.getAndUpdate(t -> Math.min(t, cap));
  }
}
