package io.tailguard.core.config;

import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.GlobalFuseConfig;
import io.tailguard.core.health.HealthConfig;
import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.telemetry.TelemetryConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    GlobalFuseConfig g = config.circuitBreaker().global();
    Map<String, Object> global = new LinkedHashMap<>();
    global.put("enabled", g.enabled());
    global.put("component-open-ratio", g.componentOpenRatio());
    global.put("min-components", g.minComponents());
    cb.put("global", global);
    Map<String, Object> cbi = new TreeMap<>();
    config.circuitBreaker().instances().forEach((n, c) -> cbi.put(n, circuit(c)));
    cb.put("instances", cbi);
    resilience.put("circuit-breaker", cb);

    Map<String, Object> hedging = new LinkedHashMap<>();
    hedging.put("defaults", hedge(config.hedging().defaults()));
    Map<String, Object> hi = new TreeMap<>();
    config.hedging().instances().forEach((n, c) -> hi.put(n, hedge(c)));
    hedging.put("instances", hi);
    resilience.put("hedging", hedging);

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
    resilience.put("rate-limiting", rl);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("resilience", resilience);
    return root;
  }

  private static String kebab(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static List<String> names(List<Class<? extends Throwable>> types) {
    List<String> n = new ArrayList<>();
    types.forEach(t -> n.add(t.getName()));
    return n;
  }

  static Map<String, Object> circuit(CircuitConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rolling-window", Durations.format(c.rollingWindow()));
    m.put("buckets", c.buckets());
    m.put("min-calls", c.minCalls());
    m.put("failure-rate-threshold", c.failureRateThreshold());
    m.put("consecutive-failures-threshold", c.consecutiveFailuresThreshold());
    m.put("slow-call-duration", Durations.format(c.slowCallDuration()));
    m.put("slow-call-rate-threshold", c.slowCallRateThreshold());
    m.put("open-cooldown", Durations.format(c.openCooldown()));
    m.put("max-open-cooldown", Durations.format(c.maxOpenCooldown()));
    m.put("half-open-max-concurrent", c.halfOpenMaxConcurrent());
    m.put("half-open-required-successes", c.halfOpenRequiredSuccesses());
    m.put("half-open-allowed-failures", c.halfOpenAllowedFailures());
    m.put(
        "half-open-trial-timeout",
        c.halfOpenTrialTimeout().isPresent()
            ? (Object) Durations.format(c.halfOpenTrialTimeout().get())
            : "auto");
    m.put("sample-weighting", kebab(c.sampleWeighting()));
    m.put("ewma-alpha", c.ewmaAlpha());
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("enabled", c.adaptiveThreshold().enabled());
    a.put("sensitivity", c.adaptiveThreshold().sensitivity());
    a.put("floor", c.adaptiveThreshold().floor());
    m.put("adaptive-threshold", a);
    m.put("min-health-score", c.minHealthScore());
    m.put("critical-health-score", c.criticalHealthScore());
    m.put("open-health-status", kebab(c.openHealthStatus()));
    m.put("record-exceptions", names(c.recordExceptions()));
    m.put("ignore-exceptions", names(c.ignoreExceptions()));
    return m;
  }

  static Map<String, Object> hedge(HedgeConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max-hedges", c.maxHedges());
    m.put("timeout", Durations.format(c.timeout()));
    m.put("idempotent", c.idempotent());
    m.put("coalesce", c.coalesce());
    m.put("retryable-exceptions", names(c.retryableExceptions()));
    m.put("fatal-exceptions", names(c.fatalExceptions()));
    DelayConfig d = c.delay();
    Map<String, Object> delay = new LinkedHashMap<>();
    delay.put("strategy", kebab(d.strategy()));
    delay.put("delay", Durations.format(d.delay()));
    delay.put(
        "percentile", d.percentile().isPresent() ? (Object) d.percentile().getAsDouble() : "auto");
    delay.put("warmup-samples", d.warmupSamples());
    delay.put("warmup-delay", Durations.format(d.warmupDelay()));
    delay.put("min-delay", Durations.format(d.minDelay()));
    delay.put("max-delay", Durations.format(d.maxDelay()));
    delay.put("window", Durations.format(d.window()));
    delay.put("recompute-interval", Durations.format(d.recomputeInterval()));
    delay.put("factor", d.factor());
    delay.put("learning-rate", d.learningRate());
    m.put("delay", delay);
    BudgetConfig b = c.budget();
    Map<String, Object> budget = new LinkedHashMap<>();
    budget.put("max-extra-load", b.maxExtraLoad());
    budget.put("min-hedges-per-second", b.minHedgesPerSecond());
    budget.put("burst", b.burst());
    m.put("budget", budget);
    return m;
  }

  static Map<String, Object> retry(ResilienceConfig.RetrySection s) {
    Map<String, Object> policies = new TreeMap<>();
    s.policies().forEach((n, p) -> policies.put(n, retryPolicy(p)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policies", policies);
    return m;
  }

  static Map<String, Object> retryPolicy(RetryPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max-attempts", p.maxAttempts());
    m.put("base-delay", Durations.format(p.baseDelay()));
    m.put("max-delay", Durations.format(p.maxDelay()));
    m.put("multiplier", p.multiplier());
    m.put("jitter", kebab(p.jitter()));
    m.put("retryable-exceptions", names(p.retryableExceptions()));
    m.put("non-retryable-exceptions", names(p.nonRetryableExceptions()));
    m.put("retryable-statuses", new ArrayList<>(p.retryableStatuses()));
    m.put("retryable-methods", new ArrayList<>(p.retryableMethods()));
    m.put("budget", p.budget().isPresent() ? (Object) p.budget().getAsDouble() : "off");
    m.put("min-retries-per-second", p.minRetriesPerSecond());
    return m;
  }

  static Map<String, Object> health(HealthConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interval", Durations.format(c.interval()));
    m.put("timeout", Durations.format(c.timeout()));
    m.put("failure-threshold", c.failureThreshold());
    Map<String, Object> providers = new TreeMap<>();
    c.probes()
        .forEach(
            (name, o) -> {
              Map<String, Object> one = new LinkedHashMap<>();
              o.enabled().ifPresent(v -> one.put("enabled", v));
              o.interval().ifPresent(v -> one.put("interval", Durations.format(v)));
              o.timeout().ifPresent(v -> one.put("timeout", Durations.format(v)));
              o.failureThreshold().ifPresent(v -> one.put("failure-threshold", v));
              providers.put(name, one);
            });
    m.put("providers", providers);
    return m;
  }

  static Map<String, Object> rateLimit(RateLimitConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("capacity", c.capacity());
    m.put("window", Durations.format(c.window()));
    m.put("cleanup-threshold", c.cleanupThreshold());
    m.put("max-keys", c.maxKeys());
    return m;
  }

  static Map<String, Object> redis(ResilienceConfig.RedisSection r) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (r.uri() != null) {
      m.put("uri", r.uri());
    }
    m.put("key-prefix", r.keyPrefix());
    m.put("command-timeout", Durations.format(r.commandTimeout()));
    m.put("failure-policy", kebab(r.failurePolicy()));
    m.put("instance-count", r.instanceCount());
    return m;
  }

  static Map<String, Object> telemetry(TelemetryConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event-log-capacity", c.eventLogCapacity());
    m.put("recording-capacity", c.recordingCapacity());
    m.put("latency-window", Durations.format(c.latencyWindow()));
    m.put("latency-interval", Durations.format(c.latencyInterval()));
    m.put("sla-target", Durations.format(c.slaTarget()));
    m.put("cost-per-attempt", c.costPerAttempt());
    Map<String, Object> per = new TreeMap<>();
    c.instances()
        .forEach(
            (n, s) -> {
              Map<String, Object> one = new LinkedHashMap<>();
              if (s.slaTarget() != null) {
                one.put("sla-target", Durations.format(s.slaTarget()));
              }
              if (s.costPerAttempt() != null) {
                one.put("cost-per-attempt", s.costPerAttempt());
              }
              per.put(n, one);
            });
    m.put("instances", per);
    return m;
  }
}
