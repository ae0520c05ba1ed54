package io.tailguard.spring.autoconfigure;

import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the deprecated {@code resilience.actuator.write-enabled=true} working for one release: it
 * becomes {@code management.endpoint.resilience.access=unrestricted}, Spring Boot's own switch for
 * the endpoint's write operations, in a property source of the lowest precedence. So Boot's setting
 * decides whenever the application sets it ({@code management.endpoint.resilience.access}, or
 * Boot's deprecated {@code management.endpoint.resilience.enabled}, which may not be set together
 * with it), and {@code management.endpoints.access.max-permitted} still caps it. Any use of the old
 * key is logged at WARN with its replacement.
 *
 * <p>Stateless after construction and thread-safe.
 */
public final class ResilienceEndpointAccessDefaults implements EnvironmentPostProcessor {

  static final String WRITE_ENABLED = "resilience.actuator.write-enabled";
  static final String ACCESS = "management.endpoint.resilience.access";
  static final String ENABLED = "management.endpoint.resilience.enabled";

  private final Log log;

  /**
   * Creates the post-processor; Spring Boot passes the log factory.
   *
   * @param logs where the deprecation warning goes once logging is up
   */
  public ResilienceEndpointAccessDefaults(DeferredLogFactory logs) {
    this.log = logs.getLog(ResilienceEndpointAccessDefaults.class);
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Binder binder = Binder.get(environment);
    String writeEnabled = binder.bind(WRITE_ENABLED, String.class).orElse(null);
    if (writeEnabled == null) {
      return;
    }
    log.warn(
        WRITE_ENABLED
            + " is deprecated and will be removed: use "
            + ACCESS
            + "=unrestricted to allow the resilience endpoint's write operations (read-only,"
            + " the default, to refuse them)");
    // false is the default already; a value that is not a boolean is refused with its name by the
    // configuration binder at start-up.
    if (!writeEnabled.trim().equalsIgnoreCase("true")
        || binder.bind(ACCESS, String.class).isBound()
        || binder.bind(ENABLED, String.class).isBound()) {
      return;
    }
    // Access.UNRESTRICTED by name: Actuator is optional, and this runs without it too.
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                "tailguardDeprecatedWriteEnabled", Map.of(ACCESS, "UNRESTRICTED")));
  }
}
