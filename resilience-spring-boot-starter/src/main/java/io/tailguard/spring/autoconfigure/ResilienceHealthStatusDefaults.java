package io.tailguard.spring.autoconfigure;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Orders Tailguard's DEGRADED health status between DOWN and UP, unless the application sets {@code
 * management.endpoint.health.status.order} itself: the default goes in a property source of the
 * lowest precedence. DEGRADED answers HTTP 200 like any status that is not DOWN or OUT_OF_SERVICE;
 * map it otherwise with {@code management.endpoint.health.status.http-mapping}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResilienceHealthStatusDefaults implements EnvironmentPostProcessor {

  static final String ORDER = "management.endpoint.health.status.order";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                "tailguardHealthStatusDefaults",
                Map.of(ORDER, "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN")));
  }
}
