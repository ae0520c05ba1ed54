package io.tailguard.core.config;

import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.GlobalFuseConfig;
import io.tailguard.core.health.HealthConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.http.HttpClientConfig;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.redis.RedisFailurePolicy;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.telemetry.TelemetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole configuration, rooted at {@code resilience:}: one section per engine, each with its
 * {@code defaults} and named {@code instances}, mapped onto the engines' validated config records.
 * A {@code ResilienceConfig} that exists is valid.
 *
 * @param circuitBreaker the {@code circuit-breaker} section
 * @param hedging the {@code hedging} section
 * @param retry the {@code retry} section
 * @param health the {@code health} section
 * @param telemetry the {@code telemetry} section
 * @param rateLimiting the {@code rate-limiting} section
 * @param httpClients the {@code http-clients} section: each HTTP client's settings by name, whose
 *     references name instances of the other sections
 */
public record ResilienceConfig(
    CircuitBreakerSection circuitBreaker,
    HedgingSection hedging,
    RetrySection retry,
    HealthConfig health,
    TelemetryConfig telemetry,
    RateLimitingSection rateLimiting,
    Map<String, HttpClientConfig> httpClients) {

  /**
   * Validates that no section is missing and that the HTTP clients reference only instances the
   * other sections have.
   *
   * @throws IllegalArgumentException naming the missing section, or the first unknown reference
   *     with the known names
   */
  public ResilienceConfig {
    Validate.notNull("circuitBreaker", circuitBreaker);
    Validate.notNull("hedge", hedging);
    Validate.notNull("retry", retry);
    Validate.notNull("health", health);
    Validate.notNull("telemetry", telemetry);
    Validate.notNull("rateLimiting", rateLimiting);
    Validate.notNull("httpClients", httpClients);
    httpClients.forEach(
        (name, c) -> {
          Validate.notNull("http-clients name", name);
          Validate.notNull("http-clients." + name, c);
        });
    httpClients = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(httpClients));
    List<String[]> unknown =
        unknownReferences(circuitBreaker, hedging, retry, rateLimiting, httpClients);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(unknown.get(0)[0] + ": " + unknown.get(0)[1]);
    }
  }

  /**
   * The references of the HTTP clients to instances the other sections do not have: each a path
   * below {@code resilience} ({@code http-clients.inventory.hedge}) and the problem, listing the
   * known names. {@code default} is always known for breakers, hedgers and limiters (their
   * defaults); the retry policies include the built-ins.
   */
  static List<String[]> unknownReferences(
      CircuitBreakerSection circuitBreaker,
      HedgingSection hedging,
      RetrySection retry,
      RateLimitingSection rateLimiting,
      Map<String, HttpClientConfig> httpClients) {
    Set<String> breakers = withDefault(circuitBreaker.instances().keySet());
    Set<String> hedgers = withDefault(hedging.instances().keySet());
    Set<String> limiters = withDefault(rateLimiting.instances().keySet());
    Set<String> policies = new TreeSet<>(retry.policies().keySet());
    List<String[]> out = new ArrayList<>();
    new TreeMap<>(httpClients)
        .forEach(
            (name, c) -> {
              String at = "http-clients." + name + ".";
              unknown(out, at + "circuit-breaker", c.circuitBreaker(), "circuit breaker", breakers);
              unknown(out, at + "retry", c.retry(), "retry policy", policies);
              unknown(out, at + "hedge", c.hedge(), "hedge instance", hedgers);
              unknown(out, at + "rate-limiter", c.rateLimiter(), "rate limiter", limiters);
            });
    return out;
  }

  private static Set<String> withDefault(Set<String> names) {
    Set<String> known = new TreeSet<>(names);
    known.add("default");
    return known;
  }

  private static void unknown(
      List<String[]> out, String path, Optional<String> ref, String what, Set<String> known) {
    if (ref.isPresent() && !known.contains(ref.get())) {
      out.add(
          new String[] {path, "unknown " + what + " '" + ref.get() + "' (known: " + known + ")"});
    }
  }

  /**
   * A configuration without HTTP clients.
   *
   * @param circuitBreaker the {@code circuit-breaker} section
   * @param hedging the {@code hedging} section
   * @param retry the {@code retry} section
   * @param health the {@code health} section
   * @param telemetry the {@code telemetry} section
   * @param rateLimiting the {@code rate-limiting} section
   * @throws IllegalArgumentException naming the missing section
   */
  public ResilienceConfig(
      CircuitBreakerSection circuitBreaker,
      HedgingSection hedging,
      RetrySection retry,
      HealthConfig health,
      TelemetryConfig telemetry,
      RateLimitingSection rateLimiting) {
    this(circuitBreaker, hedging, retry, health, telemetry, rateLimiting, Map.of());
  }

  /**
   * Returns this configuration with other HTTP clients.
   *
   * @param clients the clients' settings by name
   * @return the new configuration
   */
  public ResilienceConfig withHttpClients(Map<String, HttpClientConfig> clients) {
    return new ResilienceConfig(
        circuitBreaker, hedging, retry, health, telemetry, rateLimiting, clients);
  }

  /**
   * Returns the configuration of an empty document: every default, no named instance.
   *
   * @return the defaults
   */
  public static ResilienceConfig defaults() {
    return new ResilienceConfig(
        new CircuitBreakerSection(CircuitConfig.defaults(), GlobalFuseConfig.DEFAULTS, Map.of()),
        new HedgingSection(HedgeConfig.defaults(), Map.of()),
        RetrySection.builtIn(),
        HealthConfig.defaults(),
        TelemetryConfig.defaults(),
        new RateLimitingSection(
            RateLimitBackend.MEMORY, RateLimitConfig.defaults(), Map.of(), RedisSection.DEFAULTS));
  }

  /**
   * The {@code circuit-breaker} section.
   *
   * @param defaults settings of every breaker
   * @param global the global fuse
   * @param instances per-breaker settings (the defaults with the instance's keys applied)
   */
  public record CircuitBreakerSection(
      CircuitConfig defaults, GlobalFuseConfig global, Map<String, CircuitConfig> instances) {
    /**
     * Copies the instances.
     *
     * @throws IllegalArgumentException if a part is null
     */
    public CircuitBreakerSection {
      Validate.notNull("circuit-breaker.defaults", defaults);
      Validate.notNull("circuit-breaker.global", global);
      instances = Map.copyOf(Validate.notNull("circuit-breaker.instances", instances));
    }
  }

  /**
   * The {@code hedging} section.
   *
   * @param defaults settings of every hedger
   * @param instances per-hedger settings (the defaults with the instance's keys applied)
   */
  public record HedgingSection(HedgeConfig defaults, Map<String, HedgeConfig> instances) {
    /**
     * Copies the instances.
     *
     * @throws IllegalArgumentException if a part is null
     */
    public HedgingSection {
      Validate.notNull("hedge.defaults", defaults);
      instances = Map.copyOf(Validate.notNull("hedge.instances", instances));
    }
  }

  /**
   * The {@code rate-limiting} section.
   *
   * @param backend where limiters keep their keys
   * @param defaults settings of every limiter
   * @param instances per-limiter (per-operation) settings, the defaults with the instance's keys
   *     applied
   * @param redis the Redis store's settings, used when {@code backend} is {@link
   *     RateLimitBackend#REDIS}
   */
  public record RateLimitingSection(
      RateLimitBackend backend,
      RateLimitConfig defaults,
      Map<String, RateLimitConfig> instances,
      RedisSection redis) {
    /**
     * Copies the instances.
     *
     * @throws IllegalArgumentException if a part is null
     */
    public RateLimitingSection {
      Validate.notNull("rate-limiter.backend", backend);
      Validate.notNull("rate-limiter.defaults", defaults);
      instances = Map.copyOf(Validate.notNull("rate-limiter.instances", instances));
      Validate.notNull("rate-limiter.redis", redis);
    }

    /**
     * A section with the default Redis settings.
     *
     * @param backend where limiters keep their keys
     * @param defaults settings of every limiter
     * @param instances per-limiter settings
     * @throws IllegalArgumentException if a part is null
     */
    public RateLimitingSection(
        RateLimitBackend backend,
        RateLimitConfig defaults,
        Map<String, RateLimitConfig> instances) {
      this(backend, defaults, instances, RedisSection.DEFAULTS);
    }
  }

  /**
   * The {@code rate-limiter.redis} group: how the limiters reach Redis when the backend is {@link
   * RateLimitBackend#REDIS}. Each limiter gets a {@code RedisRateLimiterStore} with key prefix
   * {@code keyPrefix + <limiter> + ":"}.
   *
   * @param uri the Redis URI ({@code redis://host:port}, {@code rediss://...}); null if not set
   *     (then the limiters need a connection given in code)
   * @param keyPrefix what every key starts with, before the limiter's name; at most 127 characters,
   *     no braces
   * @param commandTimeout the longest wait for Redis per request, in [1ms, 10s]
   * @param failurePolicy what requests get while Redis cannot answer
   * @param instanceCount how many instances of the service share the limits, in [1, 100,000]
   */
  public record RedisSection(
      String uri,
      String keyPrefix,
      Duration commandTimeout,
      RedisFailurePolicy failurePolicy,
      int instanceCount) {

    /** No URI, prefix {@code tailguard:rl:}, 100 ms, {@code LOCAL}, one instance. */
    public static final RedisSection DEFAULTS =
        new RedisSection(
            null,
            RedisSettings.KEY_PREFIX.defaultValue(),
            RedisSettings.COMMAND_TIMEOUT.defaultValue(),
            RedisSettings.FAILURE_POLICY.defaultValue(),
            RedisSettings.INSTANCE_COUNT.defaultValue());

    /**
     * Validates every setting.
     *
     * @throws IllegalArgumentException naming the setting, the allowed values and the value given
     */
    public RedisSection {
      RedisSettings.URI.check(uri);
      RedisSettings.KEY_PREFIX.check(keyPrefix);
      RedisSettings.COMMAND_TIMEOUT.check(commandTimeout);
      RedisSettings.FAILURE_POLICY.check(failurePolicy);
      RedisSettings.INSTANCE_COUNT.check(instanceCount);
    }

    /**
     * Returns these settings with another URI.
     *
     * @param uri the URI, or null
     * @return the new settings
     */
    public RedisSection withUri(String uri) {
      return new RedisSection(uri, keyPrefix, commandTimeout, failurePolicy, instanceCount);
    }
  }

  /**
   * The {@code retry} section: named policies. The policy named {@value RetryPolicy#DEFAULT_NAME}
   * is the defaults (retriers without a policy of their own use it); the built-in policies {@value
   * RetryPolicy#DEFAULT_NAME} and {@value RetryPolicy#EXPENSIVE_NAME} are always present.
   *
   * @param policies every named policy, the built-ins included (the defaults, or a built-in, with
   *     the policy's keys applied)
   */
  public record RetrySection(Map<String, RetryPolicy> policies) {
    /**
     * Copies the policies, adding the built-in ones that are missing.
     *
     * @throws IllegalArgumentException if a part is null
     */
    public RetrySection {
      Validate.notNull("retry.policies", policies);
      Map<String, RetryPolicy> all = new HashMap<>(RetryPolicy.builtIns());
      policies.forEach(
          (name, policy) -> {
            Validate.notNull("retry.policies name", name);
            all.put(name, Validate.notNull("retry.policies." + name, policy));
          });
      policies = Map.copyOf(all);
    }

    /**
     * Returns the section with only the built-in policies.
     *
     * @return the built-in section
     */
    public static RetrySection builtIn() {
      return new RetrySection(Map.of());
    }

    /**
     * Returns the defaults: the policy named {@value RetryPolicy#DEFAULT_NAME}.
     *
     * @return the defaults
     */
    public RetryPolicy defaults() {
      return policies.get(RetryPolicy.DEFAULT_NAME);
    }
  }
}
