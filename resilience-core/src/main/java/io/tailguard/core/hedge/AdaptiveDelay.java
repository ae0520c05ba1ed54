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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

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
 * for hedges that retryable failures send at once. When the budget refuses a hedge the delay asked
 * for, {@code d} grows by {@code (1 + eta)}. {@code d} stays within [{@code max(minDelay, 1us)},
 * {@code maxDelay}].
 *
 * <h2>A floor raised by refusals, for slow calls that come in bursts</h2>
 *
 * <p>The quantile is the best delay when slow calls come independently. When they come in bursts (a
 * slow replica for half a second, a dependency degraded for a moment), a burst asks for more hedges
 * at once than the bucket holds: at a delay of the quantile, the first slow calls of the burst take
 * every token and the later ones wait whole stalls for tokens; they are the tail. A hedge refused
 * while failures have not spent the budget ({@code spentOnFailures} false in {@link
 * #recordBudgetExhausted(boolean)}) says exactly that: the delay is too short for the bursts this
 * dependency has. Hedging later spends fewer tokens per burst (a stall's remaining wait grows with
 * its age, so the calls still running at a longer delay are the ones worth a token), and keeps
 * tokens for the slowest calls. So the delay used is {@code max(d, f)}, where the refusal floor
 * {@code f} moves by stochastic approximation on the refusal rate:
 *
 * <pre>{@code
 * a hedge refused, not spent on failures: f = max(f, delay in use) * exp(s * (1 - r))
 * after each call learned from:          f = f * exp(-s * r)
 * }</pre>
 *
 * <p>with {@code s} the step per refusal and {@code r} = {@link #REFUSAL_TARGET} (one call in a
 * thousand, the calls a p99.9 can hide): the expected change of {@code log f} is zero where that
 * share of calls has its hedge refused. The step {@code s} is set from the call rate the window
 * measures, so that without refusals the floor halves in {@link #FLOOR_HALF_LIFE} (90 s) at any
 * rate: bursts recur on the dependency's clock, not the caller's, and a step fixed per call would
 * remember them for 35 s at 1,000 calls per second and six minutes at 100 (measured: at 1,000 calls
 * per second the shorter memory left the replicas scenario's p99.9 23% above the best fixed delay).
 * So at 400 calls per second a burst of 36 refusals doubles the floor, at 1,000 one of 90 (the
 * burst is as many more calls). The floor is a time, not a rate, on purpose: the window's quantile
 * forgets the bursts after a quiet window (half of one where hedges win, below) and would meet the
 * next burst with a short delay, while the floor remembers the delay bursts need until refusals
 * stay away. Where slow calls come independently nothing is refused and the floor stays at zero. A
 * refusal while attempts that failures start at once have taken at least half of what the primaries
 * earned says nothing about bursts, and a longer delay would only leave more calls unhedged, so it
 * does not raise the floor. Hedges that the delay sent do not count as such a spend: a delay that
 * aims at 80% of the share plus one burst takes 90% of it within seconds, so counting them hid the
 * very bursts the floor is for (measured: rarer slow episodes of a replica, every 20 s, left the
 * floor at zero for the first 49 s of a run). The floor and the win shares below are not part of
 * the snapshot: a restored hedger relearns it from the next refusals.
 *
 * <h2>Bypassed while the bucket is full, for bursts that hedges beat</h2>
 *
 * <p>The floor's memory has a cost once the bursts stop (an incident that ends): for minutes, calls
 * slower than the learned delay wait for the floor while the bucket is full and its tokens go
 * unspent. So the floor is bypassed, and the learned delay used, while three things hold:
 *
 * <ul>
 *   <li>the bucket is more than half full ({@link #BYPASS_FILL}): hedges at the learned delay may
 *       spend its upper half, and the floor keeps the lower half for the slowest calls of the next
 *       burst. Once no hedge at all has been refused for {@link #QUIET_SPELL} (30 s), the bursts
 *       have stopped and the whole bucket is theirs: on a small bucket (10 to 20 tokens) hedges
 *       well within the budget's share draw it below half often. Any refusal, a burst's or one of a
 *       budget that failures spent, keeps the lower half for the floor for another quiet spell. At
 *       under 200 calls per second a spell is longer ({@link #QUIET_SPELL_REFUSALS}), so that it
 *       holds enough calls for its silence to mean that the bursts stopped;
 *   <li>hedges sent at the floor have been winning ({@link #MIN_FLOOR_WIN_SHARE} of about the last
 *       32, reported by {@link #recordHedgeOutcome(long, boolean)}): the bursts are ones a hedge
 *       beats, like a slow replica while the others answer. Where a hedge joins the burst instead
 *       (a queue that every attempt waits in, a pause that holds every call) hedges at the floor
 *       lose, the floor is never bypassed, and it keeps hedging backed off: a queue that grows is
 *       not pushed over by hedges at the learned delay each time the bucket refills;
 *   <li>hedges sent below the floor keep winning at least {@link #MIN_BYPASS_WIN_SHARE} of about
 *       the last 256, starting at 0.5: otherwise they only add load, and the bypass stops until the
 *       floor has halved since (then it is tried again, the dependency may have changed).
 * </ul>
 *
 * <p>The floor itself is not lowered by a bypass: it goes on learning from refusals, which come
 * once the bucket is below half. A hedge counts as sent at the floor if its delay was at least 0.9
 * of the floor when its call ends (refusals may raise the floor meanwhile), a learned delay above
 * the floor included: a hedge at the delay in use. When the floor decays to nothing, both win
 * shares are forgotten with it.
 *
 * <h2>Anchored to the window's quantile</h2>
 *
 * <p>The steps alone are noisy where it matters: where latencies leave a gap (a fast body and rare
 * stalls far above it), the share of primaries slower than {@code d} hardly changes across the gap,
 * so the steps barely pull {@code d} down while each stall pushes it up, and left alone it wanders
 * up the gap, every hedge coming later than it needs to. So every {@code recomputeInterval}, once
 * warm, {@code d} is set to the {@code (1 - b)}-quantile of the primaries of the last {@code
 * window}. A primary cut short counts there as slower than any delay (its latency is only known to
 * exceed its elapsed time), so the quantile errs high rather than low; and when more than {@code b}
 * of the primaries it is read from were cut short, the quantile is unknown and {@code d} is left to
 * the steps, which follow rising latencies within a few hundred calls (a shift to slower answers,
 * or more slow answers than the budget can hedge). Where hedges have been winning ({@link
 * #MIN_FALL_WIN_SHARE} of about the last 256), the window's latest half holds enough primaries and
 * its quantile is lower, that quantile is {@code d} (known there even where the whole window's is
 * not): latencies that fell (an incident that ended) are believed after half a window, while ones
 * that rose wait for the whole window or the steps. Bursts are the floor's to remember, not the
 * window's: a delay held up for a whole window after the slow calls stopped left the body's slower
 * calls unhedged meanwhile. Where hedges lose (a queue every attempt waits in), the whole window's
 * memory stays: an earlier delay would only send more hedges into the queue. The window's histogram
 * is an HdrHistogram recorder: wait-free for the callers that record, folded by one caller per
 * interval.
 *
 * <h2>Warming up</h2>
 *
 * <p>Stochastic approximation moves down slowly (a step of {@code eta * b} per call), so starting
 * from a guess far above the quantile would leave the tail unguarded for thousands of calls. Until
 * {@code warmupSamples} primaries have been seen, the strategy keeps their latencies and waits for
 * their empirical {@code (1 - b)}-quantile (with fewer than {@code 1 / b} of them, their maximum),
 * or for {@code warmupDelay} while it has seen fewer than {@link #MIN_ESTIMATE_SAMPLES}; the
 * estimate it reaches then is where the tracking starts. The budget bounds what a poor early
 * estimate can cost.
 *
 * <p>This class is thread-safe. Once warm it is lock-free: {@code d}, {@code f} and the three win
 * shares are each one atomic value updated by CAS (they move independently; a reader may see one
 * step of any ahead of the others). While warming up, the kept latencies are guarded by the warm-up
 * buffer's monitor.
 */
final class AdaptiveDelay implements HedgeDelayStrategy {

  private static final long MIN_NANOS = 1_000;

  /**
   * The share of calls whose hedge may be refused, while failures have not spent the budget, at
   * which the refusal floor holds still: one in a thousand, the calls a p99.9 can hide.
   */
  public static final double REFUSAL_TARGET = 0.001;

  /**
   * How long the refusal floor takes to halve without refusals, at any call rate: bursts of slow
   * calls recur on the dependency's time scale, not on the caller's, so the floor's memory is a
   * time. The step per refusal follows from it and the call rate (see {@link #floorStep(double)}).
   */
  public static final Duration FLOOR_HALF_LIFE = Duration.ofSeconds(90);

  /**
   * The largest step per refusal, as the logarithm of a factor (7 refusals double the floor): at
   * fewer than about 77 calls per second the step this allows is reached, and the floor's memory
   * grows longer than {@link #FLOOR_HALF_LIFE} rather than let one refusal move it by more.
   */
  public static final double MAX_FLOOR_STEP = 0.1;

  /**
   * How full the budget's bucket must be for the refusal floor to be bypassed: hedges at the
   * learned delay may spend the bucket's upper half, and the floor keeps the lower half for the
   * slowest calls of a burst.
   */
  public static final double BYPASS_FILL = 0.5;

  /**
   * The shortest time after the last refused hedge from which the refusal floor is bypassed however
   * full the bucket is: no burst has needed the lower half of the bucket for a third of the floor's
   * half-life, and the budget's share was not spent either (a refusal of either kind ends the
   * spell). Below 200 calls per second the spell is longer ({@link #QUIET_SPELL_REFUSALS}). The
   * half-full rule alone left hedges waiting for the floor whenever a calm dependency's learned
   * hedges, well within the budget's share, drew the bucket below half for a moment, which on a
   * bucket of 10 to 20 tokens (100 to 200 calls per second) is often (measured: 1.28x to 1.38x the
   * best fixed delay's p99.9 at 200 calls per second after bursts stop; 15 s cost the replicas
   * scenario 0.06x there, 30 s nothing).
   */
  public static final Duration QUIET_SPELL = FLOOR_HALF_LIFE.dividedBy(3);

  /**
   * A quiet spell also lasts as long as the calls that bring this many refusals where the floor
   * holds still ({@link #REFUSAL_TARGET}, one call in a thousand) take at the call rate the window
   * measures: {@code 6 / (0.001 * calls per second)} seconds, so 60 s at 100 calls per second and
   * 120 s at 50, {@link #QUIET_SPELL} from 200 up. The silence must be unlikely while bursts go on
   * for it to say that they stopped: at 50 calls per second 30 s holds one and a half refusals'
   * worth of calls, so spells came between bursts, and the whole bucket went to the learned delay
   * just before the next burst needed it (measured: the replicas scenario at 50 calls per second,
   * 1.35x the best fixed delay's p99.9 with 30 s, 1.21x with this rule).
   */
  public static final int QUIET_SPELL_REFUSALS = 6;

  private static final long QUIET_SPELL_NANOS = QUIET_SPELL.toNanos();

  /**
   * The share of hedges sent at the refusal floor that must have won (answered before their
   * primary) for the floor to be bypassed: bursts that a hedge beats (a slow replica, the others
   * fast), not ones it only adds to (a queue every attempt waits in, a pause that holds them all;
   * measured in the hedging simulator: 86% to 98% against 18% to 43%).
   */
  public static final double MIN_FLOOR_WIN_SHARE = 0.6;

  /**
   * The share of hedges sent while bypassing the floor that must keep winning, or the bypass stops:
   * hedges at the learned delay that rarely beat their primary only add load. Between the two bands
   * measured in the hedging simulator: 38% to 42% win on a calm dependency's body and stalls, 7% to
   * 24% into a queue that grows (at 0.2, inside that band, a growing queue kept the bypass open
   * through its first few spikes: p50 up to 1.17x no hedging's, against 1.13x at 0.3).
   */
  public static final double MIN_BYPASS_WIN_SHARE = 0.3;

  /**
   * The share of first hedges, of about the last 256 (from even odds), that must have won for a
   * lower quantile in the window's latest half to set the delay: hedging earlier pays where hedges
   * beat their primaries (75% on a calm dependency after an incident, in the hedging simulator),
   * and only adds load where they do not (20% to 29% into a queue near saturation that every
   * attempt waits in: there the early fall raised the extra attempts up to 1.30%, from 0.68%).
   */
  public static final double MIN_FALL_WIN_SHARE = 0.6;

  // The share of the window whose lower quantile is believed where hedges win.
  private static final double LATEST_HALF = 0.5;
  // The hedges' win share moves over about the last 256 first hedges, from even odds: no evidence
  // either way, below MIN_FALL_WIN_SHARE until hedges have won.
  private static final double HEDGE_WIN_WEIGHT = 1.0 / 256;
  private static final long HEDGE_WIN_PRIOR_BITS = Double.doubleToRawLongBits(0.5);

  // How much one outcome moves each win share: over about the last 32 hedges at the floor (a few
  // seconds of bursts), and the last 256 while bypassing, whose shares lie closer to their bound.
  // Over 128, a calm dependency's share (about 0.4) fell below 0.3 by chance in 3 of 20 runs of
  // ten minutes, and each time the floor came back for 90 s (p99.9 up to 1.8x the best fixed
  // delay's); over 256 its standard deviation is 0.022, and in the same 20 runs it never did.
  private static final double FLOOR_WIN_WEIGHT = 1.0 / 32;
  private static final double BYPASS_WIN_WEIGHT = 1.0 / 256;

  /**
   * Where the bypass's win share starts, and starts again: even odds, no evidence either way. From
   * there hedges that win one time in six (a growing queue) close the bypass after about 230, as
   * many as the average over 128 took from a start of 1.
   */
  static final double BYPASS_WIN_PRIOR = 0.5;

  // A first hedge armed at this share of the floor or more counts as sent at the floor: refusals
  // may have raised the floor a little while the call ran.
  private static final double AT_FLOOR = 0.9;

  // The call rate assumed until the window has measured one.
  private static final double INITIAL_CALLS_PER_SECOND = 400;

  private static final long NO_FLOOR = Double.doubleToRawLongBits(0);
  private static final long BYPASS_PRIOR_BITS = Double.doubleToRawLongBits(BYPASS_WIN_PRIOR);

  /** The fewest primaries in the window that set the delay. */
  public static final int MIN_WINDOW_SAMPLES = 100;

  // Where a primary cut short is put in the window: beyond any delay (one hour).
  private static final long CUT_SHORT_NANOS = 3_600_000_000_000L;

  /** The fewest primaries whose latencies give an estimate while warming up. */
  public static final int MIN_ESTIMATE_SAMPLES = 10;

  // Latencies of the first warmupSamples primaries; null once warm. Guarded by warmupLock.
  private long[] warmup;
  private int warmupCount;
  private final Object warmupLock = new Object();
  // The estimate from the warm-up latencies, in nanoseconds; -1 until there is one.
  private volatile long warmupEstimate = -1;

  // Primary latencies of the last `window`, a primary cut short recorded as CUT_SHORT_NANOS.
  private final LatencyRecorder window;

  // The learned delay in nanoseconds, as double bits; CAS-updated by any caller.
  private final AtomicLong delayBits;
  // Calls learned from.
  private final AtomicLong samples = new AtomicLong();
  // The refusal floor in nanoseconds, as double bits, in [0, maxDelay]; 0 until a refusal while
  // failures have not spent the budget raises it. CAS-updated by any caller.
  private final AtomicLong floorBits = new AtomicLong(NO_FLOOR);
  // The step and the factors a refusal and a call learned from move the floor by, and the quiet
  // spell, for the call rate the window measured last: one immutable value, replaced by the caller
  // that refreshes the window.
  private volatile FloorSteps floorSteps;
  // Since when the window has held every primary: the strategy's creation, or the start of the
  // window it held before a reconfiguration. Written by reconfigure, read by the refresher.
  private volatile long measuredSinceNanos;

  private final Clock clock;

  // The budget's fill in [0, 1]; null where no bucket is known, and the floor is then never
  // bypassed. Read by callers asking for a delay while a floor is up.
  private final DoubleSupplier budgetFill;
  // Win shares, as double bits, of first hedges sent at the floor and of those sent below it while
  // a floor was up: moving averages, CAS-updated by the caller that reports a call's outcome. The
  // first starts at 0 (no evidence that bursts are ones hedges beat), the second at even odds.
  private final AtomicLong floorWinBits = new AtomicLong(Double.doubleToRawLongBits(0));
  private final AtomicLong bypassWinBits = new AtomicLong(BYPASS_PRIOR_BITS);
  // Win share, as double bits, of every first hedge, floor or not: a moving average over about the
  // last 256 from even odds, CAS-updated by the caller that reports a call's outcome.
  private final AtomicLong hedgeWinBits = new AtomicLong(HEDGE_WIN_PRIOR_BITS);
  // The floor, as double bits, when hedges below it stopped winning and closed the bypass; 0 while
  // it is open. Once the floor has halved since, the bypass is tried again. CAS-updated.
  private final AtomicLong closedAtFloorBits = new AtomicLong(NO_FLOOR);
  // When a hedge was last refused, for whatever reason: written by the caller that reports the
  // refusal, read by callers asking for a delay while a floor is up.
  private volatile long lastRefusalNanos;

  /**
   * The floor's step per refusal, the factors a refusal and a call move it by, and the quiet
   * spell's length.
   */
  private record FloorSteps(double step, double up, double down, long quietSpellNanos) {}

  private volatile DelayConfig config;
  private volatile double targetRate;

  /**
   * Creates the strategy, cold.
   *
   * @param config the settings
   * @param budget the budget it aims inside
   */
  public AdaptiveDelay(DelayConfig config, BudgetConfig budget) {
    this(config, budget, Clock.system());
  }

  /**
   * Creates the strategy, cold.
   *
   * @param config the settings
   * @param budget the budget it aims inside
   * @param clock the clock that windows the latencies the delay is pulled down to
   */
  public AdaptiveDelay(DelayConfig config, BudgetConfig budget, Clock clock) {
    this(config, budget, clock, null);
  }

  /**
   * Creates the strategy, cold, for a hedger whose bucket it can read.
   *
   * @param config the settings
   * @param budget the budget it aims inside
   * @param clock the clock that windows the latencies the delay is pulled down to
   * @param budgetFill how full the hedger's bucket is, in [0, 1]; {@code null} never bypasses the
   *     refusal floor
   */
  AdaptiveDelay(DelayConfig config, BudgetConfig budget, Clock clock, DoubleSupplier budgetFill) {
    this.budgetFill = budgetFill;
    this.config = config;
    this.clock = clock;
    this.measuredSinceNanos = clock.nanoTime();
    this.lastRefusalNanos = measuredSinceNanos;
    setFloorSteps(INITIAL_CALLS_PER_SECOND);
    this.window = new LatencyRecorder(clock, config.window(), config.recomputeInterval());
    this.targetRate = targetRate(budget);
    this.delayBits = new AtomicLong(Double.doubleToRawLongBits(clamp(config, warmup(config))));
    this.warmup = new long[Math.max(1, config.warmupSamples())];
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

  /**
   * Returns the refusal floor: the delay that hedges refused while failures had not spent the
   * budget asked for.
   *
   * @return the floor in nanoseconds; 0 while no such refusal has raised it
   */
  public double refusalFloorNanos() {
    return Double.longBitsToDouble(floorBits.get());
  }

  /**
   * The floor as a delay: clamped, since a refusal racing with a lower maxDelay may set it above.
   */
  private double floorInUse() {
    return Math.min(refusalFloorNanos(), config.maxDelay().toNanos());
  }

  @Override
  public long delayNanos(int hedge) {
    if (window.refreshIfDue()) {
      followWindow();
    }
    if (floorBits.get() == NO_FLOOR) { // the common case: nothing refused, the learned delay
      return (long) baseDelayNanos();
    }
    double floor = floorInUse();
    double base = baseDelayNanos();
    return (long) (floor <= base || bypassesFloor() ? base : floor);
  }

  /**
   * Whether the floor is bypassed now: hedges at the floor have been winning and hedges below it
   * still are, and the bucket is more than half full or no hedge has been refused for the quiet
   * spell in use ({@link #quietSpellNanos(double)}).
   */
  private boolean bypassesFloor() {
    DoubleSupplier fill = budgetFill;
    return fill != null
        && share(floorWinBits) >= MIN_FLOOR_WIN_SHARE
        && share(bypassWinBits) >= MIN_BYPASS_WIN_SHARE
        && (fill.getAsDouble() > BYPASS_FILL
            || clock.nanoTime() - lastRefusalNanos >= floorSteps.quietSpellNanos());
  }

  private static double share(AtomicLong bits) {
    return Double.longBitsToDouble(bits.get());
  }

  @Override
  public void recordHedgeOutcome(long firstHedgeDelayNanos, boolean hedgeWon) {
    average(hedgeWinBits, hedgeWon, HEDGE_WIN_WEIGHT);
    double floor = floorInUse();
    if (floor <= 0) {
      return; // no floor: nothing to learn about bypassing one
    }
    if (firstHedgeDelayNanos < AT_FLOOR * floor) {
      average(bypassWinBits, hedgeWon, BYPASS_WIN_WEIGHT);
      if (share(bypassWinBits) < MIN_BYPASS_WIN_SHARE) {
        closedAtFloorBits.compareAndSet(NO_FLOOR, Double.doubleToRawLongBits(floor));
      }
    } else {
      // Sent at the delay in use, not bypassing: the floor, or a learned delay above it (measured:
      // leaving those out let fewer of a slow replica's episodes open the bypass, replicas 1.15x).
      average(floorWinBits, hedgeWon, FLOOR_WIN_WEIGHT);
    }
  }

  /**
   * A bypass closed by hedges below the floor that lost is tried again once the floor has halved
   * since (about {@link #FLOOR_HALF_LIFE} without refusals): the dependency they lost against may
   * have changed, and a bypass closed for good would bring back the floor's whole cost.
   */
  private void retryBypassOnceTheFloorHalved() {
    long closedAt = closedAtFloorBits.get();
    if (closedAt != NO_FLOOR
        && refusalFloorNanos() < Double.longBitsToDouble(closedAt) / 2
        && closedAtFloorBits.compareAndSet(closedAt, NO_FLOOR)) {
      bypassWinBits.set(BYPASS_PRIOR_BITS);
    }
  }

  /** Moves a win share towards one outcome. */
  private static void average(AtomicLong bits, boolean won, double weight) {
    for (; ; ) {
      long b = bits.get();
      double s = Double.longBitsToDouble(b);
      double next = s + ((won ? 1 : 0) - s) * weight;
      if (bits.compareAndSet(b, Double.doubleToRawLongBits(next))) {
        return;
      }
    }
  }

  /**
   * Returns the win share of first hedges sent at the refusal floor, a moving average over about
   * the last 32.
   *
   * @return in [0, 1]; 0 before any
   */
  public double floorHedgeWinShare() {
    return share(floorWinBits);
  }

  /**
   * Returns the win share of all first hedges, a moving average over about the last 256.
   *
   * @return in [0, 1]; 0.5 before any
   */
  public double hedgeWinShare() {
    return share(hedgeWinBits);
  }

  /**
   * Returns the win share of first hedges sent below the refusal floor while one was up, a moving
   * average over about the last 256.
   *
   * @return in [0, 1]; 0.5 before any
   */
  public double bypassHedgeWinShare() {
    return share(bypassWinBits);
  }

  /** The delay without the refusal floor: the learned one, or the warm-up's. */
  private double baseDelayNanos() {
    if (isWarm()) {
      return learnedDelayNanos();
    }
    long estimate = warmupEstimate;
    return estimate >= 0 ? estimate : config.warmupDelay().toNanos();
  }

  @Override
  public void recordLatency(long latencyNanos) {}

  @Override
  public void recordPrimary(long elapsedNanos, boolean completed) {
    window.record(completed ? elapsedNanos : CUT_SHORT_NANOS);
    if (!isWarm() && learnWhileWarmingUp(elapsedNanos)) {
      return;
    }
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
    if (floorBits.get() != NO_FLOOR) { // the common case: no floor, nothing to decay
      moveFloor(floorSteps.down(), 0);
      retryBypassOnceTheFloorHalved();
    }
  }

  /** Records a refusal as one while failures had spent the budget: it raises the delay only. */
  @Override
  public void recordBudgetExhausted() {
    recordBudgetExhausted(true);
  }

  @Override
  public void recordBudgetExhausted(boolean spentOnFailures) {
    double eta = config.learningRate();
    double inUse = Math.max(baseDelayNanos(), refusalFloorNanos());
    update(1 + eta);
    lastRefusalNanos = clock.nanoTime();
    if (!spentOnFailures) {
      moveFloor(floorSteps.up(), inUse);
    }
  }

  /** Sets the floor to {@code max(f, atLeast) * factor}, within [0, maxDelay]. */
  private void moveFloor(double factor, double atLeast) {
    for (; ; ) {
      double hi = config.maxDelay().toNanos();
      long bits = floorBits.get();
      double f = Double.longBitsToDouble(bits);
      double next = Math.min(hi, Math.max(f, atLeast) * factor);
      if (next < MIN_NANOS) {
        next = 0; // decayed below any delay: gone
      }
      if (next == f) {
        return;
      }
      if (floorBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
        if (next == 0) {
          forgetHedgeOutcomes(); // the bursts are forgotten, and what hedges did in them
        }
        return;
      }
    }
  }

  private void forgetHedgeOutcomes() {
    floorWinBits.set(Double.doubleToRawLongBits(0));
    bypassWinBits.set(BYPASS_PRIOR_BITS);
    closedAtFloorBits.set(NO_FLOOR);
  }

  /**
   * Returns the step per refusal, as the logarithm of a factor, at which the floor halves in {@link
   * #FLOOR_HALF_LIFE} at this call rate while refusals stay away: without refusals each call lowers
   * {@code log f} by {@code s * r}, so it halves in {@code ln 2 / (s * r)} calls. At most {@link
   * #MAX_FLOOR_STEP}.
   *
   * @param callsPerSecond the call rate
   * @return the step: 0.0193 at 400 calls per second, 0.0077 at 1,000
   */
  static double floorStep(double callsPerSecond) {
    double halfLifeSeconds = FLOOR_HALF_LIFE.toNanos() / 1e9;
    return Math.min(
        MAX_FLOOR_STEP, Math.log(2) / (REFUSAL_TARGET * callsPerSecond * halfLifeSeconds));
  }

  /**
   * Returns how long no hedge must have been refused for the floor to be bypassed however full the
   * bucket is: {@link #QUIET_SPELL}, or the time {@link #QUIET_SPELL_REFUSALS} refusals' worth of
   * calls take if that is longer.
   *
   * @param callsPerSecond the call rate
   * @return the spell in nanoseconds: 30 s from 200 calls per second up, 60 s at 100
   */
  static long quietSpellNanos(double callsPerSecond) {
    double seconds = QUIET_SPELL_REFUSALS / (REFUSAL_TARGET * callsPerSecond);
    // At a rate near 0 the spell is as long as any delay's memory: a day, not an overflow.
    return Math.max(QUIET_SPELL_NANOS, (long) (Math.min(seconds, 86_400) * 1e9));
  }

  private void setFloorSteps(double callsPerSecond) {
    double step = floorStep(callsPerSecond);
    floorSteps =
        new FloorSteps(
            step,
            Math.exp(step * (1 - REFUSAL_TARGET)),
            Math.exp(-step * REFUSAL_TARGET),
            quietSpellNanos(callsPerSecond));
  }

  /**
   * Returns the quiet spell in use, for the call rate the window measured last.
   *
   * @return the spell in nanoseconds
   */
  long quietSpellInUse() {
    return floorSteps.quietSpellNanos();
  }

  /**
   * Returns the step per refusal in use, for the call rate the window measured last.
   *
   * @return the logarithm of the factor one refusal raises the floor by
   */
  double floorStepInUse() {
    return floorSteps.step();
  }

  /** Measures the call rate over the window (or the time it has held every primary, if shorter). */
  private void followCallRate(long count) {
    long span = Math.min(config.window().toNanos(), clock.nanoTime() - measuredSinceNanos);
    if (count > 0 && span > 0) {
      setFloorSteps(count / (span / 1e9));
    }
  }

  /**
   * Sets the delay to the window's {@code (1 - b)}-quantile, or its latest half's if that is lower,
   * the half holds enough primaries and hedges have been winning, unless more than {@code b} of the
   * part chosen was cut short: that quantile is then unknown, and the steps take over. Primaries
   * cut short count as slower than anything, so the quantile errs high rather than low.
   */
  private void followWindow() {
    long count = window.count();
    followCallRate(count);
    long enough = Math.max(config.warmupSamples(), MIN_WINDOW_SAMPLES);
    if (!isWarm() || count < enough) {
      return;
    }
    double percentile = 100 * (1 - targetRate);
    long q = window.percentileNanos(percentile);
    if (share(hedgeWinBits) >= MIN_FALL_WIN_SHARE) {
      long recent = window.recentPercentileNanos(LATEST_HALF, percentile, enough);
      if (recent >= 0 && recent < q) {
        q = recent; // latencies fell: believed after half a window, where hedges win
      }
    }
    if (q < CUT_SHORT_NANOS / 2) {
      delayBits.set(Double.doubleToRawLongBits(clamp(config, q)));
    }
  }

  /**
   * Keeps a primary's latency while warming up; the last one seeds the tracking with the empirical
   * quantile. A latency that was cut short is kept at its elapsed time, a lower bound.
   *
   * @return false if the strategy turned warm meanwhile and the sample is for the tracking
   */
  private boolean learnWhileWarmingUp(long nanos) {
    synchronized (warmupLock) {
      long[] kept = warmup;
      if (kept == null || samples.get() >= config.warmupSamples()) {
        return false;
      }
      if (warmupCount < kept.length) {
        kept[warmupCount++] = nanos;
      }
      long estimate = -1;
      if (warmupCount >= Math.min(MIN_ESTIMATE_SAMPLES, config.warmupSamples())) {
        estimate = (long) clamp(config, quantile(kept, warmupCount, 1 - targetRate));
        warmupEstimate = estimate;
      }
      if (samples.incrementAndGet() >= config.warmupSamples()) {
        if (estimate >= 0) {
          delayBits.set(Double.doubleToRawLongBits(estimate));
        }
        warmup = null;
      }
      return true;
    }
  }

  /** The empirical q-quantile of the first n values: the smallest with at least q of them below. */
  private static double quantile(long[] values, int n, double q) {
    long[] sorted = java.util.Arrays.copyOf(values, n);
    java.util.Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * n) - 1;
    return sorted[Math.max(0, Math.min(n - 1, rank))];
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
    // A longer window holds only the old one's primaries until it fills: the rate is measured over
    // what it holds.
    long now = clock.nanoTime();
    measuredSinceNanos = Math.max(measuredSinceNanos, now - this.config.window().toNanos());
    this.config = config;
    this.targetRate = targetRate(budget);
    window.reconfigure(config.window(), config.recomputeInterval());
    update(1.0); // re-clamp to the new bounds
    moveFloor(1, 0); // and the floor
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("strategy", "ADAPTIVE");
    d.put("warm", isWarm());
    d.put("delay", Durations.format(Duration.ofNanos(delayNanos(1))));
    d.put("learnedDelay", Durations.format(Duration.ofNanos((long) learnedDelayNanos())));
    d.put("targetRate", targetRate);
    d.put("refusalFloor", Durations.format(Duration.ofNanos((long) refusalFloorNanos())));
    d.put("floorBypassed", floorInUse() > baseDelayNanos() && bypassesFloor());
    d.put("floorHedgeWins", Math.round(floorHedgeWinShare() * 100) / 100.0);
    d.put("bypassHedgeWins", Math.round(bypassHedgeWinShare() * 100) / 100.0);
    d.put("hedgeWins", Math.round(hedgeWinShare() * 100) / 100.0);
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
