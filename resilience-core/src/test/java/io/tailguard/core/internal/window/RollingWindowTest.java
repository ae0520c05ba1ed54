package io.tailguard.core.internal.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitConfig;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.breaker.SampleWeighting;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The ring of time buckets: which bucket an outcome lands in, when a bucket leaves the window, how
 * a stale slot is replaced, the weighting, the latency statistics and the completed-bucket feed.
 */
class RollingWindowTest {

  private static final long ORIGIN = 7_000_000_000L;
  private static final long WIDTH = 100;

  /** The start of epoch {@code e}. */
  private static long at(long epoch) {
    return ORIGIN + epoch * WIDTH;
  }

  private static RollingWindow window(int size) {
    return new RollingWindow(ORIGIN, WIDTH, size, 0, null);
  }

  @Test
  void refusesANonPositiveShape() {
    assertThatThrownBy(() -> new RollingWindow(0, 0, 1, 0, null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("bucketNanos and size must be positive, was 0 and 1");
    assertThatThrownBy(() -> new RollingWindow(0, 1, 0, 0, null))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyWindowIsEmpty() {
    RollingWindow w = window(3);

    assertThat(w.snapshot(at(0), 1.0)).isEqualTo(WindowSnapshot.EMPTY);
    assertThat(w.snapshot(at(50), 0.5)).isEqualTo(WindowSnapshot.EMPTY);
  }

  @Nested
  class Rollover {

    @Test
    void aBucketCoversItsStartButNotItsEnd() {
      RollingWindow w = window(2);
      w.record(at(1) - 1, 0, true, false); // epoch 0
      w.record(at(1), 0, false, false); // epoch 1

      // At epoch 1 the window is epochs 0 and 1; at epoch 2, epochs 1 and 2.
      assertThat(w.snapshot(at(2) - 1, 1.0).calls()).isEqualTo(2);
      WindowSnapshot later = w.snapshot(at(2), 1.0);
      assertThat(later.calls()).isEqualTo(1);
      assertThat(later.failures()).isZero();
    }

    @Test
    void bucketsLeaveOneByOne() {
      RollingWindow w = window(3);
      w.record(at(0), 0, false, false);
      w.record(at(1), 0, false, false);
      w.record(at(1) + 50, 0, false, false);
      w.record(at(2), 0, false, false);

      assertThat(w.snapshot(at(2), 1.0).calls()).isEqualTo(4);
      assertThat(w.snapshot(at(3), 1.0).calls()).isEqualTo(3);
      assertThat(w.snapshot(at(4), 1.0).calls()).isEqualTo(1);
      assertThat(w.snapshot(at(5), 1.0).calls()).isZero();
    }

    @Test
    void aStaleBucketIsReplacedByTheFirstRecordThatFindsIt() {
      RollingWindow w = window(3);
      w.record(at(0), 0, true, true);
      w.record(at(0), 0, true, true);

      w.record(at(3), 0, false, false); // epoch 3 lives in epoch 0's slot

      WindowSnapshot s = w.snapshot(at(3), 1.0);
      assertThat(s.calls()).isEqualTo(1);
      assertThat(s.failures()).isZero();
      assertThat(s.slowCalls()).isZero();
    }

    @Test
    void aStaleBucketNotYetReplacedIsNotCounted() {
      RollingWindow w = window(3);
      w.record(at(0), 0, true, false);

      assertThat(w.snapshot(at(3), 1.0).calls()).isZero();
      assertThat(w.snapshot(at(300), 1.0).calls()).isZero();
    }

    @Test
    void aLateRecordLandsInTheBucketOfItsTime() {
      RollingWindow w = window(3);
      w.record(at(2), 0, false, false);

      w.record(at(1), 0, true, false); // ended earlier, reported after a newer bucket began

      assertThat(w.snapshot(at(2), 1.0).failures()).isEqualTo(1);
      assertThat(w.snapshot(at(3), 1.0).calls()).isEqualTo(2);
      assertThat(w.snapshot(at(4), 1.0).calls()).isEqualTo(1);
    }

    @Test
    void aRecordOlderThanItsSlotsBucketIsDropped() {
      RollingWindow w = window(3);
      w.record(at(3), 0, false, false);

      w.record(at(0), 0, true, false); // epoch 0 shares the slot of epoch 3: long expired

      WindowSnapshot s = w.snapshot(at(3), 1.0);
      assertThat(s.calls()).isEqualTo(1);
      assertThat(s.failures()).isZero();
    }

    @Test
    void worksAcrossTheWrapOfTheNanosecondClock() {
      long origin = Long.MAX_VALUE - 150;
      RollingWindow w = new RollingWindow(origin, WIDTH, 3, 0, null);
      w.record(origin + 10, 0, true, false); // epoch 0
      long wrapped = origin + 250; // negative: epoch 2

      w.record(wrapped, 0, false, false);

      assertThat(wrapped).isNegative();
      assertThat(w.snapshot(wrapped, 1.0).calls()).isEqualTo(2);
      assertThat(w.snapshot(origin + 300, 1.0).calls()).isEqualTo(1);
    }
  }

  @Nested
  class Weighting {

    /** Ten calls in each of epochs 0, 1 and 2; all of epoch 0 failed, none after. */
    private RollingWindow agingFailures() {
      RollingWindow w = window(5);
      for (int epoch = 0; epoch < 3; epoch++) {
        for (int i = 0; i < 10; i++) {
          w.record(at(epoch), 0, epoch == 0, epoch == 2);
        }
      }
      return w;
    }

    @Test
    void slidingWeighsEveryBucketTheSame() {
      WindowSnapshot s = agingFailures().snapshot(at(2), 1.0);

      assertThat(s.failureRate()).isCloseTo(1.0 / 3, within(1e-12));
      assertThat(s.slowCallRate()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void exponentialWeighsABucketKOldByDecayToTheK() {
      WindowSnapshot s = agingFailures().snapshot(at(2), 0.5); // ewmaAlpha 0.5

      // failures 0.25 * 10; calls 0.25 * 10 + 0.5 * 10 + 1 * 10
      assertThat(s.failureRate()).isCloseTo(2.5 / 17.5, within(1e-12));
      assertThat(s.slowCallRate()).isCloseTo(10 / 17.5, within(1e-12));
      assertThat(s.calls()).as("counts stay unweighted").isEqualTo(30);
      assertThat(s.failures()).isEqualTo(10);
      assertThat(s.slowCalls()).isEqualTo(10);
    }

    @Test
    void theWeightsFollowTheAgeAsTimePasses() {
      RollingWindow w = agingFailures();

      WindowSnapshot s = w.snapshot(at(3), 0.5); // one bucket later, nothing new

      // failures 0.125 * 10; calls (0.125 + 0.25 + 0.5) * 10
      assertThat(s.failureRate()).isCloseTo(1.25 / 8.75, within(1e-12));
    }

    @Test
    void throughTheBreakerOldFailuresFadeWithExponentialWeighting() {
      CircuitBreaker sliding = breaker(SampleWeighting.SLIDING);
      CircuitBreaker exponential = breaker(SampleWeighting.EXPONENTIAL);
      for (CircuitBreaker b : List.of(sliding, exponential)) {
        fail(b, 6);
      }
      clock.advance(Duration.ofSeconds(3));
      for (CircuitBreaker b : List.of(sliding, exponential)) {
        succeed(b, 4);
        fail(b, 1); // sliding 7/11; exponential (6/8 + 1) / (6/8 + 5) = 0.30
      }

      assertThat(sliding.state()).isEqualTo(CircuitState.OPEN);
      assertThat(exponential.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(exponential.metrics().failureRate()).isCloseTo(1.75 / 5.75, within(1e-12));
      assertThat(exponential.metrics().windowCalls()).isEqualTo(11);
    }

    @Test
    void throughTheBreakerRecentFailuresWeighMoreWithExponentialWeighting() {
      CircuitBreaker sliding = breaker(SampleWeighting.SLIDING);
      CircuitBreaker exponential = breaker(SampleWeighting.EXPONENTIAL);
      for (CircuitBreaker b : List.of(sliding, exponential)) {
        succeed(b, 8);
      }
      clock.advance(Duration.ofSeconds(3));
      for (CircuitBreaker b : List.of(sliding, exponential)) {
        fail(b, 2); // sliding 2/10; exponential 2 / (8/8 + 2) = 0.67; minCalls counts 10
      }

      assertThat(sliding.state()).isEqualTo(CircuitState.CLOSED);
      assertThat(exponential.state()).isEqualTo(CircuitState.OPEN);
    }

    private final FakeClock clock = new FakeClock();

    /** One-second buckets, minCalls 10, threshold 0.5, ewmaAlpha 0.5. */
    private CircuitBreaker breaker(SampleWeighting weighting) {
      return CircuitBreaker.builder("weighting-" + weighting)
          .clock(clock)
          .config(
              CircuitConfig.builder()
                  .rollingWindow(Duration.ofSeconds(10))
                  .buckets(10)
                  .minCalls(10)
                  .failureRateThreshold(0.5)
                  .sampleWeighting(weighting)
                  .ewmaAlpha(0.5)
                  .build())
          .build();
    }

    private void succeed(CircuitBreaker b, int n) {
      for (int i = 0; i < n; i++) {
        b.acquire().success();
      }
    }

    private void fail(CircuitBreaker b, int n) {
      for (int i = 0; i < n; i++) {
        b.acquire().failure();
      }
    }
  }

  @Nested
  class Latency {

    @Test
    void meanAndPopulationStdDevOfTheLiveBuckets() {
      RollingWindow w = window(3);
      w.record(at(0), 100_000_000, false, false);
      w.record(at(1), 300_000_000, false, false);
      w.record(at(1), 200_000_000, false, false);

      WindowSnapshot s = w.snapshot(at(1), 1.0);

      assertThat(s.meanLatencyNanos()).isEqualTo(200_000_000.0);
      assertThat(s.latencyStdDevNanos()).isCloseTo(Math.sqrt(20_000.0 / 3) * 1e6, within(1.0));
      assertThat(w.snapshot(at(3), 1.0).meanLatencyNanos())
          .as("epoch 0 left the window")
          .isEqualTo(250_000_000.0);
    }

    @Test
    void oneCallHasNoStdDev() {
      RollingWindow w = window(3);
      w.record(at(0), 5_000_000_000L, false, true);

      assertThat(w.snapshot(at(0), 1.0).latencyStdDevNanos()).isZero();
    }
  }

  @Nested
  class CompletedBuckets {

    private final List<String> completed = new ArrayList<>();

    private RollingWindow window(int size) {
      return new RollingWindow(
          ORIGIN, WIDTH, size, 7, (calls, failures) -> completed.add(calls + "/" + failures));
    }

    @Test
    void eachBucketIsReportedOnceWhenANewerOneBegins() {
      RollingWindow w = window(4);
      assertThat(w.generation()).isEqualTo(7);
      w.record(at(0), 0, true, false);
      w.record(at(0), 0, false, false);
      w.record(at(0) + 99, 0, true, false);
      assertThat(completed).isEmpty();

      w.record(at(1), 0, false, false);
      assertThat(completed).containsExactly("3/2");
      w.record(at(3), 0, true, false); // epoch 2 had no calls: it never existed
      assertThat(completed).containsExactly("3/2", "1/0");

      w.record(at(1), 0, false, false); // late, into epoch 1: not reported again
      w.record(at(3), 0, false, false);
      assertThat(completed).containsExactly("3/2", "1/0");
    }

    @Test
    void aSnapshotReportsNothing() {
      RollingWindow w = window(4);
      w.record(at(0), 0, true, false);

      w.snapshot(at(3), 1.0);

      assertThat(completed).isEmpty();
    }
  }

  @Test
  void theRunOfConsecutiveFailuresCountsUpAndClears() {
    RollingWindow w = window(3);
    assertThat(w.incrementConsecutiveFailures()).isEqualTo(1);
    assertThat(w.incrementConsecutiveFailures()).isEqualTo(2);

    w.clearConsecutiveFailures();

    assertThat(w.consecutiveFailures()).isZero();
    w.clearConsecutiveFailures();
    assertThat(w.consecutiveFailures()).isZero();
  }

  /**
   * Threads record into three consecutive epochs at once, so the current-bucket hint moves while
   * others add to it and the first record of each epoch races to install its bucket: every one of
   * the increments must be counted.
   */
  @Test
  void noIncrementIsLostWhileBucketsBeginConcurrently() throws Exception {
    int threads = 4;
    int perThread = 30_000;
    for (int round = 0; round < 5; round++) {
      RollingWindow w = window(10);
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t;
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                      long epoch = (i * 3L / perThread + offset) % 3; // 0, 1, 2 in turn
                      w.record(at(epoch) + i % WIDTH, 1, i % 2 == 0, false);
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      WindowSnapshot s = w.snapshot(at(2), 1.0);
      assertThat(s.calls()).as("round %d", round).isEqualTo((long) threads * perThread);
      assertThat(s.failures()).isEqualTo((long) threads * perThread / 2);
      assertThat(s.meanLatencyNanos()).isEqualTo(1.0);
    }
  }
}
