package io.tailguard.benchmarks.hedge;

import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.hedge.HedgeMetrics;
import io.tailguard.core.hedge.Hedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The hedging tail-latency simulation: real threads, real time, a simulated backend (lognormal
 * body, rare long stalls, independent requests) driven at a fixed request rate, comparing no
 * hedging, FIXED at the measured p95, PERCENTILE p95 and ADAPTIVE, then ADAPTIVE again while the
 * latency distribution shifts halfway through.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.hedge.TailLatencySimulation [seconds-per-scenario] [requests-per-second]}
 * (defaults 20 and 2000). Prints a table in Markdown.
 */
public final class TailLatencySimulation {

  static final double MEDIAN_MS = 5;
  static final double SIGMA = 0.6;
  static final double STALL_PROBABILITY = 0.01;
  static final double STALL_MIN_MS = 500;
  static final double STALL_MAX_MS = 1000;
  static final double BUDGET = 0.05;

  private final int seconds;
  private final int rate;
  private final ScheduledExecutorService timers;

  private TailLatencySimulation(int seconds, int rate) {
    this.seconds = seconds;
    this.rate = rate;
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(2);
    t.setRemoveOnCancelPolicy(true);
    this.timers = t;
  }

  /** The figures of one scenario. */
  record Result(
      String name,
      long calls,
      double p50,
      double p99,
      double p999,
      double max,
      double extraLoad,
      double hedgeWinRate,
      long budgetExhausted,
      double finalDelayMs,
      double extraLoadSecondHalf) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    TailLatencySimulation sim = new TailLatencySimulation(seconds, rate);
    try {
      sim.runAll();
    } finally {
      sim.timers.shutdownNow();
    }
  }

  private void runAll() throws InterruptedException {
    System.out.printf(
        Locale.ROOT,
        "Backend: lognormal body (median %.0f ms, sigma %.1f), %.1f%% stalls of %.0f-%.0f ms;"
            + " %d requests/s for %d s per scenario, budget %.0f%%, JDK %s%n%n",
        MEDIAN_MS,
        SIGMA,
        STALL_PROBABILITY * 100,
        STALL_MIN_MS,
        STALL_MAX_MS,
        rate,
        seconds,
        BUDGET * 100,
        Runtime.version());
    List<Result> results = new ArrayList<>();
    Result none = run("no hedging", null, false);
    results.add(none);
    double p95 = measuredP95();
    results.add(
        run(
            String.format(Locale.ROOT, "FIXED at measured p95 (%.1f ms)", p95),
            delay(HedgeDelayType.FIXED).delay(Duration.ofNanos((long) (p95 * 1e6))).build(),
            false));
    results.add(
        run("PERCENTILE p95", delay(HedgeDelayType.PERCENTILE).percentile(95).build(), false));
    results.add(run("ADAPTIVE", delay(HedgeDelayType.ADAPTIVE).build(), false));
    Result noneShift = run("no hedging, 3x shift at half time", null, true);
    results.add(noneShift);
    results.add(
        run(
            String.format(Locale.ROOT, "FIXED at measured p95 (%.1f ms), 3x shift", p95),
            delay(HedgeDelayType.FIXED).delay(Duration.ofNanos((long) (p95 * 1e6))).build(),
            true));
    results.add(
        run(
            "PERCENTILE p95, 3x shift",
            delay(HedgeDelayType.PERCENTILE).percentile(95).build(),
            true));
    results.add(run("ADAPTIVE, 3x shift", delay(HedgeDelayType.ADAPTIVE).build(), true));

    System.out.println(
        "| scenario | calls | p50 ms | p99 ms | p99.9 ms | max ms | p99.9 cut | extra attempts"
            + " | extra, 2nd half | hedge wins | budget refusals | delay at end ms |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      Result baseline = r.name().contains("shift") ? noneShift : none;
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f | %.1f | %.1f | %.0f | %.1fx | %.2f%% | %.2f%% | %.0f%% | %d | %s |%n",
          r.name(),
          r.calls(),
          r.p50(),
          r.p99(),
          r.p999(),
          r.max(),
          baseline.p999() / r.p999(),
          r.extraLoad() * 100,
          r.extraLoadSecondHalf() * 100,
          r.hedgeWinRate() * 100,
          r.budgetExhausted(),
          Double.isNaN(r.finalDelayMs())
              ? "-"
              : String.format(Locale.ROOT, "%.1f", r.finalDelayMs()));
    }
  }

  private static DelayConfig.Builder delay(HedgeDelayType type) {
    return DelayConfig.builder()
        .strategy(type)
        .warmupSamples(200)
        .warmupDelay(Duration.ofMillis(50))
        .window(Duration.ofSeconds(5))
        .recomputeInterval(Duration.ofMillis(250))
        .learningRate(0.02);
  }

  private double measuredP95 = Double.NaN;

  private double measuredP95() {
    return measuredP95;
  }

  private Result run(String name, DelayConfig delay, boolean shift) throws InterruptedException {
    SimulatedBackend backend =
        new SimulatedBackend(
            timers, 42, MEDIAN_MS, SIGMA, STALL_PROBABILITY, STALL_MIN_MS, STALL_MAX_MS);
    Hedger hedger = null;
    Function<Void, CompletableFuture<String>> call;
    if (delay != null) {
      HedgeConfig config =
          HedgeConfig.builder()
              .maxHedges(1)
              .delay(delay)
              .budget(new BudgetConfig(BUDGET, 0, 10))
              .timeout(Duration.ofSeconds(10))
              .build();
      Hedger h = Hedger.builder("sim").config(config).executor(Runnable::run).build();
      hedger = h;
      call = v -> h.callAsync(ctx -> backend.request());
    } else {
      call = v -> backend.request();
    }
    // Warm-up: one tenth of the run, not measured, so learning strategies start warm.
    drive(call, Math.max(1, seconds / 10), rate, null, null, null);
    long hedgesBefore = hedger == null ? 0 : hedger.metrics().hedges();
    long callsBefore = hedger == null ? 0 : hedger.metrics().calls();
    long budgetBefore = hedger == null ? 0 : hedger.metrics().budgetExhausted();
    long winsBefore = hedger == null ? 0 : hedger.metrics().hedgeWins();
    Histogram latencies = new ConcurrentHistogram(1, 60_000_000_000L, 3);
    long[] secondHalf = new long[2];
    Hedger measured = hedger;
    Runnable atHalf =
        () -> {
          if (shift) {
            backend.setMedianMillis(MEDIAN_MS * 3);
          }
          if (measured != null) {
            secondHalf[0] = measured.metrics().hedges();
            secondHalf[1] = measured.metrics().calls();
          }
        };
    drive(call, seconds, rate, latencies, atHalf, backend);
    double extra2nd = Double.NaN;
    if (hedger != null) {
      HedgeMetrics end = hedger.metrics();
      extra2nd = (double) (end.hedges() - secondHalf[0]) / Math.max(1, end.calls() - secondHalf[1]);
    }
    Result r;
    if (hedger == null) {
      r =
          new Result(
              name,
              latencies.getTotalCount(),
              ms(latencies, 50),
              ms(latencies, 99),
              ms(latencies, 99.9),
              latencies.getMaxValue() / 1e6,
              0,
              0,
              0,
              Double.NaN,
              0);
      if (!shift) {
        measuredP95 = ms(latencies, 95);
      }
    } else {
      HedgeMetrics m = hedger.metrics();
      long calls = m.calls() - callsBefore;
      long hedges = m.hedges() - hedgesBefore;
      r =
          new Result(
              name,
              latencies.getTotalCount(),
              ms(latencies, 50),
              ms(latencies, 99),
              ms(latencies, 99.9),
              latencies.getMaxValue() / 1e6,
              (double) hedges / calls,
              hedges == 0 ? 0 : (double) (m.hedgeWins() - winsBefore) / hedges,
              m.budgetExhausted() - budgetBefore,
              m.currentDelayNanos() / 1e6,
              extra2nd);
      hedger.close();
    }
    System.err.printf(Locale.ROOT, "done: %s%n", name);
    return r;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }

  /** Issues requests at a fixed rate (open loop) and records each call's latency. */
  private void drive(
      Function<Void, CompletableFuture<String>> call,
      int seconds,
      int rate,
      Histogram latencies,
      Runnable atHalf,
      SimulatedBackend backend)
      throws InterruptedException {
    long total = (long) seconds * rate;
    long intervalNanos = 1_000_000_000L / rate;
    CountDownLatch done = new CountDownLatch((int) total);
    AtomicLong issued = new AtomicLong();
    ScheduledExecutorService generator = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime();
    // Issue in batches every millisecond, each request stamped with its intended start time so
    // that a late generator does not hide latency (no coordinated omission).
    int perTick = Math.max(1, rate / 1000);
    long tickNanos = intervalNanos * perTick;
    generator.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          while (issued.get() < total) {
            long n = issued.get();
            long intended = start + n * intervalNanos;
            if (intended > now) {
              break;
            }
            issued.incrementAndGet();
            if (atHalf != null && n == total / 2) {
              atHalf.run();
            }
            call.apply(null)
                .whenComplete(
                    (v, e) -> {
                      if (latencies != null) {
                        latencies.recordValue(
                            Math.min(60_000_000_000L, Math.max(1, System.nanoTime() - intended)));
                      }
                      done.countDown();
                    });
          }
        },
        0,
        tickNanos,
        TimeUnit.NANOSECONDS);
    if (!done.await(seconds + 30L, TimeUnit.SECONDS)) {
      System.err.println("warning: not every call finished");
    }
    generator.shutdownNow();
  }
}
