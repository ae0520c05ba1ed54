package io.tailguard.core.ratelimiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.ratelimiter.InvalidRateLimitKeyException;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.testing.TcpProxy;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RateLimiter#acquireAsync} on the Redis backend never blocks the calling thread (a reactive
 * caller's is an event loop): the decision completes when Redis answers, on the client's thread,
 * and a Redis that cannot answer is decided by the failure policy as on the blocking path. Before,
 * the store had only a blocking acquire, so the caller waited up to the command timeout.
 */
@ExtendWith(RedisExtension.class)
class RedisAsyncAcquireTest {

  static final RateLimitConfig CONFIG = RateLimitConfig.of(8, Duration.ofMinutes(1));

  static RedisRateLimiterStore.Builder store(TcpProxy proxy, RedisFailurePolicy policy) {
    return RedisRateLimiterStore.builder("async")
        .uri(proxy.uri())
        .keyPrefix("async:" + UUID.randomUUID() + ":")
        .failurePolicy(policy)
        .instanceCount(4)
        // Far longer than the test: only Redis's answer (or the connection dropping) ends a wait.
        .commandTimeout(Duration.ofSeconds(10));
  }

  @Test
  void aDecisionRedisHasNotGivenYetLeavesTheCallerFree(RedisTestServer redis) throws Exception {
    try (TcpProxy proxy = redis.proxy();
        RedisRateLimiterStore store = store(proxy, RedisFailurePolicy.FAIL_CLOSED).build()) {
      RateLimiter limiter = RateLimiter.builder("async").config(CONFIG).store(store).build();
      // Connected and the script loaded: Redis decides.
      assertThat(limiter.acquireAsync("k", 1, Duration.ZERO).toCompletableFuture().get()).isNull();

      proxy.hang(); // Redis receives nothing and answers nothing
      AtomicReference<Thread> decidedOn = new AtomicReference<>();
      CompletableFuture<Void> pending =
          limiter.acquireAsync("k", 1, Duration.ZERO).toCompletableFuture();
      pending.whenComplete((v, e) -> decidedOn.set(Thread.currentThread()));
      // Returned while Redis has not answered: nothing waited for it.
      assertThat(pending).isNotDone();

      proxy.restore(); // drops the connection: the command fails, and FAIL_CLOSED refuses
      assertThat(pending)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              RateLimitExceededException.class,
              e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
      assertThat(decidedOn.get()).isNotSameAs(Thread.currentThread());
      assertThat(store.fallbacks()).isEqualTo(1);
      assertThat(store.isDegraded()).isTrue();
      assertThat(limiter.rejectedCount()).isEqualTo(1);
    }
  }

  @Test
  void aRedisThatStopsAnsweringIsDecidedByThePolicyAfterTheTimeout(RedisTestServer redis)
      throws Exception {
    try (TcpProxy proxy = redis.proxy();
        RedisRateLimiterStore store =
            store(proxy, RedisFailurePolicy.FAIL_OPEN)
                .commandTimeout(Duration.ofMillis(200))
                .build()) {
      RateLimiter limiter = RateLimiter.builder("async").config(CONFIG).store(store).build();
      // The first request of a JVM may wait longer than the timeout for the connection.
      org.awaitility.Awaitility.await()
          .until(
              () -> {
                limiter.acquireAsync("k", 1, Duration.ZERO).toCompletableFuture().join();
                return !store.isDegraded(); // this one reached Redis
              });
      long before = store.fallbacks();
      proxy.hang();
      AtomicReference<Thread> decidedOn = new AtomicReference<>();
      CompletableFuture<Void> pending =
          limiter.acquireAsync("k", 1, Duration.ZERO).toCompletableFuture();
      pending.whenComplete((v, e) -> decidedOn.set(Thread.currentThread()));
      assertThat(pending).succeedsWithin(Duration.ofSeconds(10)); // FAIL_OPEN permits
      assertThat(store.fallbacks() - before).isEqualTo(1);
      // Not on the JDK's timer thread, which every CompletableFuture timeout shares.
      assertThat(decidedOn.get().getName()).doesNotContain("Delay");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisFailurePolicy.class)
  void theAsyncPathKeepsTheFailurePolicy(RedisFailurePolicy policy, RedisTestServer redis)
      throws Exception {
    try (TcpProxy proxy = redis.proxy();
        RedisRateLimiterStore store = store(proxy, policy).build()) {
      RateLimiter limiter = RateLimiter.builder("async").config(CONFIG).store(store).build();
      proxy.cut(); // refused at once: Redis is down
      int permitted = 0;
      for (int i = 0; i < 4; i++) {
        try {
          limiter.acquireAsync("k", 1, Duration.ZERO).toCompletableFuture().get();
          permitted++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(RateLimitExceededException.class);
          if (policy == RedisFailurePolicy.FAIL_CLOSED) {
            assertThat(((RateLimitExceededException) e.getCause()).retryAfter())
                .isEqualTo(Duration.ofSeconds(1));
          }
        }
      }
      switch (policy) {
        case FAIL_OPEN -> assertThat(permitted).isEqualTo(4);
        case FAIL_CLOSED -> assertThat(permitted).isZero();
        case LOCAL -> assertThat(permitted).isEqualTo(8 / 4); // this instance's share
      }
      assertThat(store.fallbacks()).isEqualTo(4);
      assertThat(store.fallbackEpisodes()).isEqualTo(1);
    }
  }

  @Test
  void sharedLimitsAndScriptReloadsOnTheAsyncPathAndKeyRulesCheckedBeforeAnyCommand(
      RedisTestServer redis) throws Exception {
    try (TcpProxy proxy = redis.proxy();
        RedisRateLimiterStore store = store(proxy, RedisFailurePolicy.FAIL_OPEN).build()) {
      RateLimiter limiter = RateLimiter.builder("async").config(CONFIG).store(store).build();
      redis.flushScripts(); // as after a restart: the first request loads the script again
      assertThat(limiter.acquireAsync("k", 8, Duration.ZERO).toCompletableFuture().get()).isNull();
      assertThat(store.describe()).containsEntry("scriptLoads", 1L);
      assertThat(limiter.acquireAsync("k", 1, Duration.ZERO).toCompletableFuture())
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RateLimitExceededException.class);
      assertThat(limiter.tryAcquire("k")).isFalse(); // both paths share the key in Redis
      assertThatThrownBy(() -> limiter.acquireAsync("{k}", 1, Duration.ZERO))
          .isInstanceOf(InvalidRateLimitKeyException.class);
      assertThat(store.fallbacks()).isZero();
    }
  }
}
