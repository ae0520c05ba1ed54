package io.tailguard.core.config;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.circuitbreaker.AdaptiveThreshold;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.GlobalFuseConfig;
import io.tailguard.core.circuitbreaker.SampleWeighting;
import io.tailguard.core.health.HealthConfig;
import io.tailguard.core.hedge.BudgetConfig;
import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.redis.RedisFailurePolicy;
import io.tailguard.core.retry.Jitter;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.telemetry.TelemetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps a {@code resilience:} tree onto {@link ResilienceConfig}: every key of the schema,
 * kebab-case, onto the engines' builders, which validate. Collects every problem with its path and
 * position and returns {@code null} if there was any.
 *
 * <p>Stateless apart from the error list of one mapping; not thread-safe.
 */
final class ConfigMapper {

  static final String ROOT = "resilience";

  private final List<ConfigError> errors = new ArrayList<>();
  private final ClassLoader classLoader;

  ConfigMapper(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  List<ConfigError> errors() {
    return errors;
  }

  /** Maps the node under {@code resilience:}; null means "empty": all defaults. */
  ResilienceConfig map(ConfigNode resilience) {
    ResilienceConfig d = ResilienceConfig.defaults();
    if (resilience == null) {
      return d;
    }
    MapReader root = MapReader.of(resilience, ROOT, errors, classLoader);
    if (root == null) {
      return null;
    }
    ResilienceConfig.CircuitBreakerSection cb =
        circuitBreakerSection(root.child("circuit-breaker"));
    ResilienceConfig.HedgingSection hedging = hedgingSection(root.child("hedging"));
    ResilienceConfig.RetrySection retry = retrySection(root.child("retry"));
    HealthConfig health = health(root.child("health"));
    TelemetryConfig telemetry = telemetry(root.child("telemetry"), TelemetryConfig.defaults());
    ResilienceConfig.RateLimitingSection rateLimiting =
        rateLimitingSection(root.child("rate-limiting"));
    root.finish();
    if (!errors.isEmpty()) {
      return null;
    }
    return new ResilienceConfig(
        cb == null ? d.circuitBreaker() : cb,
        hedging == null ? d.hedging() : hedging,
        retry == null ? d.retry() : retry,
        health == null ? d.health() : health,
        telemetry == null ? d.telemetry() : telemetry,
        rateLimiting == null ? d.rateLimiting() : rateLimiting);
  }

  private boolean validName(MapReader r, String key, String name, ConfigNode at) {
    try {
      InstanceNames.check("instance", name);
      return true;
    } catch (IllegalArgumentException e) {
      r.error(key + "." + name, at, e.getMessage());
      return false;
    }
  }

  // -------------------------------------------------------------------------------------------
  // circuit-breaker

  private ResilienceConfig.CircuitBreakerSection circuitBreakerSection(MapReader r) {
    if (r == null) {
      return null;
    }
    CircuitConfig defaults = CircuitConfig.defaults();
    MapReader d = r.child("defaults");
    if (d != null) {
      CircuitConfig read = circuit(d, defaults);
      defaults = read == null ? defaults : read;
    }
    GlobalFuseConfig global = GlobalFuseConfig.DEFAULTS;
    MapReader g = r.child("global");
    if (g != null) {
      global = globalFuse(g);
    }
    Map<String, CircuitConfig> instances = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i != null) {
        CircuitConfig c = circuit(i, defaults);
        if (c != null) {
          instances.put(e.getKey(), c);
        }
      }
    }
    r.finish();
    return new ResilienceConfig.CircuitBreakerSection(
        defaults, global == null ? GlobalFuseConfig.DEFAULTS : global, instances);
  }

  static final String[] CIRCUIT_KEYS = {
    "rolling-window",
    "buckets",
    "min-calls",
    "failure-rate-threshold",
    "consecutive-failures-threshold",
    "slow-call-duration",
    "slow-call-rate-threshold",
    "open-cooldown",
    "max-open-cooldown",
    "half-open-max-concurrent",
    "half-open-required-successes",
    "half-open-allowed-failures",
    "half-open-trial-timeout",
    "sample-weighting",
    "ewma-alpha",
    "adaptive-threshold",
    "min-health-score",
    "critical-health-score",
    "open-health-status",
    "record-exceptions",
    "ignore-exceptions"
  };

  CircuitConfig circuit(MapReader r, CircuitConfig base) {
    CircuitConfig.Builder b = base.toBuilder();
    r.duration("rolling-window", b::rollingWindow);
    r.integer("buckets", b::buckets);
    r.integer("min-calls", b::minCalls);
    r.decimal("failure-rate-threshold", b::failureRateThreshold);
    r.integer("consecutive-failures-threshold", b::consecutiveFailuresThreshold);
    r.duration("slow-call-duration", b::slowCallDuration);
    r.decimal("slow-call-rate-threshold", b::slowCallRateThreshold);
    r.duration("open-cooldown", b::openCooldown);
    r.duration("max-open-cooldown", b::maxOpenCooldown);
    r.integer("half-open-max-concurrent", b::halfOpenMaxConcurrent);
    r.integer("half-open-required-successes", b::halfOpenRequiredSuccesses);
    r.integer("half-open-allowed-failures", b::halfOpenAllowedFailures);
    r.durationOr(
        "half-open-trial-timeout",
        "auto",
        b::halfOpenTrialTimeoutFromSlowCallDuration,
        b::halfOpenTrialTimeout);
    r.enumeration("sample-weighting", SampleWeighting.class, b::sampleWeighting);
    r.decimal("ewma-alpha", b::ewmaAlpha);
    MapReader a = r.child("adaptive-threshold");
    if (a != null) {
      AdaptiveThreshold t = base.adaptiveThreshold();
      boolean[] enabled = {t.enabled()};
      double[] sensitivity = {t.sensitivity()};
      double[] floor = {t.floor()};
      a.bool("enabled", v -> enabled[0] = v);
      a.decimal("sensitivity", v -> sensitivity[0] = v);
      a.decimal("floor", v -> floor[0] = v);
      a.finish();
      try {
        b.adaptiveThreshold(new AdaptiveThreshold(enabled[0], sensitivity[0], floor[0]));
      } catch (IllegalArgumentException e) {
        String msg = e.getMessage();
        String field = msg.startsWith("adaptiveThreshold.floor") ? "floor" : "sensitivity";
        a.error(field, a.get(field), MapReader.stripField(msg));
      }
    }
    r.decimal("min-health-score", b::minHealthScore);
    r.decimal("critical-health-score", b::criticalHealthScore);
    r.enumeration("open-health-status", HealthStatus.class, b::openHealthStatus);
    r.exceptionTypes("record-exceptions", b::recordExceptions);
    r.exceptionTypes("ignore-exceptions", b::ignoreExceptions);
    r.finish();
    return build(r, b::build);
  }

  private GlobalFuseConfig globalFuse(MapReader g) {
    GlobalFuseConfig base = GlobalFuseConfig.DEFAULTS;
    boolean[] enabled = {base.enabled()};
    double[] ratio = {base.componentOpenRatio()};
    int[] min = {base.minComponents()};
    g.bool("enabled", v -> enabled[0] = v);
    g.decimal("component-open-ratio", v -> ratio[0] = v);
    g.integer("min-components", v -> min[0] = v);
    g.finish();
    try {
      return new GlobalFuseConfig(enabled[0], ratio[0], min[0]);
    } catch (IllegalArgumentException e) {
      String field =
          e.getMessage().startsWith("global.componentOpenRatio")
              ? "component-open-ratio"
              : "min-components";
      g.error(field, g.get(field), MapReader.stripField(e.getMessage()));
      return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // hedging

  private ResilienceConfig.HedgingSection hedgingSection(MapReader r) {
    if (r == null) {
      return null;
    }
    HedgeConfig defaults = HedgeConfig.defaults();
    MapReader d = r.child("defaults");
    if (d != null) {
      HedgeConfig read = hedge(d, defaults);
      defaults = read == null ? defaults : read;
    }
    Map<String, HedgeConfig> instances = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i != null) {
        HedgeConfig c = hedge(i, defaults);
        if (c != null) {
          instances.put(e.getKey(), c);
        }
      }
    }
    r.finish();
    return new ResilienceConfig.HedgingSection(defaults, instances);
  }

  HedgeConfig hedge(MapReader r, HedgeConfig base) {
    HedgeConfig.Builder b = base.toBuilder();
    r.integer("max-hedges", b::maxHedges);
    r.duration("timeout", b::timeout);
    r.bool("idempotent", b::idempotent);
    r.bool("coalesce", b::coalesce);
    r.exceptionTypes("retryable-exceptions", b::retryableExceptions);
    r.exceptionTypes("fatal-exceptions", b::fatalExceptions);
    MapReader d = r.child("delay");
    if (d != null) {
      DelayConfig delay = delay(d, base.delay());
      if (delay != null) {
        b.delay(delay);
      }
    }
    MapReader g = r.child("budget");
    if (g != null) {
      BudgetConfig budget = budget(g, base.budget());
      if (budget != null) {
        b.budget(budget);
      }
    }
    r.finish();
    return build(r, b::build);
  }

  private DelayConfig delay(MapReader r, DelayConfig base) {
    DelayConfig.Builder b = base.toBuilder();
    r.enumeration("strategy", HedgeDelayType.class, b::strategy);
    r.duration("delay", b::delay);
    ConfigNode percentile = r.get("percentile");
    if (r.isText("percentile", "auto")) {
      b.percentileFromBudget();
    } else if (percentile != null
        && percentile.value() instanceof String text
        && !text.trim().matches("[-+0-9.eE]+")) {
      r.error(
          "percentile",
          percentile,
          "must be a number in (0, 100) or auto, was " + percentile.describe());
    } else {
      r.decimal("percentile", b::percentile);
    }
    r.integer("warmup-samples", b::warmupSamples);
    r.duration("warmup-delay", b::warmupDelay);
    r.duration("min-delay", b::minDelay);
    r.duration("max-delay", b::maxDelay);
    r.duration("window", b::window);
    r.duration("recompute-interval", b::recomputeInterval);
    r.decimal("factor", b::factor);
    r.decimal("learning-rate", b::learningRate);
    r.finish();
    return build(r, b::build);
  }

  private BudgetConfig budget(MapReader r, BudgetConfig base) {
    double[] load = {base.maxExtraLoad()};
    double[] perSecond = {base.minHedgesPerSecond()};
    double[] burst = {base.burst()};
    r.decimal("max-extra-load", v -> load[0] = v);
    r.decimal("min-hedges-per-second", v -> perSecond[0] = v);
    r.decimal("burst", v -> burst[0] = v);
    r.finish();
    try {
      return new BudgetConfig(load[0], perSecond[0], burst[0]);
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      String key =
          msg.startsWith("budget.maxExtraLoad")
              ? "max-extra-load"
              : msg.startsWith("budget.minHedgesPerSecond") ? "min-hedges-per-second" : "burst";
      r.error(key, r.get(key), MapReader.stripField(msg));
      return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // retry

  /**
   * {@code policies.default} applies onto the built-in defaults, {@code policies.expensive} onto
   * the built-in expensive policy, and every other policy onto the (configured) defaults.
   */
  private ResilienceConfig.RetrySection retrySection(MapReader r) {
    if (r == null) {
      return null;
    }
    Map<String, ConfigNode> entries = r.entries("policies");
    Map<String, RetryPolicy> builtIns = RetryPolicy.builtIns();
    RetryPolicy defaults = RetryPolicy.defaults();
    ConfigNode d = entries.get(RetryPolicy.DEFAULT_NAME);
    if (d != null) {
      MapReader dr =
          MapReader.of(d, r.path("policies." + RetryPolicy.DEFAULT_NAME), errors, classLoader);
      if (dr != null) {
        RetryPolicy read = retryPolicy(dr, defaults);
        defaults = read == null ? defaults : read;
      }
    }
    Map<String, RetryPolicy> policies = new LinkedHashMap<>();
    policies.put(RetryPolicy.DEFAULT_NAME, defaults);
    for (Map.Entry<String, ConfigNode> e : entries.entrySet()) {
      String name = e.getKey();
      if (name.equals(RetryPolicy.DEFAULT_NAME) || !validName(r, "policies", name, e.getValue())) {
        continue;
      }
      MapReader p = MapReader.of(e.getValue(), r.path("policies." + name), errors, classLoader);
      if (p != null) {
        RetryPolicy c = retryPolicy(p, builtIns.getOrDefault(name, defaults));
        if (c != null) {
          policies.put(name, c);
        }
      }
    }
    r.finish();
    return new ResilienceConfig.RetrySection(policies);
  }

  RetryPolicy retryPolicy(MapReader r, RetryPolicy base) {
    RetryPolicy.Builder b = base.toBuilder();
    r.integer("max-attempts", b::maxAttempts);
    r.duration("base-delay", b::baseDelay);
    r.duration("max-delay", b::maxDelay);
    r.decimal("multiplier", b::multiplier);
    r.enumeration("jitter", Jitter.class, b::jitter);
    r.exceptionTypes("retryable-exceptions", b::retryableExceptions);
    r.exceptionTypes("non-retryable-exceptions", b::nonRetryableExceptions);
    retryableStatuses(r, b);
    retryableMethods(r, b);
    retryBudget(r, b);
    r.decimal("min-retries-per-second", b::minRetriesPerSecond);
    r.finish();
    return build(r, b::build);
  }

  /** A list of status codes, one code, or codes separated by commas (as environment values). */
  private static void retryableStatuses(MapReader r, RetryPolicy.Builder b) {
    String key = "retryable-statuses";
    ConfigNode v = r.get(key);
    if (v == null) {
      return;
    }
    List<ConfigNode> items = MapReader.asList(v);
    List<Object> values = new ArrayList<>();
    if (items != null) {
      items.forEach(i -> values.add(i.kind() == ConfigNode.Kind.SCALAR ? i.value() : i));
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
      for (String part : s.split(",", -1)) {
        values.add(part.trim());
      }
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof Number n) {
      values.add(n);
    } else {
      r.error(key, v, "must be a list of HTTP status codes, was " + v.describe());
      return;
    }
    List<Integer> statuses = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < values.size(); i++) {
      Object o = values.get(i);
      ConfigNode at = items != null ? items.get(i) : v;
      Long n = null;
      if (o instanceof Integer || o instanceof Long || o instanceof Short) {
        n = ((Number) o).longValue();
      } else if (o instanceof String s) {
        try {
          n = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
          n = null;
        }
      }
      if (n == null || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
        String shown =
            o instanceof ConfigNode c
                ? c.describe()
                : o instanceof String s ? "'" + s + "'" : "" + o;
        r.error(key + "[" + i + "]", at, "must be a whole number, was " + shown);
        ok = false;
      } else {
        statuses.add((int) (long) n);
      }
    }
    if (ok) {
      r.run(key, v, () -> b.retryableStatuses(statuses));
    }
  }

  /** A list of HTTP methods, one method, or methods separated by commas (as environment values). */
  private static void retryableMethods(MapReader r, RetryPolicy.Builder b) {
    String key = "retryable-methods";
    ConfigNode v = r.get(key);
    if (v == null) {
      return;
    }
    List<ConfigNode> items = MapReader.asList(v);
    List<String> methods = new ArrayList<>();
    if (items == null) {
      if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
        for (String part : s.split(",", -1)) {
          methods.add(part.trim());
        }
      } else {
        r.error(key, v, "must be a list of HTTP methods, was " + v.describe());
        return;
      }
    } else {
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        ConfigNode item = items.get(i);
        if (item.kind() == ConfigNode.Kind.SCALAR && item.value() instanceof String s) {
          methods.add(s);
        } else {
          r.error(
              key + "[" + i + "]",
              item,
              "must be an HTTP method name such as GET, was " + item.describe());
          ok = false;
        }
      }
      if (!ok) {
        return;
      }
    }
    r.run(key, v, () -> b.retryableMethods(methods));
  }

  private static final Set<String> BUDGET_OFF = Set.of("off", "none", "false");

  /** A share in (0, 1], or {@code off}. */
  private static void retryBudget(MapReader r, RetryPolicy.Builder b) {
    ConfigNode v = r.get("budget");
    if (v == null) {
      return;
    }
    if (v.kind() == ConfigNode.Kind.SCALAR) {
      Object o = v.value();
      if (Boolean.FALSE.equals(o)
          || (o instanceof String s && BUDGET_OFF.contains(s.trim().toLowerCase(Locale.ROOT)))) {
        b.noBudget();
        return;
      }
      Double share = null;
      if (o instanceof Number n) {
        share = n.doubleValue();
      } else if (o instanceof String s) {
        try {
          share = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          share = null;
        }
      }
      if (share != null) {
        double value = share;
        r.run("budget", v, () -> b.budget(value));
        return;
      }
    }
    r.error("budget", v, "must be a number in (0, 1] or off, was " + v.describe());
  }

  // -------------------------------------------------------------------------------------------
  // health

  private HealthConfig health(MapReader r) {
    if (r == null) {
      return null;
    }
    HealthConfig.Builder b = HealthConfig.defaults().toBuilder();
    r.duration("interval", b::interval);
    r.duration("timeout", b::timeout);
    r.integer("failure-threshold", b::failureThreshold);
    for (Map.Entry<String, ConfigNode> e : r.entries("providers").entrySet()) {
      if (!validName(r, "providers", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader p =
          MapReader.of(e.getValue(), r.path("providers." + e.getKey()), errors, classLoader);
      if (p == null) {
        continue;
      }
      HealthConfig.OverrideBuilder o = HealthConfig.ProbeOverride.builder();
      p.bool("enabled", o::enabled);
      p.duration("interval", o::interval);
      p.duration("timeout", o::timeout);
      p.integer("failure-threshold", o::failureThreshold);
      p.finish();
      HealthConfig.ProbeOverride override = build(p, o::build);
      if (override != null) {
        String name = e.getKey();
        r.run("providers." + name, e.getValue(), () -> b.probe(name, override));
      }
    }
    r.finish();
    return build(r, b::build);
  }

  // -------------------------------------------------------------------------------------------
  // rate-limiting

  private ResilienceConfig.RateLimitingSection rateLimitingSection(MapReader r) {
    if (r == null) {
      return null;
    }
    RateLimitBackend[] backend = {RateLimitBackend.MEMORY};
    r.enumeration("backend", RateLimitBackend.class, v -> backend[0] = v);
    // Section-wide key limits, as in the design's sketch; defaults.* may still override them.
    RateLimitConfig.Builder top = RateLimitConfig.defaults().toBuilder();
    r.integer("cleanup-threshold", top::cleanupThreshold);
    r.integer("max-keys", top::maxKeys);
    RateLimitConfig defaults = RateLimitConfig.defaults();
    RateLimitConfig base = buildRateLimit(r, top);
    MapReader d = r.child("defaults");
    if (d == null) {
      defaults = base == null ? defaults : base;
    } else {
      RateLimitConfig read = rateLimit(d, base == null ? defaults : base);
      defaults = read == null ? defaults : read;
    }
    Map<String, RateLimitConfig> instances = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i != null) {
        RateLimitConfig c = rateLimit(i, defaults);
        if (c != null) {
          instances.put(e.getKey(), c);
        }
      }
    }
    ResilienceConfig.RedisSection redis = redis(r.child("redis"));
    r.finish();
    return new ResilienceConfig.RateLimitingSection(
        backend[0],
        defaults,
        instances,
        redis == null ? ResilienceConfig.RedisSection.DEFAULTS : redis);
  }

  /** The {@code redis} group; the defaults if absent, null after an error. */
  private ResilienceConfig.RedisSection redis(MapReader r) {
    ResilienceConfig.RedisSection d = ResilienceConfig.RedisSection.DEFAULTS;
    if (r == null) {
      return d;
    }
    int before = errors.size();
    String uri = r.string("uri");
    String prefix = r.string("key-prefix");
    Duration[] timeout = {d.commandTimeout()};
    RedisFailurePolicy[] policy = {d.failurePolicy()};
    int[] count = {d.instanceCount()};
    r.duration("command-timeout", v -> timeout[0] = v);
    r.enumeration("failure-policy", RedisFailurePolicy.class, v -> policy[0] = v);
    r.integer("instance-count", v -> count[0] = v);
    r.finish();
    if (errors.size() > before) {
      return null;
    }
    String keyPrefix = prefix == null ? d.keyPrefix() : prefix;
    // Each setting alone, so that an error names its key.
    ResilienceConfig.RedisSection[] out = {null};
    r.run("uri", r.get("uri"), () -> d.withUri(uri));
    r.run(
        "key-prefix",
        r.get("key-prefix"),
        () ->
            new ResilienceConfig.RedisSection(
                null, keyPrefix, d.commandTimeout(), d.failurePolicy(), 1));
    r.run(
        "command-timeout",
        r.get("command-timeout"),
        () ->
            new ResilienceConfig.RedisSection(
                null, d.keyPrefix(), timeout[0], d.failurePolicy(), 1));
    r.run(
        "instance-count",
        r.get("instance-count"),
        () ->
            new ResilienceConfig.RedisSection(
                null, d.keyPrefix(), d.commandTimeout(), d.failurePolicy(), count[0]));
    if (errors.size() > before) {
      return null;
    }
    r.run(
        null,
        r.node(),
        () ->
            out[0] =
                new ResilienceConfig.RedisSection(uri, keyPrefix, timeout[0], policy[0], count[0]));
    return out[0];
  }

  static final String[] RATE_LIMIT_KEYS = {"capacity", "window", "cleanup-threshold", "max-keys"};

  RateLimitConfig rateLimit(MapReader r, RateLimitConfig base) {
    RateLimitConfig.Builder b = base.toBuilder();
    r.integer("capacity", b::capacity);
    r.duration("window", b::window);
    r.integer("cleanup-threshold", b::cleanupThreshold);
    r.integer("max-keys", b::maxKeys);
    r.finish();
    return buildRateLimit(r, b);
  }

  /** Builds, naming {@code cleanup-threshold} when it exceeds {@code max-keys}. */
  private RateLimitConfig buildRateLimit(MapReader r, RateLimitConfig.Builder b) {
    return build(
        r,
        () -> {
          try {
            return b.build();
          } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("cleanupThreshold")) {
              ConfigNode at = r.get("cleanup-threshold");
              r.error(
                  "cleanup-threshold",
                  at == null ? r.node() : at,
                  MapReader.stripField(e.getMessage()));
              return null;
            }
            throw e;
          }
        });
  }

  // -------------------------------------------------------------------------------------------
  // telemetry

  private TelemetryConfig telemetry(MapReader r, TelemetryConfig base) {
    if (r == null) {
      return null;
    }
    TelemetryConfig.Builder b = base.toBuilder();
    r.integer("event-log-capacity", b::eventLogCapacity);
    r.integer("recording-capacity", b::recordingCapacity);
    r.duration("latency-window", b::latencyWindow);
    r.duration("latency-interval", b::latencyInterval);
    r.duration("sla-target", b::slaTarget);
    r.decimal("cost-per-attempt", b::costPerAttempt);
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i == null) {
        continue;
      }
      Duration[] sla = {null};
      Double[] cost = {null};
      i.duration("sla-target", v -> sla[0] = v);
      i.decimal("cost-per-attempt", v -> cost[0] = v);
      i.finish();
      try {
        b.instance(e.getKey(), new TelemetryConfig.InstanceSettings(sla[0], cost[0]));
      } catch (IllegalArgumentException ex) {
        String key = ex.getMessage().startsWith("slaTarget") ? "sla-target" : "cost-per-attempt";
        i.error(key, i.get(key), MapReader.stripField(ex.getMessage()));
      }
    }
    r.finish();
    return build(r, b::build);
  }

  // -------------------------------------------------------------------------------------------

  /** Builds unless a key of this section already failed: its cross-field errors would mislead. */
  private <T> T build(MapReader r, java.util.function.Supplier<T> build) {
    for (ConfigError e : errors) {
      if (e.path().startsWith(r.path() + ".") || e.path().equals(r.path())) {
        return null;
      }
    }
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      r.error(null, r.node(), e.getMessage());
      return null;
    }
  }
}
