package io.tailguard.spring.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.tailguard.spring.aop.CallObserver;
import io.tailguard.spring.observation.ObservationCallObserver;
import io.tailguard.spring.observation.ResilienceCallConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Wraps each protected call in a Micrometer {@code Observation} named {@code resilience.call}
 * (low-cardinality keys name, engine, outcome) when the application has an {@link
 * ObservationRegistry}, as Spring Boot provides with Actuator. A {@link ResilienceCallConvention}
 * bean renames or retags them; a {@link CallObserver} bean replaces the whole mechanism. Without an
 * observation registry nothing is observed and the aspects pay nothing.
 */
@AutoConfiguration(
    after = ResilienceAutoConfiguration.class,
    afterName =
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnBooleanProperty(name = "resilience.enabled", matchIfMissing = true)
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class ResilienceObservationAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(CallObserver.class)
  ObservationCallObserver resilienceCallObserver(
      ObservationRegistry registry, ObjectProvider<ResilienceCallConvention> convention) {
    return new ObservationCallObserver(registry, convention.getIfAvailable());
  }
}
