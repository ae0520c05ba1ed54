package io.tailguard.spring.actuate;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.config.ConfigError;
import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ConfigPatch;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.config.YamlConfigWriter;
import io.tailguard.core.runtime.ResilienceRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
 *       hedgers}, {@code rate-limiters}, {@code retriers}, {@code http-clients}, {@code health},
 *       {@code telemetry}, {@code config}
 *   <li>{@code GET /actuator/resilience/{engine}/{name}}: one instance (of the first five)
 *   <li>{@code POST /actuator/resilience/circuit-breakers/{name}} with {@code {"action":
 *       "force-open" | "disable" | "close" | "reset"}}: an operator action on a breaker
 *   <li>{@code POST /actuator/resilience} with {@code {"yaml": "resilience: ..."}}: merges a
 *       partial configuration document into the configuration in force ({@code "mode": "replace"}
 *       for a whole document), validated first exactly as at start-up; a refused one changes
 *       nothing and the answer (400, an RFC 9457 problem detail) lists every problem
 * </ul>
 *
 * <p>Access follows Spring Boot's endpoint access model: read-only by default, so the write
 * operations (the two {@code POST}s) exist only with {@code
 * management.endpoint.resilience.access=unrestricted} (and no lower {@code
 * management.endpoints.access.max-permitted}).
 *
 * <p>Values are sanitized with Spring Boot's rules ({@code ValueSanitizer}): those of keys Boot
 * deems sensitive, such as {@code resilience.rate-limiter.redis.uri}, are shown only as {@code
 * management.endpoint.resilience.show-values} allows, {@link SanitizingFunction} beans apply, and a
 * URI's password is always masked.
 *
 * <p>Thread-safe: it reads the engines' own thread-safe descriptions, and writes go through their
 * thread-safe operations ({@link ResilienceRuntime#apply} serialises reconfigurations).
 */
@Endpoint(id = "resilience", defaultAccess = Access.READ_ONLY)
public class ResilienceEndpoint {

  /** The engines shown under their names. */
  static final String[] ENGINES = {
    "circuit-breakers",
    "hedgers",
    "rate-limiters",
    "retriers",
    "http-clients",
    "health",
    "telemetry",
    "config"
  };

  /** A configuration document refused (the RFC 9457 problem {@code type}). */
  public static final String INVALID_CONFIGURATION =
      "https://tailguard.io/problems/invalid-configuration";

  /** An operator action the endpoint cannot run as asked. */
  public static final String INVALID_ACTION = "https://tailguard.io/problems/invalid-action";

  /** An action on a breaker that does not exist. */
  public static final String UNKNOWN_INSTANCE = "https://tailguard.io/problems/unknown-instance";

  private static final List<String> ACTIONS = List.of("force-open", "disable", "close", "reset");
  private static final List<String> MODES = List.of("merge", "replace");

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
    // The configuration's keys are its property names (resilience.rate-limiter.redis.uri), as
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
      case "http-clients":
        // Each client's settings and hosts; the per-host breakers themselves (and their
        // operator actions) are under circuit-breakers as http:<client>:<host:port>.
        return runtime.httpClients().describe();
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
      case "http-clients":
        d = runtime.httpClients().find(name).map(c -> c.describe()).orElse(null);
        break;
      default:
        d = null;
    }
    return sanitizer.map(engine + "." + name, d, showUnsanitized);
  }

  /**
   * What a write operation answers: an HTTP status (the web extension answers with it; JMX and
   * direct callers get the body only) and the body, an RFC 9457 problem detail when refused.
   *
   * @param status 200, 400 or 404
   * @param body the answer
   */
  public record Outcome(int status, Map<String, Object> body) {

    /**
     * Returns whether the operation was refused.
     *
     * @return whether the status is not 200
     */
    public boolean refused() {
      return status != 200;
    }
  }

  /**
   * Runs an operator action on a circuit breaker.
   *
   * @param engine must be {@code circuit-breakers}
   * @param name the breaker
   * @param action force-open, disable, close or reset
   * @return the breaker's description after the action, or a problem detail
   */
  @WriteOperation
  public Map<String, Object> act(@Selector String engine, @Selector String name, String action) {
    return runAction(engine, name, action).body();
  }

  /**
   * Runs an operator action on a circuit breaker.
   *
   * @param engine must be {@code circuit-breakers}
   * @param name the breaker
   * @param action force-open, disable, close or reset
   * @return 200 with the breaker's description after the action; 400 for another engine or an
   *     unknown action, 404 for an unknown breaker, each with a problem detail
   */
  public Outcome runAction(String engine, String name, String action) {
    if (!"circuit-breakers".equals(engine)) {
      return problem(
          400,
          INVALID_ACTION,
          "actions exist for circuit-breakers only, was '" + engine + "'",
          Map.of());
    }
    var found = runtime.circuitBreakers().find(name);
    if (found.isEmpty()) {
      return problem(404, UNKNOWN_INSTANCE, "no circuit breaker named '" + name + "'", Map.of());
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
        return problem(
            400,
            INVALID_ACTION,
            "action must be one of " + ACTIONS + ", was '" + action + "'",
            Map.of());
    }
    return new Outcome(200, b.describe());
  }

  /**
   * Applies a configuration document: by default merged into the configuration in force.
   *
   * @param yaml the document, rooted at {@code resilience:}
   * @param mode {@code merge} (the default) or {@code replace}; see {@link #applyDocument}
   * @return the changes, or a problem detail naming every problem
   */
  @WriteOperation
  public Map<String, Object> reconfigure(String yaml, @Nullable String mode) {
    return applyDocument(yaml, mode, showValues.isShown(true)).body();
  }

  /**
   * Applies a configuration document, validated exactly as at start-up; a refused one changes
   * nothing.
   *
   * <ul>
   *   <li>{@code merge} (the default): the document is a patch ({@link ConfigPatch}, the rules of
   *       an RFC 7386 merge patch) on the configuration in force as {@code GET
   *       /actuator/resilience/config} shows it: the keys it names change, a {@code null} removes a
   *       key (an instance then goes on with the defaults), every other setting stays. An instance
   *       listed under {@code instances} holds every setting, so a default it names reaches the
   *       instances that are not listed.
   *   <li>{@code replace}: the document is the whole configuration; what it leaves out takes its
   *       default, and instances it leaves out go on with the defaults.
   * </ul>
   *
   * @param yaml the document, rooted at {@code resilience:}
   * @param mode {@code merge} or {@code replace}; null is {@code merge}
   * @param showUnsanitized whether the changes show values of sensitive keys
   * @return 200 with {@code applied} and the changes, or 400 with a problem detail listing every
   *     problem, each with its key and the allowed values
   */
  public Outcome applyDocument(String yaml, @Nullable String mode, boolean showUnsanitized) {
    if (mode != null && !MODES.contains(mode)) {
      return refused(
          List.of(
              Map.of("key", "mode", "message", "must be one of " + MODES + ", was '" + mode + "'")),
          false);
    }
    String text = yaml == null ? "" : yaml;
    ResilienceConfig next;
    try {
      next =
          "replace".equals(mode)
              ? YamlConfigLoader.loadString(text)
              : ConfigPatch.parse(text).applyTo(runtime.config());
    } catch (ConfigException e) {
      List<Map<String, Object>> errors = new ArrayList<>();
      for (ConfigError error : e.errors()) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("key", error.path());
        one.put("message", error.message());
        if (error.line() > 0) {
          one.put("line", error.line());
          one.put("column", error.column());
        }
        errors.add(one);
      }
      return refused(errors, true);
    }
    List<String> changes;
    try {
      changes = runtime.apply(next);
    } catch (IllegalArgumentException e) {
      // Valid, but not while running (a new rate-limiting backend); nothing was applied. The
      // message starts with the key.
      String message = e.getMessage();
      int space = message.indexOf(' ');
      Map<String, Object> error =
          message.startsWith("resilience.") && space > 0
              ? Map.of("key", message.substring(0, space), "message", message.substring(space + 1))
              : Map.of("key", "resilience", "message", message);
      return refused(List.of(error), true);
    }
    Map<String, Object> applied = new LinkedHashMap<>();
    applied.put("applied", true);
    applied.put("changes", sanitizer.changes(changes, showUnsanitized));
    return new Outcome(200, applied);
  }

  /**
   * A refused document: 400 naming each problem; recorded with the runtime unless only the mode.
   */
  private Outcome refused(List<Map<String, Object>> errors, boolean record) {
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> e : errors) {
      lines.add(
          e.get("key")
              + ": "
              + e.get("message")
              + (e.containsKey("line")
                  ? " (line " + e.get("line") + ", column " + e.get("column") + ")"
                  : ""));
    }
    String detail = String.join("; ", lines);
    if (record) {
      runtime.rejected("actuator", detail);
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("applied", false);
    extra.put("errors", errors);
    return problem(400, INVALID_CONFIGURATION, detail, extra);
  }

  private static Outcome problem(
      int status, String type, String detail, Map<String, Object> extra) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", type);
    p.put("title", status == 404 ? "Not Found" : "Bad Request");
    p.put("status", status);
    p.put("detail", detail);
    p.putAll(extra);
    return new Outcome(status, p);
  }
}
