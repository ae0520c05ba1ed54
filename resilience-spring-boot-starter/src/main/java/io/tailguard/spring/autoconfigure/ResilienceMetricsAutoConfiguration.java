package io.tailguard.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.spring.metrics.HttpClientMetrics;
import io.tailguard.spring.metrics.ObservationTimerFilter;
import io.tailguard.spring.metrics.RateLimiterMetrics;
import io.tailguard.spring.metrics.ResilienceMetrics;
import io.tailguard.spring.metrics.RetrierMetrics;
import io.tailguard.spring.observation.DefaultResilienceCallConvention;
import io.tailguard.spring.observation.ResilienceCallConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for every engine, bound by Spring Boot to its meter registry. Only when there
 * is a {@link MeterRegistry}: without one nothing would read them.
 *
 * <p>Each protected call is timed once, by {@code resilience_call_duration_seconds}: an {@link
 * ObservationTimerFilter} denies the timers Boot's meter observation handler would make for the
 * {@code resilience.call} observation. Percentile histograms are off unless the application turns
 * them on with {@code
 * management.metrics.distribution.percentiles-histogram.resilience.call.duration = true}.
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
  ObservationTimerFilter resilienceObservationTimerFilter(
      ObjectProvider<ResilienceCallConvention> convention) {
    ResilienceCallConvention c = convention.getIfAvailable();
    String name = c != null ? c.getName() : null; // a convention may keep the default name
    return new ObservationTimerFilter(name != null ? name : DefaultResilienceCallConvention.NAME);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(RateLimiterRegistry.class)
  RateLimiterMetrics rateLimiterMetrics(RateLimiterRegistry limiters) {
    return new RateLimiterMetrics(limiters);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(HttpClientRegistry.class)
  HttpClientMetrics httpClientMetrics(HttpClientRegistry clients) {
    return new HttpClientMetrics(clients);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(RetryRegistry.class)
  RetrierMetrics retrierMetrics(RetryRegistry retriers) {
    return new RetrierMetrics(retriers);
  }
}
