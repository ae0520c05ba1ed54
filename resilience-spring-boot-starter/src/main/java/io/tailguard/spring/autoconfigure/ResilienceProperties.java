package io.tailguard.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * The starter's own switches under {@code resilience.*}. The engines' settings are not repeated
 * here: they are declared once in the core ({@link io.tailguard.core.config.ConfigSchema}), read
 * from the environment by {@link ResilienceConfigBinder} and validated by the core, and their IDE
 * metadata is generated from the declaration into {@code
 * META-INF/additional-spring-configuration-metadata.json} (a test fails when it drifts).
 *
 * <p>Not thread-safe; bound once at start-up.
 */
@ConfigurationProperties(prefix = "resilience", ignoreInvalidFields = true)
public class ResilienceProperties {

  /** Whether Tailguard's auto-configuration is active. */
  private boolean enabled = true;

  /** Settings of the annotation aspects. */
  private final Aspects aspects = new Aspects();

  /** Settings of the Actuator endpoints. */
  private final Actuator actuator = new Actuator();

  /** Settings of the web error responses. */
  private final Web web = new Web();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Aspects getAspects() {
    return aspects;
  }

  public Actuator getActuator() {
    return actuator;
  }

  public Web getWeb() {
    return web;
  }

  /** Settings of the annotation aspects. */
  public static class Aspects {

    /**
     * Order of the aspects, outermost first. Each of rate-limited, retried, hedged and
     * circuit-protected appears once.
     */
    private List<String> order =
        new ArrayList<>(List.of("rate-limited", "retried", "hedged", "circuit-protected"));

    public List<String> getOrder() {
      return order;
    }

    public void setOrder(List<String> order) {
      this.order = order;
    }
  }

  /** Settings of the Actuator endpoints. */
  public static class Actuator {

    /**
     * Whether the resilience endpoint offers write operations (force-open, close, reset,
     * reconfigure). Deprecated: Spring Boot's management.endpoint.resilience.access decides
     * (read-only by default, unrestricted for the write operations); true still grants them when
     * that is not set.
     */
    private boolean writeEnabled = false;

    /**
     * Returns whether write operations were asked for with the old switch.
     *
     * @return the value
     * @deprecated use {@code management.endpoint.resilience.access=unrestricted}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    @DeprecatedConfigurationProperty(
        replacement = "management.endpoint.resilience.access",
        reason = "Spring Boot's endpoint access model replaces the starter's own switch",
        since = "0.1.0")
    public boolean isWriteEnabled() {
      return writeEnabled;
    }

    /**
     * Sets the old switch.
     *
     * @param writeEnabled the value
     * @deprecated use {@code management.endpoint.resilience.access=unrestricted}
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public void setWriteEnabled(boolean writeEnabled) {
      this.writeEnabled = writeEnabled;
    }
  }

  /** Settings of the web error responses. */
  public static class Web {

    /**
     * Whether rejections become RFC 9457 problem details (503 with Retry-After for an open circuit,
     * 504 for a hedging timeout) in Spring MVC and WebFlux applications.
     */
    private boolean problemDetails = true;

    public boolean isProblemDetails() {
      return problemDetails;
    }

    public void setProblemDetails(boolean problemDetails) {
      this.problemDetails = problemDetails;
    }
  }
}
