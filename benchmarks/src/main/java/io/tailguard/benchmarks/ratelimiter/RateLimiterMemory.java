package io.tailguard.benchmarks.ratelimiter;

import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measures the heap each tracked key costs, with JOL: the retained graph of a limiter holding N
 * keys, minus the graph of the key strings themselves (the caller's, the same for every library),
 * divided by N. Peers are keyed the usual way, one limiter per key in a {@link ConcurrentHashMap}.
 *
 * <p>{@code java -Djdk.attach.allowAttachSelf -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.ratelimiter.RateLimiterMemory [keys]} (default 100,000).
 */
public final class RateLimiterMemory {

  private RateLimiterMemory() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = "user-" + i;
    }
    long keyBytes = GraphLayout.parseInstance((Object[]) keys).totalSize();

    RateLimiter tailguard =
        RateLimiter.of(
            "memory",
            RateLimitConfig.builder()
                .capacity(30)
                .window(Duration.ofMinutes(1))
                .maxKeys(n)
                .cleanupThreshold(n)
                .build());
    ConcurrentHashMap<String, AtomicRateLimiter> r4j = new ConcurrentHashMap<>();
    ConcurrentHashMap<String, Bucket> bucket4j = new ConcurrentHashMap<>();
    RateLimiterConfig r4jConfig =
        RateLimiterConfig.custom()
            .limitForPeriod(30)
            .limitRefreshPeriod(Duration.ofMinutes(1))
            .timeoutDuration(Duration.ZERO)
            .build();
    for (String key : keys) {
      tailguard.tryAcquire(key);
      AtomicRateLimiter limiter = new AtomicRateLimiter(key, r4jConfig);
      limiter.acquirePermission();
      r4j.put(key, limiter);
      Bucket bucket =
          Bucket.builder()
              .addLimit(l -> l.capacity(30).refillGreedy(30, Duration.ofMinutes(1)))
              .build();
      bucket.tryConsume(1);
      bucket4j.put(key, bucket);
    }
    report("tailguard", GraphLayout.parseInstance(tailguard, keys).totalSize(), keyBytes, n);
    report("resilience4j", GraphLayout.parseInstance(r4j, keys).totalSize(), keyBytes, n);
    report("bucket4j", GraphLayout.parseInstance(bucket4j, keys).totalSize(), keyBytes, n);
  }

  private static void report(String name, long total, long keyBytes, int n) {
    System.out.printf(
        Locale.ROOT, "| %s | %.1f bytes per key |%n", name, (double) (total - keyBytes) / n);
  }
}
