package io.tailguard.spring.autoconfigure;

import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.spring.actuate.ResilienceEndpoint;
import io.tailguard.spring.actuate.ResilienceEndpointWebExtension;
import io.tailguard.spring.actuate.ResilienceEventsEndpoint;
import io.tailguard.spring.actuate.ResilienceEventsEndpointWebExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code resilience} and {@code resilienceevents} Actuator endpoints. Exposed like any endpoint
 * ({@code management.endpoints.web.exposure.include}); {@code resilience} is read-only unless
 * {@code management.endpoint.resilience.access=unrestricted} allows its write operations, and shows
 * values of sensitive keys as {@code management.endpoint.resilience.show-values} says, with the
 * application's {@link SanitizingFunction} beans applied.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ResilienceRuntime.class)
@EnableConfigurationProperties(ResilienceEndpointProperties.class)
public final class ResilienceEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = ResilienceEndpoint.class)
  ResilienceEndpoint resilienceEndpoint(
      ResilienceRuntime runtime,
      ResilienceEndpointProperties properties,
      ObjectProvider<SanitizingFunction> sanitizingFunctions) {
    return new ResilienceEndpoint(
        runtime, sanitizingFunctions.orderedStream().toList(), properties.getShowValues());
  }

  /** Decides per request whether values of sensitive keys are shown. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(ResilienceEndpoint.class)
  @ConditionalOnAvailableEndpoint(
      endpoint = ResilienceEndpoint.class,
      exposure = EndpointExposure.WEB)
  ResilienceEndpointWebExtension resilienceEndpointWebExtension(
      ResilienceEndpoint endpoint, ResilienceEndpointProperties properties) {
    return new ResilienceEndpointWebExtension(
        endpoint, properties.getShowValues(), properties.getRoles());
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = ResilienceEventsEndpoint.class)
  ResilienceEventsEndpoint resilienceEventsEndpoint(Telemetry telemetry) {
    return new ResilienceEventsEndpoint(telemetry);
  }

  /** Says over HTTP why a query was refused (400), which Boot's error page would not. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(ResilienceEventsEndpoint.class)
  @ConditionalOnAvailableEndpoint(
      endpoint = ResilienceEventsEndpoint.class,
      exposure = EndpointExposure.WEB)
  ResilienceEventsEndpointWebExtension resilienceEventsEndpointWebExtension(
      ResilienceEventsEndpoint endpoint) {
    return new ResilienceEventsEndpointWebExtension(endpoint);
  }
}
