package io.tailguard.spring.autoconfigure;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.spring.actuate.RedisStoreHealthIndicator;
import io.tailguard.spring.actuate.ResilienceHealthContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code resilience} health component (circuit breakers, the global fuse, health probes, and
 * the rate limiters' Redis stores when the backend is redis). Off with {@code
 * management.health.resilience.enabled=false}. It is part of {@code /actuator/health} only: the
 * liveness and readiness groups hold it when the application names it (see {@link
 * ResilienceHealthContributor}).
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(ResilienceRuntime.class)
@ConditionalOnEnabledHealthIndicator("resilience")
@ConditionalOnBooleanProperty(name = "resilience.health.enabled", matchIfMissing = true)
public final class ResilienceHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "resilienceHealthContributor")
  ResilienceHealthContributor resilienceHealthContributor(
      ObjectProvider<CircuitBreakerRegistry> breakers,
      ObjectProvider<HealthRegistry> probes,
      ResilienceRuntime runtime,
      ObjectProvider<RedisStoresSource> redis) {
    Map<String, HealthIndicator> extra = new LinkedHashMap<>();
    ResilienceConfig.RateLimitingSection rl = runtime.config().rateLimiting();
    if (rl.backend() == RateLimitBackend.REDIS) {
      RedisStoresSource connection = redis.getIfAvailable();
      String where =
          connection != null
              ? "spring.data.redis (" + connection.description() + ")"
              : String.valueOf(rl.redis().uri()).replaceAll("//[^@/]*@", "//***@");
      extra.put(
          RedisStoreHealthIndicator.NAME,
          new RedisStoreHealthIndicator(runtime.rateLimiters(), where));
    }
    return new ResilienceHealthContributor(
        breakers.getIfAvailable(), probes.getIfAvailable(), extra);
  }
}
