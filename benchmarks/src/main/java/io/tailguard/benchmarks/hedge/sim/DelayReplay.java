package io.tailguard.benchmarks.hedge.sim;

import java.util.Arrays;

/**
 * Replays recent primaries through a token bucket for candidate delays (prototype).
 *
 * <p>Not thread-safe: one refresh at a time.
 */
final class DelayReplay {

  static final long INF = 3_600_000_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long MAX_RECHECK = SECOND;

  // Inputs, sorted by start.
  private final long[] start;
  private final long[] lat; // imputed primary latency
  private final long[] h1; // first hedge's latency
  private final long[] h2; // second hedge's latency
  private final int n;
  static final boolean PARETO = !Boolean.getBoolean("replay.noPareto");
  final double alpha;
  // Survival function of the primaries (Kaplan-Meier): event values and S after each.
  private long[] evVal;
  private double[] evS;
  private int m;

  // Work arrays.
  private final long[] best;
  private final int[] started;
  private final int[] refusals;
  private long[] heapTime;
  private int[] heapCall;
  private int heapSize;
  private double tokens;
  private int hedges;
  final long[] scratch;

  DelayReplay(
      long[] starts,
      long[] elapsed,
      boolean[] censored,
      int n,
      long[] hedgeElapsed,
      boolean[] hedgeCensored,
      int hn,
      long tailFrom) {
    this.n = n;
    // Pareto tail above tailFrom, fitted with censoring (Hill).
    double alpha = -1;
    if (tailFrom > 0 && PARETO) {
      int k = 0;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        if (elapsed[i] > tailFrom) {
          sum += Math.log((double) elapsed[i] / tailFrom);
          if (!censored[i]) {
            k++;
          }
        }
      }
      if (k >= 5 && sum > 0) {
        alpha = k / sum;
      }
    }
    this.alpha = alpha;
    long[] hv = null;
    double[] hs = null;
    int hm = 0;
    if (hedgeElapsed != null) {
      km(hedgeElapsed, hedgeCensored, hn);
      hv = evVal;
      hs = evS;
      hm = m;
    }
    km(elapsed, censored, n);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
    start = new long[n];
    lat = new long[n];
    h1 = new long[n];
    h2 = new long[n];
    for (int j = 0; j < n; j++) {
      int i = order[j];
      start[j] = starts[i];
      long key = starts[i] * 31 + elapsed[i];
      if (!censored[i]) {
        lat[j] = elapsed[i];
      } else if (alpha > 0 && elapsed[i] > tailFrom) {
        double x = elapsed[i] * Math.pow(u(key, 1), -1 / alpha);
        lat[j] = (long) Math.min(INF, x);
      } else {
        lat[j] = drawAbove(elapsed[i], u(key, 1));
      }
      if (hv == null) {
        h1[j] = drawAbove(0, u(key, 2));
        h2[j] = drawAbove(0, u(key, 3));
      }
    }
    if (hv != null) {
      evVal = hv;
      evS = hs;
      m = hm;
      for (int j = 0; j < n; j++) {
        long key = start[j] * 31 + lat[j];
        h1[j] = drawAbove(0, u(key, 2));
        h2[j] = drawAbove(0, u(key, 3));
      }
      km(elapsed, censored, n);
    }
    best = new long[n];
    started = new int[n];
    refusals = new int[n];
    heapTime = new long[64];
    heapCall = new int[64];
    scratch = new long[n];
  }

  /** A uniform draw in (0, 1) from a key, the same for every candidate. */
  private static double u(long key, int salt) {
    long z = key * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return ((z >>> 11) + 0.5) / (1L << 53);
  }

  private void km(long[] v, boolean[] c, int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      // Events before censorings at equal values.
      keys[i] = (Math.min(v[i], INF) << 1) | (c[i] ? 1 : 0);
    }
    Arrays.sort(keys);
    evVal = new long[n];
    evS = new double[n];
    double s = 1;
    int atRisk = n;
    m = 0;
    for (int i = 0; i < n; i++) {
      if ((keys[i] & 1) == 0) {
        s *= 1 - 1.0 / atRisk;
        evVal[m] = keys[i] >> 1;
        evS[m] = s;
        m++;
      }
      atRisk--;
    }
  }

  /** S(x): the share of primaries slower than x. */
  double survival(long x) {
    // Last event <= x.
    int lo = 0;
    int hi = m - 1;
    int idx = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (evVal[mid] <= x) {
        idx = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return idx < 0 ? 1 : evS[idx];
  }

  /** A latency drawn from the primaries' distribution above x, INF beyond what was seen. */
  private long drawAbove(long x, double u) {
    double target = survival(x) * u;
    // First event with S <= target.
    int lo = 0;
    int hi = m - 1;
    int idx = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (evS[mid] <= target) {
        idx = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return idx < 0 ? INF : Math.max(evVal[idx], x);
  }

  int size() {
    return n;
  }

  /** The latency below which a share q of the primaries fall (from the survival function). */
  long quantile(double q) {
    double target = 1 - q;
    for (int i = 0; i < m; i++) {
      if (evS[i] <= target) {
        return evVal[i];
      }
    }
    return INF;
  }

  /**
   * Replays a delay. Fills {@code scratch} with the call latencies.
   *
   * @return the hedges spent
   */
  int replay(long d, int maxHedges, double earn, double burst, double reserveSeconds) {
    long reserve = (long) (reserveSeconds * SECOND);
    tokens = 0;
    hedges = 0;
    heapSize = 0;
    int windowFrom = 0;
    for (int j = 0; j < n; j++) {
      long s = start[j];
      while (heapSize > 0 && heapTime[0] <= s) {
        handle(d, maxHedges);
      }
      while (start[windowFrom] <= s - reserve) {
        windowFrom++;
      }
      double cap = Math.max(burst, earn * (j - windowFrom + 1));
      if (j == 0) {
        // Start as full as a reserve would be at this rate.
        double rate = n > 1 ? (n - 1) * (double) SECOND / Math.max(1, start[n - 1] - start[0]) : 1;
        tokens = Math.max(burst, earn * rate * reserveSeconds);
      }
      tokens = Math.min(cap, tokens + earn);
      best[j] = s + lat[j];
      started[j] = 1;
      refusals[j] = 0;
      if (lat[j] > d) {
        push(s + d, j);
      }
    }
    while (heapSize > 0) {
      handle(d, maxHedges);
    }
    for (int j = 0; j < n; j++) {
      scratch[j] = best[j] - start[j];
    }
    return hedges;
  }

  /** Handles the earliest check. */
  private void handle(long d, int maxHedges) {
    long t = heapTime[0];
    int j = heapCall[0];
    pop();
    if (best[j] <= t) {
      return;
    }
    if (tokens >= 1) {
      tokens -= 1;
      hedges++;
      long l = started[j] == 1 ? h1[j] : h2[j];
      started[j]++;
      best[j] = Math.min(best[j], t + Math.min(l, INF));
      if (started[j] <= maxHedges && best[j] > t + d) {
        push(t + d, j);
      }
      return;
    }
    int r = Math.min(++refusals[j], 30);
    long base = Math.max(1, d);
    long wait = base > (MAX_RECHECK >> r) ? MAX_RECHECK : base << r;
    push(t + wait, j);
  }

  private void push(long t, int j) {
    if (heapSize == heapTime.length) {
      heapTime = Arrays.copyOf(heapTime, heapSize * 2);
      heapCall = Arrays.copyOf(heapCall, heapSize * 2);
    }
    int i = heapSize++;
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (heapTime[p] <= t) {
        break;
      }
      heapTime[i] = heapTime[p];
      heapCall[i] = heapCall[p];
      i = p;
    }
    heapTime[i] = t;
    heapCall[i] = j;
  }

  private void pop() {
    long t = heapTime[--heapSize];
    int c = heapCall[heapSize];
    int i = 0;
    for (; ; ) {
      int l = 2 * i + 1;
      if (l >= heapSize) {
        break;
      }
      int r = l + 1;
      int k = r < heapSize && heapTime[r] < heapTime[l] ? r : l;
      if (heapTime[k] >= t) {
        break;
      }
      heapTime[i] = heapTime[k];
      heapCall[i] = heapCall[k];
      i = k;
    }
    heapTime[i] = t;
    heapCall[i] = c;
  }

  /** The q-quantile of the first n scratch values (sorts them). */
  long scratchQuantile(double q) {
    Arrays.sort(scratch, 0, n);
    int rank = (int) Math.ceil(q * n) - 1;
    return scratch[Math.max(0, Math.min(n - 1, rank))];
  }
}
