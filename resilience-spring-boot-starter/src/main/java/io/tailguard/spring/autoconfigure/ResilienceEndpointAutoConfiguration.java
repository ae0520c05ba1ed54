package io.tailguard.spring.autoconfigure;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.spring.actuate.ResilienceEndpoint;
import io.tailguard.spring.actuate.ResilienceEventsEndpoint;
import io.tailguard.spring.actuate.ResilienceEventsEndpointWebExtension;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code resilience} and {@code resilienceevents} Actuator endpoints. Exposed like any endpoint
 * ({@code management.endpoints.web.exposure.include}); {@code resilience} is read-only unless
 * {@code management.endpoint.resilience.access=unrestricted} allows its write operations.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ResilienceRuntime.class)
public final class ResilienceEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = ResilienceEndpoint.class)
  ResilienceEndpoint resilienceEndpoint(ResilienceRuntime runtime) {
    return new ResilienceEndpoint(runtime);
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
