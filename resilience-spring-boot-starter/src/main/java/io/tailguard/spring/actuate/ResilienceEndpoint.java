package io.tailguard.spring.actuate;

import io.tailguard.core.ResilienceRuntime;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.config.YamlConfigWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/resilience}: every instance's {@code describe()} (configuration and live state),
 * grouped by engine, and the configuration in force, with operator actions and reconfiguration.
 *
 * <ul>
 *   <li>{@code GET /actuator/resilience}: everything
 *   <li>{@code GET /actuator/resilience/{engine}}: one of {@code circuit-breakers}, {@code
 *       hedgers}, {@code rate-limiters}, {@code retriers}, {@code health}, {@code telemetry},
 *       {@code config}
 *   <li>{@code GET /actuator/resilience/{engine}/{name}}: one instance
 *   <li>{@code POST /actuator/resilience/circuit-breakers/{name}} with {@code {"action":
 *       "force-open" | "disable" | "close" | "reset"}}: an operator action on a breaker
 *   <li>{@code POST /actuator/resilience} with {@code {"yaml": "resilience: ..."}}: applies a
 *       configuration document, validated first exactly as at start-up; a refused one changes
 *       nothing and the answer lists every problem
 * </ul>
 *
 * <p>Access follows Spring Boot's endpoint access model: read-only by default, so the write
 * operations (the two {@code POST}s) exist only with {@code
 * management.endpoint.resilience.access=unrestricted} (and no lower {@code
 * management.endpoints.access.max-permitted}).
 *
 * <p>Thread-safe: it reads the engines' own thread-safe descriptions, and writes go through their
 * thread-safe operations.
 */
@Endpoint(id = "resilience", defaultAccess = Access.READ_ONLY)
public class ResilienceEndpoint {

  /** The engines shown under their names. */
  static final String[] ENGINES = {
    "circuit-breakers", "hedgers", "rate-limiters", "retriers", "health", "telemetry", "config"
  };

  final ResilienceRuntime runtime;
  private final ValueSanitizer sanitizer;
  private final Show showValues;

  /**
   * Creates the endpoint with no sanitizing functions, never showing values of sensitive keys.
   *
   * @param runtime the engines
   */
  public ResilienceEndpoint(ResilienceRuntime runtime) {
    this(runtime, List.of(), Show.NEVER);
  }

  /**
   * Creates the endpoint.
   *
   * @param runtime the engines
   * @param sanitizingFunctions applied to every value, in order (see {@link Sanitizer})
   * @param showValues when values of keys Spring Boot deems sensitive are shown; this endpoint
   *     itself (JMX, direct calls) treats its caller as authorized, as Boot's {@code env} endpoint
   *     does, and {@link ResilienceEndpointWebExtension} decides per request
   */
  public ResilienceEndpoint(
      ResilienceRuntime runtime,
      Iterable<SanitizingFunction> sanitizingFunctions,
      Show showValues) {
    this.runtime = runtime;
    this.sanitizer = new ValueSanitizer(sanitizingFunctions);
    this.showValues = showValues;
  }

  /**
   * Returns every engine's instances and the configuration in force, sanitized.
   *
   * @return the description
   */
  @ReadOperation
  public Map<String, Object> resilience() {
    return resilience(showValues.isShown(true));
  }

  /**
   * Returns every engine's instances and the configuration in force.
   *
   * @param showUnsanitized whether values of sensitive keys are shown (a URI's password never is)
   * @return the description
   */
  public Map<String, Object> resilience(boolean showUnsanitized) {
    Map<String, Object> all = new LinkedHashMap<>();
    for (String engine : ENGINES) {
      all.put(engine, engine(engine, showUnsanitized));
    }
    return all;
  }

  /**
   * Returns one engine's instances, sanitized.
   *
   * @param engine the engine
   * @return its instances by name, or {@code null} (404) for an unknown engine
   */
  @ReadOperation
  public Map<String, Object> engine(@Selector String engine) {
    return engine(engine, showValues.isShown(true));
  }

  /**
   * Returns one engine's instances.
   *
   * @param engine the engine
   * @param showUnsanitized whether values of sensitive keys are shown (a URI's password never is)
   * @return its instances by name, or {@code null} for an unknown engine
   */
  public Map<String, Object> engine(String engine, boolean showUnsanitized) {
    // The configuration's keys are its property names (resilience.rate-limiting.redis.uri), as
    // SanitizingFunctions written for Boot's env and configprops endpoints expect.
    String key = engine.equals("config") ? "" : engine;
    return sanitizer.map(key, describe(engine), showUnsanitized);
  }

  private Map<String, ?> describe(String engine) {
    switch (engine) {
      case "circuit-breakers":
        return runtime.circuitBreakers().describe();
      case "hedgers":
        return runtime.hedgers().describe();
      case "rate-limiters":
        return runtime.rateLimiters().describe();
      case "retriers":
        return runtime.retriers().describe();
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
   * Returns one instance, sanitized.
   *
   * @param engine the engine
   * @param name the instance
   * @return its description, or {@code null} (404) if there is none
   */
  @ReadOperation
  public Map<String, Object> instance(@Selector String engine, @Selector String name) {
    return instance(engine, name, showValues.isShown(true));
  }

  /**
   * Returns one instance.
   *
   * @param engine the engine
   * @param name the instance
   * @param showUnsanitized whether values of sensitive keys are shown (a URI's password never is)
   * @return its description, or {@code null} if there is none
   */
  public Map<String, Object> instance(String engine, String name, boolean showUnsanitized) {
    Map<String, Object> d;
    switch (engine) {
      case "circuit-breakers":
        d = runtime.circuitBreakers().describe().get(name);
        break;
      case "hedgers":
        d = runtime.hedgers().find(name).map(h -> h.describe()).orElse(null);
        break;
      case "rate-limiters":
        d = runtime.rateLimiters().find(name).map(l -> l.describe()).orElse(null);
        break;
      case "retriers":
        d = runtime.retriers().find(name).map(r -> r.describe()).orElse(null);
        break;
      default:
        d = null;
    }
    return sanitizer.map(engine + "." + name, d, showUnsanitized);
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
    applied.put("changes", sanitizer.changes(changes, showValues.isShown(true)));
    return applied;
  }

  private static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
