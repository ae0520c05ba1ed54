package io.tailguard.core.ratelimiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitDecision;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.testing.TcpProxy;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Redis goes away in the middle of a load run (the proxy in front of it drops every connection, or
 * stops answering), then comes back having lost its scripts.
 */
@ExtendWith(RedisExtension.class)
class RedisOutageTest {

  // Long enough that a healthy command on a loaded 2-core machine never times out (200 ms did, now
  // and then), short enough to tell a call that waited for it from one decided at once.
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
  private static final int THREADS = 2;
  private static final int CALLS_PER_THREAD = 100;

  enum Outage {
    STOPPED,
    HUNG
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (RedisFailurePolicy policy : RedisFailurePolicy.values()) {
      for (Outage outage : Outage.values()) {
        cases.add(Arguments.of(policy, outage));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void eachPolicyDoesWhatItSaysAndSharedLimitsResume(
      RedisFailurePolicy policy, Outage outage, RedisTestServer redis) throws Exception {
    // The breaker runs on a fake clock: it stays open until the test moves it past the cooldown.
    FakeClock breakerClock = new FakeClock();
    CircuitBreaker breaker =
        CircuitBreaker.builder("outage")
            .clock(breakerClock)
            .config(
                CircuitConfig.builder()
                    .consecutiveFailuresThreshold(3)
                    .openCooldown(Duration.ofSeconds(1))
                    .maxOpenCooldown(Duration.ofSeconds(1))
                    .halfOpenMaxConcurrent(1)
                    .halfOpenRequiredSuccesses(1)
                    .build())
            .build();
    RateLimitConfig config = RateLimitConfig.of(40, Duration.ofMinutes(1));
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (TcpProxy proxy = redis.proxy();
        RedisRateLimiterStore store =
            RedisRateLimiterStore.builder("outage")
                .uri(proxy.uri())
                .keyPrefix("outage:" + UUID.randomUUID() + ":")
                .failurePolicy(policy)
                .instanceCount(4)
                .commandTimeout(COMMAND_TIMEOUT)
                .breaker(breaker)
                .build()) {
      // The first requests of a JVM may wait for class loading and the connection longer than
      // the command timeout; the run starts once Redis answers.
      awaitShared(store, breakerClock, config);
      long warmUpFallbacks = store.fallbacks();
      long warmUpEpisodes = store.fallbackEpisodes();

      // Up: 20 of the shared 40 permits of "k" are taken in Redis.
      Run up = run(pool, store, config, 10);
      assertThat(up.failures).isEmpty();
      assertThat(up.permitted.get()).isEqualTo(2 * 10);
      assertThat(store.fallbacks()).isEqualTo(warmUpFallbacks);

      // Down, under load.
      if (outage == Outage.STOPPED) {
        proxy.cut();
      } else {
        proxy.hang();
      }
      Run down = run(pool, store, config, CALLS_PER_THREAD);
      int calls = THREADS * CALLS_PER_THREAD;
      assertThat(down.failures).as("callers see no exception").isEmpty();
      switch (policy) {
        case FAIL_OPEN -> assertThat(down.permitted.get()).isEqualTo(calls);
        case FAIL_CLOSED -> {
          assertThat(down.permitted.get()).isZero();
          assertThat(down.retryAfters).containsOnly(Duration.ofSeconds(1));
        }
        case LOCAL -> assertThat(down.permitted.get()).isEqualTo(40 / 4);
      }
      assertThat(store.fallbacks() - warmUpFallbacks).isEqualTo(calls);
      assertThat(store.fallbackEpisodes() - warmUpEpisodes).isEqualTo(1);
      assertThat(store.isDegraded()).isTrue();
      assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
      // Only the calls that reached Redis before the breaker opened waited, each at most the
      // command timeout; every later call was decided at once.
      long slowNanos = COMMAND_TIMEOUT.dividedBy(2).toNanos();
      assertThat(down.latencies.stream().filter(n -> n > slowNanos).count())
          .isLessThanOrEqualTo(3 + THREADS - 1);
      assertThat(down.latencies.stream().mapToLong(Long::longValue).max().orElseThrow())
          .isLessThan(COMMAND_TIMEOUT.plusMillis(500).toNanos());

      // Back, having lost its scripts as a restarted server would.
      proxy.restore();
      redis.flushScripts();
      long fallbacksBefore = store.fallbacks();
      awaitShared(store, breakerClock, config);
      long probeFallbacks = store.fallbacks() - fallbacksBefore;
      // Shared limiting again: the 20 permits Redis granted before the outage still count.
      Run after = run(pool, store, config, 15);
      assertThat(after.failures).isEmpty();
      assertThat(after.permitted.get()).isBetween(20, 22);
      assertThat(store.fallbacks() - fallbacksBefore).isEqualTo(probeFallbacks);
      assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
      assertThat((Long) store.describe().get("scriptLoads")).isGreaterThanOrEqualTo(1);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * The application's own connection (Lettuce reconnecting by itself, buffering commands while
   * disconnected): requests still wait at most the command timeout, and limits resume.
   */
  @org.junit.jupiter.api.Test
  void anApplicationConnectionRecoversToo(RedisTestServer redis) throws Exception {
    FakeClock breakerClock = new FakeClock();
    CircuitBreaker breaker =
        CircuitBreaker.builder("app-connection")
            .clock(breakerClock)
            .config(
                CircuitConfig.builder()
                    .consecutiveFailuresThreshold(3)
                    .openCooldown(Duration.ofSeconds(1))
                    .maxOpenCooldown(Duration.ofSeconds(1))
                    .build())
            .build();
    RateLimitConfig config = RateLimitConfig.of(40, Duration.ofMinutes(1));
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    io.lettuce.core.RedisClient client = null;
    try (TcpProxy proxy = redis.proxy()) {
      client = io.lettuce.core.RedisClient.create(proxy.uri());
      io.lettuce.core.api.StatefulRedisConnection<String, String> connection = client.connect();
      RedisRateLimiterStore store =
          RedisRateLimiterStore.builder("app")
              .commands(connection.async())
              .keyPrefix("app:" + UUID.randomUUID() + ":")
              .failurePolicy(RedisFailurePolicy.FAIL_CLOSED)
              .commandTimeout(COMMAND_TIMEOUT)
              .breaker(breaker)
              .build();
      awaitShared(store, breakerClock, config);
      assertThat(run(pool, store, config, 10).permitted.get()).isEqualTo(20);

      proxy.cut();
      Run down = run(pool, store, config, CALLS_PER_THREAD);
      assertThat(down.failures).isEmpty();
      assertThat(down.permitted.get()).isZero();
      assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
      assertThat(down.latencies.stream().mapToLong(Long::longValue).max().orElseThrow())
          .isLessThan(COMMAND_TIMEOUT.plusMillis(500).toNanos());

      proxy.restore();
      awaitShared(store, breakerClock, config);
      Run after = run(pool, store, config, 15);
      assertThat(after.failures).isEmpty();
      assertThat(after.permitted.get()).isBetween(20, 22);
      connection.close();
    } finally {
      if (client != null) {
        client.shutdown();
      }
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Waits until a request is decided by Redis, moving the breaker past its cooldowns. */
  private static void awaitShared(
      RedisRateLimiterStore store, FakeClock breakerClock, RateLimitConfig config) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              breakerClock.advance(Duration.ofSeconds(2));
              long before = store.fallbacks();
              store.decide("probe", 1, config);
              return store.fallbacks() == before;
            });
  }

  /** The outcome of THREADS threads each deciding {@code perThread} requests for key "k". */
  private static final class Run {
    final AtomicInteger permitted = new AtomicInteger();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Duration> retryAfters = new ConcurrentLinkedQueue<>();
  }

  private static Run run(
      ExecutorService pool, RedisRateLimiterStore store, RateLimitConfig config, int perThread)
      throws Exception {
    Run run = new Run();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  long t0 = System.nanoTime();
                  try {
                    RateLimitDecision d = store.decide("k", 1, config);
                    if (d.permitted()) {
                      run.permitted.incrementAndGet();
                    } else {
                      run.retryAfters.add(d.retryAfter());
                    }
                  } catch (Throwable e) {
                    run.failures.add(e);
                  }
                  run.latencies.add(System.nanoTime() - t0);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    return run;
  }
}
