package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.redis.RedisFailurePolicy;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import io.tailguard.core.runtime.ConfigWatcher;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.time.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code rate-limiter.backend: redis} from YAML: the runtime's limiters share Redis. */
@ExtendWith(RedisExtension.class)
class RedisBackendConfigTest {

  // A prefix of its own per test, so that tests sharing one Redis never meet.
  final String prefix = "cfgtest:" + UUID.randomUUID() + ":";

  String yaml(String uri, int instanceCount) {
    return """
    resilience:
      rate-limiter:
        backend: redis
        redis:
          uri: %s
          key-prefix: '%s'
          command-timeout: 500ms
          failure-policy: fail-closed
          instance-count: %d
        instances:
          search: {capacity: 3, window: 1h}
    """
        .formatted(uri, prefix, instanceCount);
  }

  @Test
  void theRedisGroupLoadsAndRoundTrips() {
    ResilienceConfig c = YamlConfigLoader.loadString(yaml("redis://cache:6379/2", 4));
    ResilienceConfig.RedisSection r = c.rateLimiting().redis();
    assertThat(c.rateLimiting().backend()).isEqualTo(RateLimitBackend.REDIS);
    assertThat(r.uri()).isEqualTo("redis://cache:6379/2");
    assertThat(r.keyPrefix()).isEqualTo(prefix);
    assertThat(r.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(r.failurePolicy()).isEqualTo(RedisFailurePolicy.FAIL_CLOSED);
    assertThat(r.instanceCount()).isEqualTo(4);
    String exported = YamlConfigWriter.toYaml(c);
    assertThat(YamlConfigLoader.loadString(exported)).isEqualTo(c);
    assertThat(YamlConfigLoader.loadString("resilience:\n  rate-limiter: {}\n").rateLimiting())
        .extracting(ResilienceConfig.RateLimitingSection::redis)
        .isEqualTo(ResilienceConfig.RedisSection.DEFAULTS);
  }

  @Test
  void twoRuntimesLoadedFromYamlShareTheirLimits(RedisTestServer redis) {
    ResilienceConfig config = YamlConfigLoader.loadString(yaml(redis.uri(), 2));
    try (ResilienceRuntime a = ResilienceRuntime.builder().config(config).build();
        ResilienceRuntime b = ResilienceRuntime.builder().config(config).build()) {
      RateLimiter sa = a.rateLimiters().limiter("search");
      RateLimiter sb = b.rateLimiters().limiter("search");
      assertThat(sa.store()).isInstanceOf(RedisRateLimiterStore.class);
      RedisRateLimiterStore store = (RedisRateLimiterStore) sa.store();
      assertThat(store.failurePolicy()).isEqualTo(RedisFailurePolicy.FAIL_CLOSED);

      assertThat(sa.tryAcquire("alice")).isTrue();
      assertThat(sb.tryAcquire("alice")).isTrue();
      assertThat(sa.tryAcquire("alice")).isTrue();
      // Capacity 3 is shared: the fourth permit is refused on both instances.
      assertThat(sb.tryAcquire("alice")).isFalse();
      assertThat(sa.tryAcquire("alice")).isFalse();
      assertThat(sb.tryAcquire("bob")).isTrue();
      assertThat(store.fallbacks()).isZero();
    }
  }

  @Test
  void backendRedisWithoutUriNeedsAConnection() {
    ResilienceConfig c =
        YamlConfigLoader.loadString("resilience:\n  rate-limiter:\n    backend: redis\n");
    assertThat(c.rateLimiting().redis().uri()).isNull();
    assertThatThrownBy(() -> ResilienceRuntime.builder().config(c).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "resilience.rate-limiter.redis.uri must be set when backend is redis (or the runtime"
                + " given a connection)");
  }

  @Test
  void theRedisSettingsCannotChangeWhileRunning(RedisTestServer redis) {
    try (ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .config(YamlConfigLoader.loadString(yaml(redis.uri(), 2)))
            .build()) {
      ResilienceConfig inForce = rt.config();
      assertThatThrownBy(() -> rt.apply(YamlConfigLoader.loadString(yaml(redis.uri(), 3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "resilience.rate-limiter.redis cannot change while running; restart to change it");
      assertThat(rt.config()).isEqualTo(inForce);
      // Limits still change.
      assertThat(
              rt.apply(
                  YamlConfigLoader.loadString(
                      yaml(redis.uri(), 2).replace("capacity: 3", "capacity: 5"))))
          .containsExactly("resilience.rate-limiter.instances.search.capacity: 3 -> 5");
    }
  }

  @Test
  void aChangeOfBackendIsRefusedWholeByTheWatcher(@TempDir Path dir) throws Exception {
    FakeClock clock = new FakeClock();
    Path file = dir.resolve("resilience.yml");
    String memory = "resilience:\n  rate-limiter:\n    instances:\n      search: {capacity: 2}\n";
    Files.writeString(file, memory);
    try (ResilienceRuntime rt =
            ResilienceRuntime.builder()
                .config(YamlConfigLoader.load(file))
                .clock(clock)
                .scheduler(clock)
                .build();
        ConfigWatcher watcher = ConfigWatcher.watch(file, rt, clock, Duration.ofSeconds(1))) {
      ResilienceConfig inForce = rt.config();
      Files.writeString(
          file,
          memory.replace("capacity: 2", "capacity: 9")
              + "    backend: redis\n    redis: {uri: 'redis://127.0.0.1:1'}\n");
      assertThat(watcher.checkNow()).isEmpty();
      assertThat(watcher.rejectedReloads()).isEqualTo(1);
      assertThat(rt.config()).isEqualTo(inForce);
      assertThat(rt.rateLimiters().limiter("search").config().capacity()).isEqualTo(2);
      assertThatThrownBy(() -> rt.apply(YamlConfigLoader.load(file)))
          .hasMessage(
              "resilience.rate-limiter.backend cannot change while running (in force: memory,"
                  + " given: redis); restart to change it");
    }
  }
}
