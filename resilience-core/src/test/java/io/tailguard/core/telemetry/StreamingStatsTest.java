package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The running statistics against a plain two-pass computation over the same random data. */
class StreamingStatsTest {

  record Sample(long latency, boolean success, double cost) {}

  static List<Sample> samples(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Sample> s = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // Latencies around 1s with a small spread: the case where the naive sum-of-squares
      // formula loses its precision and Welford's does not.
      long latency = 1_000_000_000L + r.nextLong(-500_000, 500_000);
      if (r.nextDouble() < 0.05) {
        latency = r.nextLong(1, 5_000_000_000L);
      }
      s.add(new Sample(latency, r.nextDouble() < 0.9, r.nextDouble() * 3));
    }
    return s;
  }

  static void assertMatchesTwoPass(StatsSnapshot stats, List<Sample> samples, long target) {
    int n = samples.size();
    double mean = samples.stream().mapToDouble(Sample::latency).sum() / n;
    double ss = 0;
    for (Sample s : samples) {
      ss += (s.latency() - mean) * (s.latency() - mean);
    }
    double variance = ss / (n - 1);
    assertThat(stats.count()).isEqualTo(n);
    assertThat(stats.meanNanos()).isCloseTo(mean, within(mean * 1e-12));
    assertThat(stats.varianceNanos2()).isCloseTo(variance, within(variance * 1e-9));
    assertThat(stats.minNanos())
        .isEqualTo(samples.stream().mapToLong(Sample::latency).min().getAsLong());
    assertThat(stats.maxNanos())
        .isEqualTo(samples.stream().mapToLong(Sample::latency).max().getAsLong());
    assertThat(stats.successRate())
        .isEqualTo((double) samples.stream().filter(Sample::success).count() / n);
    assertThat(stats.slaCompliance())
        .isEqualTo((double) samples.stream().filter(s -> s.latency() <= target).count() / n);
    double cost = samples.stream().mapToDouble(Sample::cost).sum();
    assertThat(stats.totalCost()).isCloseTo(cost, within(1e-6));
    assertThat(stats.meanCost()).isCloseTo(cost / n, within(1e-9));
    assertThat(stats.costPerThousand()).isCloseTo(cost / n * 1000, within(1e-6));
    assertThat(stats.costPerMillion()).isCloseTo(cost / n * 1e6, within(1e-3));
  }

  @Test
  void matchesATwoPassComputation() {
    for (long seed = 1; seed <= 20; seed++) {
      List<Sample> samples = samples(seed, 10_000);
      StreamingStats stats = new StreamingStats(Duration.ofSeconds(1));
      samples.forEach(s -> stats.record(s.latency(), s.success(), s.cost()));
      assertMatchesTwoPass(stats.snapshot(), samples, 1_000_000_000L);
    }
  }

  @Test
  void concurrentRecordingLosesNothing() throws Exception {
    int threads = 4;
    int perThread = 50_000;
    List<List<Sample>> parts = new ArrayList<>();
    List<Sample> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Sample> part = samples(100 + t, perThread);
      parts.add(part);
      all.addAll(part);
    }
    StreamingStats stats = new StreamingStats(Duration.ofSeconds(1));
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (List<Sample> part : parts) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                part.forEach(s -> stats.record(s.latency(), s.success(), s.cost()));
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertMatchesTwoPass(stats.snapshot(), all, 1_000_000_000L);
  }

  @Test
  void emptyAndSingleCall() {
    StreamingStats stats = new StreamingStats(Duration.ofMillis(100));
    StatsSnapshot empty = stats.snapshot();
    assertThat(empty.count()).isZero();
    assertThat(empty.successRate()).isZero();
    assertThat(empty.stdDevNanos()).isZero();
    stats.record(5_000_000, true, 2);
    StatsSnapshot one = stats.snapshot();
    assertThat(one.meanNanos()).isEqualTo(5_000_000);
    assertThat(one.varianceNanos2()).isZero();
    assertThat(one.slaCompliance()).isEqualTo(1.0);
    stats.reset();
    assertThat(stats.snapshot().count()).isZero();
  }

  @Test
  void slaTargetIsValidated() {
    assertThatThrownBy(() -> new StreamingStats(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slaTarget must be in [1ns, 1d], was 0ms");
    assertThatThrownBy(() -> new StreamingStats(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slaTarget must not be null");
  }
}
