package io.tailguard.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.testing.Race;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Threads racing on one key or many, with the clock fixed or moving and idle keys being evicted,
 * are never granted more than {@code capacity + elapsed / interval} permits per key. Assertions are
 * bounds that hold for every interleaving, never timings.
 */
class RateLimiterConcurrencyTest {

  private static final int THREADS = 4;

  private final FakeClock clock = new FakeClock();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private RateLimiter limiter(RateLimitConfig config) {
    return RateLimiter.builder("race").config(config).clock(clock).scheduler(clock).build();
  }

  /** Runs {@code task} on every worker at once; returns the workers' results. */
  private <T> List<T> race(int workers, Callable<T> task) throws Exception {
    return Race.run(pool, workers, task);
  }

  @Test
  void oneHotKeyWithAFixedClockGrantsExactlyItsCapacity() throws Exception {
    RateLimiter l = limiter(RateLimitConfig.of(1_000, Duration.ofSeconds(1)));
    List<Integer> granted =
        race(
            THREADS,
            () -> {
              int n = 0;
              for (int i = 0; i < 1_000; i++) {
                if (l.tryAcquire("hot")) {
                  n++;
                }
              }
              return n;
            });
    assertThat(granted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1_000);
    assertThat(l.permittedCount()).isEqualTo(1_000);
    assertThat(l.rejectedCount()).isEqualTo(3_000);
  }

  @Test
  void manyKeysWithAFixedClockGrantExactlyTheirCapacityEach() throws Exception {
    RateLimiter l = limiter(RateLimitConfig.of(5, Duration.ofSeconds(1)));
    int keys = 500;
    Map<String, Integer> granted = new ConcurrentHashMap<>();
    race(
        THREADS,
        () -> {
          int offset = ThreadLocalRandom.current().nextInt(keys);
          for (int round = 0; round < 3; round++) {
            for (int i = 0; i < keys; i++) {
              String key = "user-" + (offset + i) % keys;
              if (l.tryAcquire(key)) {
                granted.merge(key, 1, Integer::sum);
              }
            }
          }
          return null;
        });
    assertThat(granted).hasSize(keys);
    assertThat(granted.values()).containsOnly(5); // 12 requests each, 5 granted
    assertThat(l.keyCount()).isEqualTo(keys);
  }

  @Test
  void oneHotKeyWithAMovingClockStaysWithinTheBound() throws Exception {
    // 50 per 100 ms: one permit every 2 ms.
    RateLimiter l = limiter(RateLimitConfig.of(50, Duration.ofMillis(100)));
    long interval = l.config().emissionIntervalNanos();
    long start = clock.nanoTime();
    AtomicBoolean workersDone = new AtomicBoolean();
    Future<?> ticker = pool.submit(() -> tick(workersDone, 20_000));
    List<Integer> granted =
        race(
            THREADS,
            () -> {
              int n = 0;
              for (int i = 0; i < 5_000; i++) {
                int permits = 1 + (i % 3);
                if (l.tryAcquire("hot", permits)) {
                  n += permits;
                }
              }
              return n;
            });
    workersDone.set(true);
    ticker.get(30, TimeUnit.SECONDS);
    long elapsed = clock.nanoTime() - start;
    long total = granted.stream().mapToInt(Integer::intValue).sum();
    assertThat(total * interval).isLessThanOrEqualTo(l.config().burstNanos() + elapsed);
    assertThat(l.rejectedCount()).isPositive(); // 20,000 requests for far more than the bound
  }

  @Test
  void evictionRacingAMovingClockNeverOverPermits() throws Exception {
    // 2 per 2 ms: a key used once is idle again after 1 ms, and every new key sweeps.
    RateLimitConfig config =
        RateLimitConfig.builder()
            .capacity(2)
            .window(Duration.ofMillis(2))
            .cleanupThreshold(1)
            .maxKeys(100_000)
            .build();
    RateLimiter l = limiter(config);
    Map<String, KeyGrants> grants = new ConcurrentHashMap<>();
    runDriftingKeys(l, grants, 20_000);
    long evicted = (long) l.store().describe().get("evictedKeys");
    assertThat(evicted).as("keys evicted while requests raced").isPositive();
    assertWithinTheBound(grants, config);
  }

