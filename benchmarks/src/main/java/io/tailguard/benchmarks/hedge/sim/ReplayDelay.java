package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.hedge.delay.AdaptiveDelay;
import io.tailguard.core.hedge.delay.HedgeDelayStrategy;
import io.tailguard.core.time.Clock;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prototype: ADAPTIVE, raised to the best fixed delay in hindsight over the recent window, found by
 * replaying the window's primaries through the budget for a grid of candidate delays.
 *
 * <p>Thread-safe: synchronized.
 */
final class ReplayDelay implements HedgeDelayStrategy {

  static final boolean DEBUG = Boolean.getBoolean("replay.debug");
  static double step = Double.parseDouble(System.getProperty("replay.step", "1.2"));
  static int cap = Integer.getInteger("replay.cap", 16384);
  static long intervalNanos = Long.getLong("replay.intervalMs", 1000) * 1_000_000L;
  static double tie = Double.parseDouble(System.getProperty("replay.tie", "0.02"));
  static double q = Double.parseDouble(System.getProperty("replay.q", "0.999"));
  static double share = Double.parseDouble(System.getProperty("replay.share", "0.8"));
  static int minN = Integer.getInteger("replay.minN", 500);
  static long WINDOW_S = Long.getLong("replay.window", 0);
  private final String rule;

  private final AdaptiveDelay adaptive;
  private final Clock clock;
  private final DelayConfig config;
  private final BudgetConfig budget;
  private final int maxHedges;
  private final long[] starts = new long[cap];
  private final long[] elapsed = new long[cap];
  private final boolean[] censored = new boolean[cap];
  private long seq;
  static int hedgeCap = Integer.getInteger("replay.hedgeCap", 512);
  static boolean useHedges = !Boolean.getBoolean("replay.marginal");
  private final long[] hedgeElapsed = new long[hedgeCap];
  private final boolean[] hedgeCensored = new boolean[hedgeCap];
  private long hedgeSeq;

  synchronized void recordHedge(long elapsedNanos, boolean completed) {
    int i = (int) (hedgeSeq++ % hedgeCap);
    hedgeElapsed[i] = elapsedNanos;
    hedgeCensored[i] = !completed;
  }

  private long nextReplay;
  private long chosen = -1;
  static long replayNanosTotal;
  static long replays;

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    System.err.printf(
                        Locale.ROOT,
                        "replay cost: %d replays, mean %.3f ms%n",
                        replays,
                        replays == 0 ? 0 : replayNanosTotal / 1e6 / replays)));
  }

  ReplayDelay(DelayConfig config, BudgetConfig budget, int maxHedges, Clock clock, String rule) {
    this.rule = rule;
    this.adaptive = new AdaptiveDelay(config, budget, clock);
    this.clock = clock;
    this.config = config;
    this.budget = budget;
    this.maxHedges = maxHedges;
    this.nextReplay = clock.nanoTime() + intervalNanos;
  }

  @Override
  public synchronized long delayNanos(int hedge) {
    long floor = adaptive.delayNanos(hedge);
    long now = clock.nanoTime();
    if (now >= nextReplay) {
      nextReplay = now + intervalNanos;
      long t0 = System.nanoTime();
      chosen = choose(now, floor);
      replayNanosTotal += System.nanoTime() - t0;
      replays++;
    }
    return chosen < 0 || !adaptive.isWarm() ? floor : Math.max(floor, chosen);
  }

  private long choose(long now, long floor) {
    int total = (int) Math.min(seq, cap);
    long from = now - (WINDOW_S > 0 ? WINDOW_S * 1_000_000_000L : config.window().toNanos());
    long[] s = new long[total];
    long[] e = new long[total];
    boolean[] c = new boolean[total];
    int n = 0;
    for (int i = 0; i < total; i++) {
      if (starts[i] >= from) {
        s[n] = starts[i];
        e[n] = elapsed[i];
        c[n] = censored[i];
        n++;
      }
    }
    if (n < minN) {
      return -1;
    }
    int hn = (int) Math.min(hedgeSeq, hedgeCap);
    DelayReplay r =
        new DelayReplay(s, e, c, n, useHedges && hn >= 50 ? hedgeElapsed : null, hedgeCensored, hn, floor);
    double earn = share * budget.maxExtraLoad();
    long top = r.quantile(1 - 0.001);
    long bestD = -1;
    double bestScore = Double.MAX_VALUE;
    long bestP99 = Long.MAX_VALUE;
    StringBuilder dbg = DEBUG ? new StringBuilder() : null;
    long d = Math.max(floor, 1_000_000);
    long[] cd = new long[40];
    double[] cs = new double[40];
    long[] cp = new long[40];
    int count = 0;
    for (int k = 0; k < 40; k++) {
      int h = r.replay(d, maxHedges, earn, budget.burst(), 2);
      double score;
      long p99;
      if (rule.equals("cvar")) {
        java.util.Arrays.sort(r.scratch, 0, n);
        int from99 = (int) Math.floor(q * n);
        double sum = 0;
        for (int i = from99; i < n; i++) {
          sum += Math.min(r.scratch[i], 10_000_000_000L);
        }
        score = sum / Math.max(1, n - from99);
        p99 = r.scratch[(int) Math.ceil(0.99 * n) - 1];
      } else {
        score = r.scratchQuantile(q);
        p99 = r.scratch[(int) Math.ceil(0.99 * n) - 1];
      }
      if (dbg != null) {
        dbg.append(
            String.format(
                Locale.ROOT,
                " %.1f:%.1f/%.1f/%.1f%%",
                d / 1e6,
                score / 1e6,
                p99 / 1e6,
                100.0 * h / n));
      }
      cd[k] = d;
      cs[k] = score;
      cp[k] = p99;
      count = k + 1;
      if (d > top || d >= config.maxDelay().toNanos()) {
        break;
      }
      d = (long) (d * step);
    }
    for (int k = 0; k < count; k++) {
      bestScore = Math.min(bestScore, cs[k]);
    }
    for (int k = 0; k < count; k++) {
      if (cs[k] <= bestScore * (1 + tie) && cp[k] < bestP99) {
        bestP99 = cp[k];
        bestD = cd[k];
      }
    }
    if (dbg != null) {
      System.err.printf(
          Locale.ROOT,
          "t=%.2f n=%d a=%.2f floor=%.1f chosen=%.1f |%s%n",
          now / 1e9,
          n,
          r.alpha,
          floor / 1e6,
          bestD / 1e6,
          dbg);
    }
    return bestD;
  }

  @Override
  public void recordLatency(long latencyNanos) {}

  @Override
  public synchronized void recordPrimary(long elapsedNanos, boolean completed) {
    adaptive.recordPrimary(elapsedNanos, completed);
    int i = (int) (seq++ % cap);
    starts[i] = clock.nanoTime() - elapsedNanos;
    elapsed[i] = elapsedNanos;
    censored[i] = !completed;
  }

  @Override
  public synchronized void recordBudgetExhausted() {
    adaptive.recordBudgetExhausted();
  }

  @Override
  public boolean isWarm() {
    return adaptive.isWarm();
  }

  @Override
  public HedgeDelayType type() {
    return HedgeDelayType.ADAPTIVE;
  }

  @Override
  public void reconfigure(DelayConfig config, BudgetConfig budget) {
    adaptive.reconfigure(config, budget);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>(adaptive.describe());
    d.put("replayed", chosen);
    return d;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    adaptive.writeState(out);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    adaptive.readState(in);
  }
}
