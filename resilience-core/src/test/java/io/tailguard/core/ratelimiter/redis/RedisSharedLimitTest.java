package io.tailguard.core.ratelimiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Four instances of a service, each with its own limiter, store and client, share one Redis. */
@ExtendWith(RedisExtension.class)
class RedisSharedLimitTest {

  private static final int INSTANCES = 4;
  private static final int THREADS_PER_INSTANCE = 2;
  private static final int CALLS_PER_THREAD = 250;

  @Test
  void fourInstancesUnderConcurrentLoadGrantNoMoreThanTheSharedLimit(RedisTestServer redis)
      throws Exception {
    // 50 per 10 s: one permit earned back every 200 ms.
    RateLimitConfig config = RateLimitConfig.of(50, Duration.ofSeconds(10));
    String prefix = "shared:" + UUID.randomUUID() + ":";
    List<RedisRateLimiterStore> stores = new ArrayList<>();
    List<RateLimiter> limiters = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      RedisRateLimiterStore store =
          RedisRateLimiterStore.builder("search")
              .uri(redis.uri())
              .keyPrefix(prefix)
              // Any fallback would only refuse, and is checked below not to have happened.
              .failurePolicy(RedisFailurePolicy.FAIL_CLOSED)
              .commandTimeout(Duration.ofSeconds(5))
              .build();
      stores.add(store);
      limiters.add(RateLimiter.builder("search").config(config).store(store).build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES * THREADS_PER_INSTANCE);
    AtomicInteger permittedA = new AtomicInteger();
    AtomicInteger permittedB = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (RateLimiter limiter : limiters) {
        for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                      if (limiter.tryAcquire("tenant-a")) {
                        permittedA.incrementAndGet();
                      }
                      if (limiter.tryAcquire("tenant-b", 2)) {
                        permittedB.addAndGet(2);
                      }
                    }
                    return null;
                  }));
        }
      }
      long t0 = System.nanoTime();
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      long elapsed = System.nanoTime() - t0;
      // GCRA over the run: capacity + one permit per emission interval elapsed. Every decision is
      // one script on Redis's clock, so there is no tolerance beyond it (+1 for the partial
      // interval at the end of the run).
      long bound = config.capacity() + elapsed / config.emissionIntervalNanos() + 1;
      assertThat(permittedA.get()).isBetween(config.capacity(), (int) bound);
      assertThat(permittedB.get()).isBetween(config.capacity(), (int) bound + 1);
      for (RedisRateLimiterStore store : stores) {
        assertThat(store.fallbacks()).isZero();
      }
    } finally {
      pool.shutdownNow();
      for (RedisRateLimiterStore store : stores) {
        store.close();
      }
    }
  }
}
