package io.tailguard.benchmarks.ratelimiter;

import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@code tryAcquire} of one permit that is granted, on one hot key and spread over 10,000 keys,
 * against Resilience4j 2.4.0's {@code AtomicRateLimiter} and Bucket4j 8.19.0's lock-free local
 * bucket. The limit (10^9 per second) is far above what a core can ask for, so every request is
 * granted and the benchmark measures the permit path, which is the common one.
 *
 * <ul>
 *   <li>{@code tailguard}: {@link RateLimiter#tryAcquire(String)}; it finds the key itself.
 *   <li>{@code resilience4j}, {@code bucket4j}: neither is keyed, so a keyed limit is a {@link
 *       ConcurrentHashMap} of limiters, filled in set-up; with one key the peer's limiter is called
 *       directly, without the lookup Tailguard still does.
 * </ul>
 *
 * <p>{@code floor} is one clock read and one compare-and-set of a shared word (with 10,000 keys: of
 * the key's own word, found in a {@link ConcurrentHashMap}): what a limiter that writes the key's
 * state on every permit must do at least.
 *
 * <p>Each thread walks the keys in one shuffled order (not the order their state was allocated in),
 * from its own starting point. A trial fills only the keys of the variant it measures: filling all
 * four interleaved every key's state with the other three variants' objects, so each key's few
 * words were spread over several times more cache lines than they take. Run both thread counts and
 * get ratios with {@link RateLimiterComparison}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class RateLimiterBenchmark {

  private static final int LIMIT = 1_000_000_000;

  /** The number of keys requests are spread over. */
  @Param({"1", "10000"})
  public int keys;

  private String[] names;
  // The keys in the order threads ask for them: shuffled, so that it is not the order their state
  // was allocated in (adjacent in memory), which real traffic does not follow either.
  private String[] walk;
  private RateLimiter tailguard;
  private AtomicRateLimiter r4jHot;
  private Bucket bucketHot;
  private final ConcurrentHashMap<String, AtomicRateLimiter> r4j = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Bucket> bucket4j = new ConcurrentHashMap<>();

  @Setup
  public void setUp(BenchmarkParams params) {
    String variant = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = "user-" + i;
    }
    tailguard =
        RateLimiter.of(
            "bench",
            RateLimitConfig.builder()
                .capacity(LIMIT)
                .window(Duration.ofSeconds(1))
                .maxKeys(Math.max(keys, 1000))
                .cleanupThreshold(Math.max(keys, 1000))
                .build());
    RateLimiterConfig r4jConfig =
        RateLimiterConfig.custom()
            .limitForPeriod(LIMIT)
            .limitRefreshPeriod(Duration.ofSeconds(1))
            .timeoutDuration(Duration.ZERO)
            .build();
    for (String name : names) {
      switch (variant) {
        case "tailguard" -> tailguard.tryAcquire(name);
        case "resilience4j" -> r4j.put(name, new AtomicRateLimiter(name, r4jConfig));
        case "bucket4j" -> bucket4j.put(name, newBucket());
        case "floor" -> floorWords.put(name, new AtomicLong());
        default -> throw new IllegalStateException("unknown variant " + variant);
      }
    }
    walk = names.clone();
    Collections.shuffle(Arrays.asList(walk), new Random(42));
    r4jHot = r4j.get(names[0]);
    bucketHot = bucket4j.get(names[0]);
  }

  private static Bucket newBucket() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(LIMIT).refillGreedy(LIMIT, Duration.ofSeconds(1)))
        .build();
  }

  /** Per thread: the next key to ask for. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    int size;

    @Setup
    public void setUp(RateLimiterBenchmark b, ThreadParams thread) {
      size = b.keys;
      // Threads start evenly spread over the keys, so they rarely ask for the same key at once.
      next = (int) ((long) thread.getThreadIndex() * size / thread.getThreadCount());
    }

    int advance() {
      int i = next;
      next = i + 1 == size ? 0 : i + 1;
      return i;
    }
  }

  // The floor's one shared word, written by every call of every thread.
  private final AtomicLong floorWord = new AtomicLong();
  // The floor's word per key, for more than one key.
  private final ConcurrentHashMap<String, AtomicLong> floorWords = new ConcurrentHashMap<>();

  /**
   * The floor: a clock read and one compare-and-set of the key's word (one shared word for the hot
   * key, a map lookup first for many keys), the least a limiter that writes the key's state on
   * every permit can do.
   */
  @Benchmark
  public boolean floor(Cursor c) {
    long now = System.nanoTime();
    AtomicLong word = keys == 1 ? floorWord : floorWords.get(walk[c.advance()]);
    long v = word.get();
    return word.compareAndSet(v, Math.max(v, now) + 1);
  }

  @Benchmark
  public boolean tailguard(Cursor c) {
    return tailguard.tryAcquire(walk[c.advance()]);
  }

  @Benchmark
  public boolean resilience4j(Cursor c) {
    String key = walk[c.advance()];
    return keys == 1 ? r4jHot.acquirePermission() : r4j.get(key).acquirePermission();
  }

  @Benchmark
  public boolean bucket4j(Cursor c) {
    String key = walk[c.advance()];
    return keys == 1 ? bucketHot.tryConsume(1) : bucket4j.get(key).tryConsume(1);
  }
}
