package io.tailguard.core.hedge;

import io.tailguard.core.internal.SecondWindow;
import io.tailguard.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token bucket of {@link BudgetConfig}: primaries add {@code maxExtraLoad} tokens, hedges take
 * one, a floor refill adds what the primaries' share falls short of {@code minHedgesPerSecond} per
 * second (nothing on a busy service, whose extra load stays its share), and the bucket holds at
 * most the larger of {@code burst} and the share {@code maxExtraLoad} of the primaries of the last
 * {@link #RESERVE_SECONDS} seconds. It starts with {@code burst}.
 *
 * <p>Why the capacity follows the traffic: a fixed burst of 10 tokens is half a second of budget at
 * 400 calls per second, so a cluster of slow answers (a stall of the dependency, a slow replica)
 * emptied it and the slow calls that followed went unhedged while the budget's long-run share was
 * unspent. Holding a few seconds' worth of the share lets such a cluster spend what quiet seconds
 * saved, and no more: unspent share older than the reserve is lost, so a long quiet spell cannot
 * pay for a long storm.
 *
 * <p>Thread-safe and lock-free. {@code tokens} holds micro-tokens (so fractional refills add up
 * exactly) and changes only by CAS, capped at the capacity. {@code lastRefillNanos} is claimed by
 * CAS before the floor refill it covers is added, so each nanosecond of floor refill is added once;
 * a refill too small to add a micro-token leaves the claim for later so no refill is lost to
 * rounding. Every addition rounds down, so hedges never exceed {@code burst + maxExtraLoad *
 * primaries + minHedgesPerSecond * seconds}: the capacity only limits what is kept. Primaries, and
 * the tokens that attempts after failures took, are counted in one {@link SecondWindow} of {@link
 * #SPEND_SECONDS} seconds, for {@link #spentOnFailures()}; the capacity reads the primaries of
 * about the last {@link #RESERVE_SECONDS} from it, the oldest second pro rata ({@link
 * SecondWindow#slidingSum(int, int)}). Counting whole buckets instead (the current second and the
 * one before) halved the capacity at every second boundary and dropped the tokens above it: the
 * reserve was one to two seconds, depending on where a burst fell in the clock's second.
 */
final class HedgeBudget {

  static final long SCALE = 1_000_000L;

  /**
   * How many seconds of the budget's share the bucket may hold, where that is more than the burst.
   * Two seconds cover a slow replica's episode of a few hundred milliseconds; more would let a
   * saturated budget spend well over its share in any span of a few seconds. Less than {@link
   * #SPEND_SECONDS}, whose window it reads.
   */
  static final int RESERVE_SECONDS = 2;

  /** How many seconds {@link #spentOnFailures()} looks back. */
  static final int SPEND_SECONDS = 10;

  /**
   * The share of what the primaries earned that attempts after failures must have taken for the
   * budget to count as spent on failures: half of it.
   */
  static final double FAILURE_SHARE = 0.5;

  private static final int PRIMARIES = 0;
  private static final int AFTER_FAILURE = 1;

  private final Clock clock;
  private final AtomicLong tokens;
  private final AtomicLong lastRefillNanos;
  // Primaries (kind 0) and tokens taken by attempts after failures (kind 1) over the last
  // SPEND_SECONDS seconds; the reserve reads the primaries of its last RESERVE_SECONDS from it.
  // Refunds are not subtracted, so the spend errs high: the floor then stays put rather than rise.
  private final SecondWindow window;
  private volatile BudgetConfig config;

  HedgeBudget(BudgetConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.tokens = new AtomicLong(capacity(config));
    this.lastRefillNanos = new AtomicLong(clock.nanoTime());
    this.window = new SecondWindow(clock, SPEND_SECONDS, 2);
  }

  private static long capacity(BudgetConfig c) {
    return (long) (c.burst() * SCALE);
  }

  /** Returns the most tokens the bucket may hold now, in micro-tokens. */
  private long capacity() {
    BudgetConfig c = config;
    return Math.max(capacity(c), (long) (c.maxExtraLoad() * reservePrimaries() * SCALE));
  }

  /** The primaries of about the last {@link #RESERVE_SECONDS}: the capacity does not step. */
  private double reservePrimaries() {
    return window.slidingSum(PRIMARIES, RESERVE_SECONDS);
  }

  /** A primary attempt started: it earns {@code maxExtraLoad} of a hedge. */
  void onPrimary() {
    window.increment(PRIMARIES);
    add((long) (config.maxExtraLoad() * SCALE));
  }

  /** Takes a token for a hedge that its delay sent, if there is one. */
  boolean tryAcquire() {
    return take(false);
  }

  /**
   * Takes a token for an attempt after failures, if there is one: one that a retryable failure or
   * an unacceptable result asked for, or one started because every attempt ended without an answer.
   */
  boolean tryAcquireAfterFailure() {
    return take(true);
  }

  private boolean take(boolean afterFailure) {
    refill();
    for (; ; ) {
      long t = tokens.get();
      if (t < SCALE) {
        return false;
      }
      if (tokens.compareAndSet(t, t - SCALE)) {
        if (afterFailure) {
          window.increment(AFTER_FAILURE);
        }
        return true;
      }
    }
  }

  /**
   * Returns whether attempts after failures took at least {@link #FAILURE_SHARE} of what the
   * primaries of the last {@link #SPEND_SECONDS} seconds earned: a hedge refused then says that
   * failures spend the budget, not that the delay is too short for the slow calls' bursts. Hedges
   * that the delay sent do not count: a burst of them is what a refusal is meant to report (see
   * {@link AdaptiveDelay}).
   */
  boolean spentOnFailures() {
    long[] s = window.sums();
    return s[AFTER_FAILURE] > 0
        && s[AFTER_FAILURE] >= FAILURE_SHARE * config.maxExtraLoad() * s[PRIMARIES];
  }

  /** Returns a token taken for a hedge that was not sent after all. */
  void refund() {
    add(SCALE);
  }

  private void refill() {
    // The floor is for quiet services: it adds only what the primaries' share falls short of it.
    BudgetConfig c = config;
    double earned = c.maxExtraLoad() * reservePrimaries() / RESERVE_SECONDS;
    double rate = Math.max(0, c.minHedgesPerSecond() - earned);
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
    long cap = capacity();
    for (; ; ) {
      long t = tokens.get();
      // Above a capacity that fell with the traffic, the excess is dropped.
      long next = Math.min(cap, t + micro);
      if (next == t || tokens.compareAndSet(t, next)) {
        return;
      }
    }
  }

  /** Returns the tokens available now, as a fraction of hedges. */
  double available() {
    refill();
    return (double) tokens.get() / SCALE;
  }

  /**
   * Returns how full the bucket is: its tokens over the most it may hold now. Read-only: the floor
   * refill of a quiet service shows from the next acquisition on.
   *
   * @return in [0, 1]
   */
  double fill() {
    return Math.min(1, (double) tokens.get() / capacity());
  }

  void reconfigure(BudgetConfig next) {
    config = next;
    add(0);
    long cap = capacity();
    tokens.getAndUpdate(t -> Math.min(t, cap));
  }
}
