package io.tailguard.spring.autoconfigure;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.spring.actuate.ResilienceEndpoint;
import io.tailguard.spring.actuate.ResilienceEventsEndpoint;
import io.tailguard.spring.actuate.ResilienceEventsEndpointWebExtension;
import io.tailguard.spring.actuate.WritableResilienceEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code resilience} and {@code resilienceevents} Actuator endpoints. Exposed like any endpoint
 * ({@code management.endpoints.web.exposure.include}); write operations only with {@code
 * resilience.actuator.write-enabled=true}.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ResilienceRuntime.class)
public final class ResilienceEndpointAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnAvailableEndpoint(endpoint = ResilienceEndpoint.class)
  static class Resilience {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(
        name = "resilience.actuator.write-enabled",
        havingValue = false,
        matchIfMissing = true)
    ResilienceEndpoint resilienceEndpoint(ResilienceRuntime runtime) {
      return new ResilienceEndpoint(runtime);
    }

    @Bean
    @ConditionalOnMissingBean(ResilienceEndpoint.class)
    @ConditionalOnBooleanProperty(name = "resilience.actuator.write-enabled")
    WritableResilienceEndpoint writableResilienceEndpoint(ResilienceRuntime runtime) {
      return new WritableResilienceEndpoint(runtime);
    }
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
