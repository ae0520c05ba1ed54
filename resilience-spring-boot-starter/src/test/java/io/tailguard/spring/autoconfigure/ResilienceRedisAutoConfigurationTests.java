package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.redis.RedisFailurePolicy;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.testing.TcpProxy;
import io.tailguard.spring.actuate.RedisStoreHealthIndicator;
import io.tailguard.spring.actuate.ResilienceHealthContributor;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** {@code resilience.rate-limiter.backend=redis} in a Spring application. */
@ExtendWith(RedisExtension.class)
class ResilienceRedisAutoConfigurationTests {

  // A prefix of its own per test, so that tests sharing one Redis never meet.
  final String prefix = "startertest:" + UUID.randomUUID() + ":";

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataRedisAutoConfiguration.class,
                  ResilienceRedisAutoConfiguration.class,
                  ResilienceAutoConfiguration.class,
                  ResilienceHealthAutoConfiguration.class))
          .withPropertyValues(
              "resilience.rate-limiter.backend=redis",
              "resilience.rate-limiter.redis.key-prefix=" + prefix,
              "resilience.rate-limiter.redis.failure-policy=fail-closed",
              // Long enough that a healthy command never times out on a loaded machine (200 ms
              // did).
              "resilience.rate-limiter.redis.command-timeout=2s",
              "resilience.rate-limiter.instances.search.capacity=3",
              "resilience.rate-limiter.instances.search.window=1h");

  static Health redisHealth(org.springframework.context.ApplicationContext context) {
    var contributor = context.getBean(ResilienceHealthContributor.class);
    return ((HealthIndicator) contributor.getContributor(RedisStoreHealthIndicator.NAME)).health();
  }

  @Test
  void twoApplicationsShareLimitsOverTheirSpringDataRedisConnection(RedisTestServer redis) {
    runner
        .withPropertyValues("spring.data.redis.url=" + redis.uri())
        .run(
            a ->
                runner
                    .withPropertyValues("spring.data.redis.url=" + redis.uri())
                    .run(
                        b -> {
                          assertThat(a).hasSingleBean(ApplicationRedisConnection.class);
                          assertThat(a).hasSingleBean(LettuceConnectionFactory.class);
                          RateLimiter sa =
                              a.getBean(ResilienceRuntime.class).rateLimiters().limiter("search");
                          RateLimiter sb =
                              b.getBean(ResilienceRuntime.class).rateLimiters().limiter("search");
                          assertThat(sa.store()).isInstanceOf(RedisRateLimiterStore.class);
                          assertThat(((RedisRateLimiterStore) sa.store()).failurePolicy())
                              .isEqualTo(RedisFailurePolicy.FAIL_CLOSED);
                          assertThat(sa.tryAcquire("alice")).isTrue();
                          assertThat(sb.tryAcquire("alice")).isTrue();
                          assertThat(sa.tryAcquire("alice")).isTrue();
                          assertThat(sb.tryAcquire("alice")).isFalse();
                          assertThat(sa.tryAcquire("alice")).isFalse();

                          Health h = redisHealth(a);
                          assertThat(h.getStatus()).isEqualTo(Status.UP);
                          assertThat(h.getDetails())
                              .containsEntry("stores", 1)
                              .containsEntry("fallbacks", 0L)
                              .containsEntry("failurePolicy", "FAIL_CLOSED");
                          assertThat((String) h.getDetails().get("connection"))
                              .startsWith("spring.data.redis (");
                        }));
  }

  @Test
  void theHealthEntryIsDegradedWhileTheStoreIsOnItsFailurePolicy(RedisTestServer redis)
      throws Exception {
    try (TcpProxy proxy = redis.proxy()) {
      runner
          .withPropertyValues("spring.data.redis.url=" + proxy.uri())
          .run(
              context -> {
                RateLimiter search =
                    context.getBean(ResilienceRuntime.class).rateLimiters().limiter("search");
                assertThat(search.tryAcquire("bob")).isTrue();
                assertThat(redisHealth(context).getStatus()).isEqualTo(Status.UP);

                proxy.hang();
                // fail-closed: refused while Redis does not answer.
                assertThat(search.tryAcquire("bob")).isFalse();
                Health h = redisHealth(context);
                assertThat(h.getStatus()).isEqualTo(ResilienceHealthContributor.DEGRADED);
                assertThat(h.getDetails())
                    .containsEntry("onFailurePolicy", java.util.List.of("search"));
                assertThat(context.getBean(ResilienceHealthContributor.class).stream())
                    .extracting(e -> e.name())
                    .contains(RedisStoreHealthIndicator.NAME);
              });
    }
  }

  @Test
  void anUnreachableApplicationRedisStopsTheApplicationNamingIt() {
    runner
        .withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      org.assertj.core.util.Throwables.getStackTrace(context.getStartupFailure()))
                  .contains(
                      "resilience.rate-limiter.backend redis: cannot connect to the Redis of"
                          + " spring.data.redis.* (127.0.0.1:1)");
            });
  }

  @Test
  void withoutSpringDataRedisTheConfiguredUriIsUsed(RedisTestServer redis) {
    runner
        .withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
        .withPropertyValues("resilience.rate-limiter.redis.uri=" + redis.uri())
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ApplicationRedisConnection.class);
              RateLimiter search =
                  context.getBean(ResilienceRuntime.class).rateLimiters().limiter("search");
              assertThat(search.store()).isInstanceOf(RedisRateLimiterStore.class);
              assertThat(search.tryAcquire("carol")).isTrue();
              assertThat(((RedisRateLimiterStore) search.store()).fallbacks()).isZero();
              assertThat(redisHealth(context).getDetails())
                  .containsEntry("connection", redis.uri());
            });
  }

  @Test
  void theMemoryBackendOpensNoRedisConnectionAndHasNoRedisEntry(RedisTestServer redis) {
    runner
        .withPropertyValues(
            "resilience.rate-limiter.backend=memory", "spring.data.redis.url=" + redis.uri())
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ApplicationRedisConnection.class);
              assertThat(
                      context
                          .getBean(ResilienceHealthContributor.class)
                          .getContributor(RedisStoreHealthIndicator.NAME))
                  .isNull();
            });
  }
}
