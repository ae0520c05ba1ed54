package io.tailguard.spring.autoconfigure;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.spring.actuate.ResilienceHealthContributor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * The {@code resilience} health component (circuit breakers, the global fuse, health probes). Off
 * with {@code management.health.resilience.enabled=false}.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(ResilienceRuntime.class)
@ConditionalOnEnabledHealthIndicator("resilience")
public final class ResilienceHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "resilienceHealthContributor")
  ResilienceHealthContributor resilienceHealthContributor(
      ObjectProvider<CircuitBreakerRegistry> breakers, ObjectProvider<HealthRegistry> probes) {
    return new ResilienceHealthContributor(breakers.getIfAvailable(), probes.getIfAvailable());
  }
}