  @Test
  void theKeyCapHoldsUnderRacingInsertsAndSweeps() throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .capacity(2)
            .window(Duration.ofMillis(2))
            .cleanupThreshold(4)
            .maxKeys(8)
            .build();
    RateLimiter l = limiter(config);
    Map<String, KeyGrants> grants = new ConcurrentHashMap<>();
    List<Long> overCap = new CopyOnWriteArrayList<>();
    runDriftingKeys(
        l,
        grants,
        20_000,
        () -> {
          long n = l.keyCount();
          if (n > 8) {
            overCap.add(n);
          }
        });
    assertThat(overCap).isEmpty();
    assertThat(l.keyLimitedCount()).isPositive();
    assertWithinTheBound(grants, config);
  }

  @Test
  void racingReservationsAreGrantedUpToTheBoundAndFallDueInOrder() throws Exception {
    RateLimiter l = limiter(RateLimitConfig.of(10, Duration.ofSeconds(10)));
    List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
    race(
        THREADS,
        () -> {
          for (int i = 0; i < 50; i++) {
            stages.add(l.acquireAsync("k", 1, Duration.ofSeconds(10)).toCompletableFuture());
          }
          return null;
        });
    // A wait of up to one window on top of the burst: 10 now and 10 more, one per second.
    assertThat(stages.stream().filter(f -> f.isCompletedExceptionally()).count()).isEqualTo(180);
    assertThat(stages.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count())
        .isEqualTo(10);
    for (int s = 1; s <= 10; s++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(stages.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count())
          .as("after %d s", s)
          .isEqualTo(10 + s);
    }
    assertThat(clock.pendingTasks()).isZero();
  }

  /** Advances the clock in small steps until the workers are done (or {@code maxSteps}). */
  private Void tick(AtomicBoolean done, int maxSteps) {
    for (int i = 0; i < maxSteps && !done.get(); i++) {
      clock.advanceNanos(20_000);
      Thread.yield();
    }
    return null;
  }

  /**
   * Workers request keys from a population that drifts with the clock (a new key every 0.25 ms), so
   * old keys go idle and are swept out while other workers still hit them. The clock and the
   * requests move together: the ticker takes one 20 µs step per 20 requests and the workers never
   * run more than 10 steps ahead of it, so every run interleaves requests with a moving clock.
   */
  private void runDriftingKeys(
      RateLimiter l, Map<String, KeyGrants> grants, int requestsPerWorker, Runnable check)
      throws Exception {
    long start = clock.nanoTime();
    int perStep = 20;
    int steps = THREADS * requestsPerWorker / perStep;
    AtomicLong requests = new AtomicLong();
    AtomicLong ticks = new AtomicLong();
    AtomicBoolean workersDone = new AtomicBoolean();
    Future<?> ticker =
        pool.submit(
            () -> {
              for (int step = 1; step <= steps; step++) {
                while (requests.get() < (long) step * perStep && !workersDone.get()) {
                  Thread.yield();
                }
                clock.advanceNanos(20_000);
                ticks.incrementAndGet();
              }
              ticks.set(Long.MAX_VALUE / 2); // done: workers wait no more
            });
    try {
      race(
          THREADS,
          () -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < requestsPerWorker; i++) {
              long n = requests.incrementAndGet();
              while (ticks.get() + 10 < n / perStep) {
                Thread.yield();
              }
              long before = clock.nanoTime();
              long slot = (before - start) / 250_000;
              String key = "k" + (slot + rnd.nextInt(8));
              boolean ok = l.tryAcquire(key);
              long after = clock.nanoTime();
              if (ok) {
                grants.computeIfAbsent(key, k -> new KeyGrants()).add(before, after);
              }
              check.run();
            }
            return null;
          });
    } finally {
      workersDone.set(true);
      ticker.get(30, TimeUnit.SECONDS);
    }
  }

  private void runDriftingKeys(RateLimiter l, Map<String, KeyGrants> grants, int requestsPerWorker)
      throws Exception {
    runDriftingKeys(l, grants, requestsPerWorker, () -> {});
  }

  /**
   * Every grant of a key read the clock between its worker's readings before and after the call, so
   * a key's grants all fall in [earliest before, latest after] and must fit that span.
   */
  private static void assertWithinTheBound(Map<String, KeyGrants> grants, RateLimitConfig c) {
    assertThat(grants).isNotEmpty();
    grants.forEach(
        (key, g) ->
            assertThat(g.count * c.emissionIntervalNanos())
                .as("permits of %s granted in %d ns", key, g.latestAfter - g.earliestBefore)
                .isLessThanOrEqualTo(c.burstNanos() + (g.latestAfter - g.earliestBefore)));
  }

  /** The grants of one key and the clock span they fall in. */
  static final class KeyGrants {
    // Guarded by this.
    long count;
    long earliestBefore = Long.MAX_VALUE;
    long latestAfter = Long.MIN_VALUE;

    synchronized void add(long before, long after) {
      count++;
      earliestBefore = Math.min(earliestBefore, before);
      latestAfter = Math.max(latestAfter, after);
    }
  }
}
