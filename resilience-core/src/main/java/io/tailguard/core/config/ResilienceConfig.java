package io.tailguard.core.config;

import io.tailguard.core.breaker.CircuitConfig;
import io.tailguard.core.breaker.GlobalFuseConfig;
import io.tailguard.core.health.HealthConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimit.RateLimitBackend;
import io.tailguard.core.ratelimit.RateLimitConfig;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.telemetry.TelemetryConfig;
import java.util.HashMap;
import java.util.Map;

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
 */
public record ResilienceConfig(
    CircuitBreakerSection circuitBreaker,
    HedgingSection hedging,
    RetrySection retry,
    HealthConfig health,
    TelemetryConfig telemetry,
    RateLimitingSection rateLimiting) {

  /**
   * Validates that no section is missing.
   *
   * @throws IllegalArgumentException naming the missing section
   */
  public ResilienceConfig {
    Validate.notNull("circuitBreaker", circuitBreaker);
    Validate.notNull("hedging", hedging);
    Validate.notNull("retry", retry);
    Validate.notNull("health", health);
    Validate.notNull("telemetry", telemetry);
    Validate.notNull("rateLimiting", rateLimiting);
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
        new RateLimitingSection(RateLimitBackend.MEMORY, RateLimitConfig.defaults(), Map.of()));
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
      Validate.notNull("hedging.defaults", defaults);
      instances = Map.copyOf(Validate.notNull("hedging.instances", instances));
    }
  }

  /**
   * The {@code rate-limiting} section.
   *
   * @param backend where limiters keep their keys
   * @param defaults settings of every limiter
   * @param instances per-limiter (per-operation) settings, the defaults with the instance's keys
   *     applied
   */
  public record RateLimitingSection(
      RateLimitBackend backend, RateLimitConfig defaults, Map<String, RateLimitConfig> instances) {
    /**
     * Copies the instances.
     *
     * @throws IllegalArgumentException if a part is null
     */
    public RateLimitingSection {
      Validate.notNull("rate-limiting.backend", backend);
      Validate.notNull("rate-limiting.defaults", defaults);
      instances = Map.copyOf(Validate.notNull("rate-limiting.instances", instances));
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
