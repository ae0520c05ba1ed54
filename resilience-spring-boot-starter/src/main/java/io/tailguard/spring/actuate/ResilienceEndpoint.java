package io.tailguard.spring.actuate;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.config.YamlConfigWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/resilience}: every instance's {@code describe()} (configuration and live state),
 * grouped by engine, and the configuration in force. Read only; the write operations live in {@link
 * WritableResilienceEndpoint}, used instead when {@code resilience.actuator.write-enabled} is true.
 *
 * <ul>
 *   <li>{@code GET /actuator/resilience}: everything
 *   <li>{@code GET /actuator/resilience/{engine}}: one of {@code circuit-breakers}, {@code
 *       hedgers}, {@code rate-limiters}, {@code retriers}, {@code health}, {@code telemetry},
 *       {@code config}
 *   <li>{@code GET /actuator/resilience/{engine}/{name}}: one instance
 * </ul>
 *
 * <p>Thread-safe: it reads the engines' own thread-safe descriptions.
 */
@Endpoint(id = "resilience")
public class ResilienceEndpoint {

  /** The engines shown under their names. */
  static final String[] ENGINES = {
    "circuit-breakers", "hedgers", "rate-limiters", "retriers", "health", "telemetry", "config"
  };

  final ResilienceRuntime runtime;

  /**
   * Creates the endpoint.
   *
   * @param runtime the engines
   */
  public ResilienceEndpoint(ResilienceRuntime runtime) {
    this.runtime = runtime;
  }

  /**
   * Returns every engine's instances and the configuration in force.
   *
   * @return the description
   */
  @ReadOperation
  public Map<String, Object> resilience() {
    Map<String, Object> all = new LinkedHashMap<>();
    for (String engine : ENGINES) {
      all.put(engine, engine(engine));
    }
    return all;
  }

  /**
   * Returns one engine's instances.
   *
   * @param engine the engine
   * @return its instances by name, or {@code null} (404) for an unknown engine
   */
  @ReadOperation
  public Map<String, Object> engine(@Selector String engine) {
    switch (engine) {
      case "circuit-breakers":
        return new LinkedHashMap<>(runtime.circuitBreakers().describe());
      case "hedgers":
        return new LinkedHashMap<>(runtime.hedgers().describe());
      case "rate-limiters":
        return new LinkedHashMap<>(runtime.rateLimiters().describe());
      case "retriers":
        return new LinkedHashMap<>(runtime.retriers().describe());
      case "health":
        return runtime.health().describe();
      case "telemetry":
        return runtime.telemetry().describe();
      case "config":
        return YamlConfigWriter.toTree(runtime.config());
      default:
        return null;
    }
  }

  /**
   * Returns one instance.
   *
   * @param engine the engine
   * @param name the instance
   * @return its description, or {@code null} (404) if there is none
   */
  @ReadOperation
  public Map<String, Object> instance(@Selector String engine, @Selector String name) {
    switch (engine) {
      case "circuit-breakers":
        return runtime.circuitBreakers().describe().get(name);
      case "hedgers":
        return runtime.hedgers().find(name).map(h -> h.describe()).orElse(null);
      case "rate-limiters":
        return runtime.rateLimiters().find(name).map(l -> l.describe()).orElse(null);
      case "retriers":
        return runtime.retriers().find(name).map(r -> r.describe()).orElse(null);
      default:
        return null;
    }
  }
}
