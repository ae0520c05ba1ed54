package io.tailguard.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.spring.metrics.RateLimiterMetrics;
import io.tailguard.spring.metrics.ResilienceMetrics;
import io.tailguard.spring.metrics.RetrierMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for every engine, bound by Spring Boot to its meter registry. Only when there
 * is a {@link MeterRegistry}: without one nothing would read them.
 */
@AutoConfiguration(
    after = ResilienceAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ResilienceRuntime.class, MeterRegistry.class})
public final class ResilienceMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ResilienceMetrics resilienceMetrics(
      ObjectProvider<CircuitBreakerRegistry> breakers,
      ObjectProvider<HedgerRegistry> hedgers,
      ObjectProvider<HealthRegistry> health,
      ObjectProvider<Telemetry> telemetry) {
    return new ResilienceMetrics(
        breakers.getIfAvailable(),
        hedgers.getIfAvailable(),
        health.getIfAvailable(),
        telemetry.getIfAvailable());
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(RateLimiterRegistry.class)
  RateLimiterMetrics rateLimiterMetrics(RateLimiterRegistry limiters) {
    return new RateLimiterMetrics(limiters);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(RetryRegistry.class)
  RetrierMetrics retrierMetrics(RetryRegistry retriers) {
    return new RetrierMetrics(retriers);
  }
}
