package io.tailguard.core.config;

import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitSettings;
import io.tailguard.core.health.HealthConfig;
import io.tailguard.core.health.HealthSettings;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeSettings;
import io.tailguard.core.http.HttpClientSettings;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitSettings;
import io.tailguard.core.retry.RetrySettings;
import io.tailguard.core.telemetry.TelemetryConfig;
import io.tailguard.core.telemetry.TelemetrySettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Writes a {@link ResilienceConfig} back as YAML: the configuration in force, every setting spelled
 * out (defaults included), in the schema {@link YamlConfigLoader} reads, so that loading the output
 * gives an equal configuration.
 *
 * <p>Result predicates set in code cannot be written and are left out. This class is stateless and
 * thread-safe.
 */
public final class YamlConfigWriter {

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .build();

  private YamlConfigWriter() {}

  /**
   * Returns the configuration as YAML text.
   *
   * @param config the configuration
   * @return the YAML
   */
  public static String toYaml(ResilienceConfig config) {
    return YAML.writeValueAsString(toTree(config));
  }

  /**
   * Returns the configuration as nested maps with the schema's keys, rooted at {@code resilience}.
   *
   * @param config the configuration
   * @return the tree
   */
  public static Map<String, Object> toTree(ResilienceConfig config) {
    Validate.notNull("config", config);
    Map<String, Object> resilience = new LinkedHashMap<>();
    Map<String, Object> cb = new LinkedHashMap<>();
    cb.put("defaults", circuit(config.circuitBreaker().defaults()));
    cb.put("global", CircuitSettings.GLOBAL.toMap(config.circuitBreaker().global()));
    Map<String, Object> cbi = new TreeMap<>();
    config.circuitBreaker().instances().forEach((n, c) -> cbi.put(n, circuit(c)));
    cb.put("instances", cbi);
    resilience.put("circuit-breaker", cb);

    Map<String, Object> hedging = new LinkedHashMap<>();
    hedging.put("defaults", hedge(config.hedging().defaults()));
    Map<String, Object> hi = new TreeMap<>();
    config.hedging().instances().forEach((n, c) -> hi.put(n, hedge(c)));
    hedging.put("instances", hi);
    resilience.put("hedge", hedging);

    resilience.put("retry", retry(config.retry()));

    resilience.put("health", health(config.health()));
    resilience.put("telemetry", telemetry(config.telemetry()));

    Map<String, Object> rl = new LinkedHashMap<>();
    rl.put("backend", kebab(config.rateLimiting().backend()));
    rl.put("defaults", rateLimit(config.rateLimiting().defaults()));
    Map<String, Object> rli = new TreeMap<>();
    config.rateLimiting().instances().forEach((n, c) -> rli.put(n, rateLimit(c)));
    rl.put("instances", rli);
    rl.put("redis", redis(config.rateLimiting().redis()));
    resilience.put("rate-limiter", rl);
    if (!config.httpClients().isEmpty()) {
      Map<String, Object> clients = new TreeMap<>();
      config
          .httpClients()
          .forEach((n, c) -> clients.put(n, HttpClientSettings.HTTP_CLIENT.toMap(c)));
      resilience.put(ConfigMapper.HTTP_CLIENTS, clients);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("resilience", resilience);
    return root;
  }

  private static String kebab(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  // Each engine's keys and value forms come from its declaration.

  static Map<String, Object> circuit(CircuitConfig c) {
    return CircuitSettings.CIRCUIT.toMap(c);
  }

  static Map<String, Object> hedge(HedgeConfig c) {
    return HedgeSettings.HEDGE.toMap(c);
  }

  static Map<String, Object> retry(ResilienceConfig.RetrySection s) {
    Map<String, Object> policies = new TreeMap<>();
    s.policies().forEach((n, p) -> policies.put(n, RetrySettings.POLICY.toMap(p)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policies", policies);
    return m;
  }

  static Map<String, Object> health(HealthConfig c) {
    return HealthSettings.HEALTH.toMap(c);
  }

  static Map<String, Object> rateLimit(RateLimitConfig c) {
    return RateLimitSettings.RATE_LIMIT.toMap(c);
  }

  static Map<String, Object> redis(ResilienceConfig.RedisSection r) {
    return RedisSettings.REDIS.toMap(r);
  }

  static Map<String, Object> telemetry(TelemetryConfig c) {
    return TelemetrySettings.TELEMETRY.toMap(c);
  }
}
