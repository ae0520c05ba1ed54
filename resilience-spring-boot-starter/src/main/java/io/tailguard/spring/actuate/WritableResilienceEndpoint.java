package io.tailguard.spring.actuate;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/resilience} with write operations, used only when {@code
 * resilience.actuator.write-enabled} is true:
 *
 * <ul>
 *   <li>{@code POST /actuator/resilience/circuit-breakers/{name}} with {@code {"action":
 *       "force-open" | "disable" | "close" | "reset"}}: an operator action on a breaker
 *   <li>{@code POST /actuator/resilience} with {@code {"yaml": "resilience: ..."}}: applies a whole
 *       configuration document, validated first exactly as at start-up; a refused one changes
 *       nothing and the response lists every problem
 * </ul>
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "resilience")
public class WritableResilienceEndpoint extends ResilienceEndpoint {

  /**
   * Creates the endpoint.
   *
   * @param runtime the engines
   */
  public WritableResilienceEndpoint(ResilienceRuntime runtime) {
    super(runtime);
  }

  /**
   * Runs an operator action on a circuit breaker.
   *
   * @param engine must be {@code circuit-breakers}
   * @param name the breaker
   * @param action force-open, disable, close or reset
   * @return the breaker's description after the action, or an error description
   */
  @WriteOperation
  public Map<String, Object> act(@Selector String engine, @Selector String name, String action) {
    if (!"circuit-breakers".equals(engine)) {
      return error("actions exist for circuit-breakers only, was '" + engine + "'");
    }
    var found = runtime.circuitBreakers().find(name);
    if (found.isEmpty()) {
      return error("no circuit breaker named '" + name + "'");
    }
    CircuitBreaker b = found.get();
    switch (action == null ? "" : action) {
      case "force-open":
        b.forceOpen();
        break;
      case "disable":
        b.disable();
        break;
      case "close":
        b.close();
        break;
      case "reset":
        b.reset();
        break;
      default:
        return error(
            "action must be one of [force-open, disable, close, reset], was '" + action + "'");
    }
    return b.describe();
  }

  /**
   * Applies a configuration document.
   *
   * @param yaml the document, rooted at {@code resilience:}
   * @return the changes, or every problem if refused
   */
  @WriteOperation
  public Map<String, Object> reconfigure(String yaml) {
    ResilienceConfig next;
    try {
      next = YamlConfigLoader.loadString(yaml == null ? "" : yaml);
    } catch (ConfigException e) {
      runtime.rejected("actuator", e.getMessage());
      Map<String, Object> refused = new LinkedHashMap<>();
      refused.put("applied", false);
      refused.put("errors", e.errors().stream().map(Object::toString).toList());
      return refused;
    }
    List<String> changes;
    try {
      changes = runtime.apply(next);
    } catch (IllegalArgumentException e) {
      // Valid, but not while running (a new rate-limiting backend); nothing was applied.
      runtime.rejected("actuator", e.getMessage());
      Map<String, Object> refused = new LinkedHashMap<>();
      refused.put("applied", false);
      refused.put("errors", List.of(e.getMessage()));
      return refused;
    }
    Map<String, Object> applied = new LinkedHashMap<>();
    applied.put("applied", true);
    applied.put("changes", changes);
    return applied;
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
