package io.tailguard.core.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tailguard.core.ratelimit.InMemoryRateLimiterStore;
import io.tailguard.core.ratelimit.InvalidRateLimitKeyException;
import io.tailguard.core.ratelimit.RateLimitConfig;
import io.tailguard.core.ratelimit.RateLimitDecision;
import io.tailguard.core.ratelimit.RateLimiter;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(RedisExtension.class)
class RedisRateLimiterStoreTest {

  private static final Duration[] WINDOWS = {
    Duration.ofMillis(1),
    Duration.ofMillis(7),
    Duration.ofSeconds(1),
    Duration.ofMinutes(1),
    Duration.ofHours(1),
    // Longer than 2^53 ns: the script must not compute in plain nanoseconds.
    Duration.ofDays(200),
    Duration.ofDays(366),
  };

  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;

  @BeforeEach
  void connect(RedisTestServer redis) {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
  }

  @AfterEach
  void disconnect() {
    connection.close();
    client.shutdown();
  }

  private RedisRateLimiterStore.Builder store(String name) {
    return RedisRateLimiterStore.builder(name)
        .commands(connection.async())
        .keyPrefix("test:" + UUID.randomUUID() + ":")
        .commandTimeout(Duration.ofSeconds(5));
  }

  /**
   * Drives the Redis store and the in-memory store with the same random arrivals at the same times
   * (the script reads a fake clock instead of Redis TIME) and requires the same answer every time.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  void decidesExactlyLikeTheInMemoryStore(long seed) {
    Random random = new Random(seed);
    // Near real epoch nanoseconds, as Redis TIME would be.
    FakeClock clock = FakeClock.startingAt(1_790_000_000_000_000_000L + random.nextInt(1 << 30));
    RateLimitConfig config =
        RateLimitConfig.of(
            1 + random.nextInt(random.nextBoolean() ? 5 : 1000),
            WINDOWS[random.nextInt(WINDOWS.length)]);
    InMemoryRateLimiterStore memory = new InMemoryRateLimiterStore(clock);
    RedisRateLimiterStore redis = store("compare").scriptClock(clock).build();
    String[] keys = {"a", "b", "", "user:42"};
    long t = config.emissionIntervalNanos();
    for (int i = 0; i < 300; i++) {
      switch (random.nextInt(4)) {
        case 0 -> clock.advanceNanos(random.nextInt(3) * random.nextLong(Math.max(1, 2 * t)));
        case 1 -> clock.advanceNanos(random.nextLong(Math.max(1, config.burstNanos() / 4)));
        default -> {}
      }
      String key = keys[random.nextInt(keys.length)];
      int permits = 1 + random.nextInt(Math.min(config.capacity(), random.nextBoolean() ? 2 : 50));
      String step = "seed " + seed + ", step " + i + ", " + config;
      switch (random.nextInt(5)) {
        case 0, 1 -> {
          long wait = random.nextBoolean() ? 0 : random.nextLong(config.window().toNanos() + 1);
          assertThat(redis.acquire(key, permits, wait, config))
              .as(step)
              .isEqualTo(memory.acquire(key, permits, wait, config));
        }
        case 2, 3 ->
            assertThat(redis.decide(key, permits, config))
                .as(step)
                .isEqualTo(memory.decide(key, permits, config));
        default -> {
          redis.release(key, permits, config);
          memory.release(key, permits, config);
        }
      }
    }
    assertThat(redis.fallbacks()).isZero();
  }

  @Test
  void aLimiterOnTheRedisStoreLimitsAndAnswersHeaders() {
    connection.sync().scriptFlush(); // the script is then loaded once, by the first request
    RedisRateLimiterStore store = store("search").build();
    RateLimiter limiter =
        RateLimiter.builder("search")
            .config(RateLimitConfig.of(3, Duration.ofMinutes(1)))
            .store(store)
            .build();
    assertThat(limiter.tryAcquire("k")).isTrue();
    assertThat(limiter.tryAcquire("k", 2)).isTrue();
    RateLimitDecision refused = limiter.decide("k");
    assertThat(refused.reason()).isEqualTo(RateLimitDecision.Reason.RATE_EXCEEDED);
    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
    assertThat(limiter.tryAcquire("other")).isTrue();
    assertThat(store.fallbacks()).isZero();
    assertThat(store.describe()).containsEntry("kind", "redis").containsEntry("scriptLoads", 1L);
  }

  @Test
  void aRegistryGivesEachLimiterItsOwnStoreAndKeys() {
    // The default prefixes, shared by every run on this server: start from clean keys.
    connection.sync().del("tailguard:rl:search:{k}", "tailguard:rl:embed:{k}");
    RateLimiterRegistry registry =
        RateLimiterRegistry.builder()
            .defaults(RateLimitConfig.of(1, Duration.ofMinutes(1)))
            .stores(
                RedisRateLimiterStore.factory(
                    b ->
                        b.commands(connection.async())
                            .failurePolicy(RedisFailurePolicy.FAIL_CLOSED)))
            .build();
    RateLimiter search = registry.limiter("search");
    RateLimiter embed = registry.limiter("embed");
    assertThat(search.store()).isInstanceOf(RedisRateLimiterStore.class);
    assertThat(search.tryAcquire("k")).isTrue();
    assertThat(search.tryAcquire("k")).isFalse();
    assertThat(embed.tryAcquire("k")).isTrue();
    assertThat(search.store().describe()).containsEntry("keyPrefix", "tailguard:rl:search:");
    connection.sync().del("tailguard:rl:search:{k}", "tailguard:rl:embed:{k}");
  }

  @Test
  void keysExpireWhenTheyAreBackToFullCapacity() {
    RedisRateLimiterStore store = store("ttl").keyPrefix("ttl:" + UUID.randomUUID() + ":").build();
    RateLimitConfig config = RateLimitConfig.of(10, Duration.ofSeconds(100));
    assertThat(store.acquire("k", 3, 0, config)).isZero();
    String redisKey = store.describe().get("keyPrefix") + "{k}";
    long pttl = connection.sync().pttl(redisKey);
    // Three permits of 10 s each: the key is full again in 30 s, and expires then.
    assertThat(pttl).isBetween(29_000L, 30_000L);
  }

  @Test
  void hostileKeysAreRefusedOrKeptApart() {
    RedisRateLimiterStore store = store("hostile").build();
    RateLimitConfig config = RateLimitConfig.of(1, Duration.ofMinutes(1));
    assertThatThrownBy(() -> store.acquire("a}b", 1, 0, config))
        .isInstanceOfSatisfying(
            InvalidRateLimitKeyException.class,
            e -> assertThat(e.limiterName()).isEqualTo("hostile"))
        .hasMessage("key must not contain '{' or '}' (a Redis Cluster hash tag), found at index 1");
    assertThatThrownBy(() -> store.decide("{x", 1, config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 0");
    assertThatThrownBy(() -> store.acquire("ab\uD800", 1, 0, config))
        .isInstanceOf(InvalidRateLimitKeyException.class)
        .hasMessage(
            "key must be valid UTF-16 (Redis keys are UTF-8), found an unpaired surrogate at index"
                + " 2");
    assertThatThrownBy(() -> store.acquire("\uDC00", 1, 0, config))
        .isInstanceOf(IllegalArgumentException.class);
    // Keys that look like Lua, protocol or other keys are just keys, each with its own limit.
    String[] odd = {
      "'); redis.call('FLUSHALL') --",
      "\r\n*1\r\n$8\r\nFLUSHALL\r\n",
      "a:b",
      "a",
      "",
      "\u0000",
      "emoji \uD83D\uDE00",
      "x".repeat(RateLimitConfig.MAX_KEY_LENGTH),
      "x".repeat(RateLimitConfig.MAX_KEY_LENGTH - 1) + "y",
    };
    for (String key : odd) {
      assertThat(store.acquire(key, 1, 0, config)).as(key).isZero();
    }
    for (String key : odd) {
      assertThat(store.acquire(key, 1, 0, config)).as(key).isNegative();
    }
    assertThat(store.fallbacks()).isZero();
  }

  @Test
  void badSettingsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").build())
        .hasMessage("exactly one of commands and uri must be set, was neither");
    assertThatThrownBy(
            () ->
                RedisRateLimiterStore.builder("x")
                    .commands(connection.async())
                    .uri("redis://localhost")
                    .build())
        .hasMessage("exactly one of commands and uri must be set, was both");
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").uri("http://user:secret@host/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri must be a Redis URI")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").keyPrefix("a{b}:"))
        .hasMessageStartingWith("keyPrefix must have at most 256 characters and no '{' or '}'");
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").commandTimeout(Duration.ZERO))
        .hasMessageStartingWith("commandTimeout must be in");
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").instanceCount(0))
        .hasMessageStartingWith("instanceCount must be in [1, 100000], was 0");
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("bad name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").failurePolicy(null))
        .hasMessage("failurePolicy must not be null");
  }

  /** An unreachable Redis at start-up is no error: requests are decided by the policy. */
  @ParameterizedTest
  @EnumSource(RedisFailurePolicy.class)
  void anUnreachableRedisAtStartUpFallsBackPerPolicy(RedisFailurePolicy policy) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RateLimitConfig config = RateLimitConfig.of(8, Duration.ofMinutes(1));
    try (RedisRateLimiterStore store =
        RedisRateLimiterStore.builder("down")
            .uri("redis://127.0.0.1:" + port)
            .failurePolicy(policy)
            .instanceCount(4)
            .build()) {
      int permitted = 0;
      for (int i = 0; i < 20; i++) {
        if (store.acquire("k", 1, 0, config) >= 0) {
          permitted++;
        }
      }
      RateLimitDecision d = store.decide("k", 1, config);
      switch (policy) {
        case FAIL_OPEN -> {
          assertThat(permitted).isEqualTo(20);
          assertThat(d.permitted()).isTrue();
        }
        case FAIL_CLOSED -> {
          assertThat(permitted).isZero();
          assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        }
        case LOCAL -> {
          assertThat(permitted).isEqualTo(2); // 8 shared by 4 instances
          assertThat(d.reason()).isEqualTo(RateLimitDecision.Reason.RATE_EXCEEDED);
          assertThat(d.limit()).isEqualTo(8);
        }
      }
      assertThat(store.isDegraded()).isTrue();
      assertThat(store.fallbacks()).isEqualTo(21);
      assertThat(store.fallbackEpisodes()).isEqualTo(1);
      assertThat(store.describe())
          .containsEntry("redis", "127.0.0.1:" + port)
          .containsEntry("degraded", true);
    }
  }
}
