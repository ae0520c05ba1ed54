package io.tailguard.spring.autoconfigure;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.breaker.SampleWeighting;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.ratelimit.RateLimitBackend;
import io.tailguard.core.ratelimit.redis.RedisFailurePolicy;
import io.tailguard.core.retry.Jitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

/**
 * Tailguard's settings under {@code resilience.*}: the same schema as the core's YAML files, plus a
 * few switches of the starter itself.
 *
 * <p>These classes give IDEs their completion and documentation. The values that configure the
 * engines are read from the environment as a tree and validated by the core, so an invalid value
 * stops the application with its full property name, the allowed values and the value given.
 * Defaults shown here are the core's.
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

  /** Circuit breakers. */
  private final CircuitBreaker circuitBreaker = new CircuitBreaker();

  /** Request hedging. */
  private final Hedging hedging = new Hedging();

  /** Health probes. */
  private final Health health = new Health();

  /** Call telemetry. */
  private final Telemetry telemetry = new Telemetry();

  /** Rate limiting per operation and per key. */
  private final RateLimiting rateLimiting = new RateLimiting();

  /** Retry policies. */
  private final Retry retry = new Retry();

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

  public CircuitBreaker getCircuitBreaker() {
    return circuitBreaker;
  }

  public Hedging getHedging() {
    return hedging;
  }

  public Health getHealth() {
    return health;
  }

  public Telemetry getTelemetry() {
    return telemetry;
  }

  public RateLimiting getRateLimiting() {
    return rateLimiting;
  }

  public Retry getRetry() {
    return retry;
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

  /** Circuit breakers: defaults, the global fuse, and per-breaker overrides. */
  public static class CircuitBreaker {

    /**
     * Whether this section's annotations (or, for health, its contributor and probes) are applied;
     * false: @CircuitProtected methods run unprotected. The engines stay available as beans.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Settings of every breaker. */
    private final CircuitBreakerSettings defaults = new CircuitBreakerSettings();

    /** The global fuse over all breakers. */
    private final GlobalFuse global = new GlobalFuse();

    /** Per-breaker settings; each lists only what differs from the defaults. */
    private Map<String, CircuitBreakerSettings> instances = new LinkedHashMap<>();

    public CircuitBreakerSettings getDefaults() {
      return defaults;
    }

    public GlobalFuse getGlobal() {
      return global;
    }

    public Map<String, CircuitBreakerSettings> getInstances() {
      return instances;
    }

    public void setInstances(Map<String, CircuitBreakerSettings> instances) {
      this.instances = instances;
    }
  }

  /** Settings of one circuit breaker. */
  public static class CircuitBreakerSettings {

    /** Span of time whose outcomes decide whether to trip, in [1ms, 1d]. */
    private Duration rollingWindow = Duration.ofSeconds(10);

    /** Number of buckets the window is cut into, in [1, 1000]. */
    private Integer buckets = 10;

    /** Fewest calls the window must hold before a rate can trip, in [1, 1000000]. */
    private Integer minCalls = 20;

    /** Failure rate at which the breaker opens, in (0, 1]. */
    private Double failureRateThreshold = 0.5;

    /** Failures in a row that open the breaker whatever the window says; 0 turns it off. */
    private Integer consecutiveFailuresThreshold = 0;

    /** Latency from which a call counts as slow, in [1ms, 1d]. */
    private Duration slowCallDuration = Duration.ofSeconds(60);

    /** Share of slow calls at which the breaker opens, in (0, 1]. */
    private Double slowCallRateThreshold = 1.0;

    /** How long the breaker stays open before trial calls, in [1ms, 1d]. */
    private Duration openCooldown = Duration.ofSeconds(30);

    /** Longest cooldown; each re-open doubles the cooldown up to this, in [1ms, 7d]. */
    private Duration maxOpenCooldown = Duration.ofMinutes(5);

    /** Most trial calls in flight at once while half-open, in [1, 1000]. */
    private Integer halfOpenMaxConcurrent = 5;

    /** Trial successes that close the breaker, in [1, 1000]. */
    private Integer halfOpenRequiredSuccesses = 5;

    /** Trial failures tolerated; one more opens the breaker again, in [0, 1000]. */
    private Integer halfOpenAllowedFailures = 0;

    /**
     * How long a trial call may go unreported before it counts as a failed trial: a duration in
     * [1ms, 1d], or auto to follow slow-call-duration (a trial that has run that long can only end
     * as a slow, so failed, trial).
     */
    private String halfOpenTrialTimeout = "auto";

    /** How the window's buckets are weighted. */
    private SampleWeighting sampleWeighting = SampleWeighting.SLIDING;

    /** EWMA smoothing factor of exponential weighting and the adaptive baseline, in (0, 1]. */
    private Double ewmaAlpha = 0.3;

    /** The adaptive failure-rate threshold. */
    private final AdaptiveThreshold adaptiveThreshold = new AdaptiveThreshold();

    /** Health score below which a closed breaker reports DEGRADED, in [0, 1]. */
    private Double minHealthScore = 0.5;

    /** Health score at or below which the breaker opens; 0 turns it off. */
    private Double criticalHealthScore = 0.0;

    /** Health an open breaker reports: DEGRADED or DOWN. */
    private HealthStatus openHealthStatus = HealthStatus.DEGRADED;

    /** Exception types counted as failures; empty means all. */
    private List<Class<? extends Throwable>> recordExceptions = new ArrayList<>();

    /** Exception types that count neither as success nor as failure. */
    private List<Class<? extends Throwable>> ignoreExceptions = new ArrayList<>();

    public Duration getRollingWindow() {
      return rollingWindow;
    }

    public void setRollingWindow(Duration rollingWindow) {
      this.rollingWindow = rollingWindow;
    }

    public Integer getBuckets() {
      return buckets;
    }

    public void setBuckets(Integer buckets) {
      this.buckets = buckets;
    }

    public Integer getMinCalls() {
      return minCalls;
    }

    public void setMinCalls(Integer minCalls) {
      this.minCalls = minCalls;
    }

    public Double getFailureRateThreshold() {
      return failureRateThreshold;
    }

    public void setFailureRateThreshold(Double failureRateThreshold) {
      this.failureRateThreshold = failureRateThreshold;
    }

    public Integer getConsecutiveFailuresThreshold() {
      return consecutiveFailuresThreshold;
    }

    public void setConsecutiveFailuresThreshold(Integer consecutiveFailuresThreshold) {
      this.consecutiveFailuresThreshold = consecutiveFailuresThreshold;
    }

    public Duration getSlowCallDuration() {
      return slowCallDuration;
    }

    public void setSlowCallDuration(Duration slowCallDuration) {
      this.slowCallDuration = slowCallDuration;
    }

    public Double getSlowCallRateThreshold() {
      return slowCallRateThreshold;
    }

    public void setSlowCallRateThreshold(Double slowCallRateThreshold) {
      this.slowCallRateThreshold = slowCallRateThreshold;
    }

    public Duration getOpenCooldown() {
      return openCooldown;
    }

    public void setOpenCooldown(Duration openCooldown) {
      this.openCooldown = openCooldown;
    }

    public Duration getMaxOpenCooldown() {
      return maxOpenCooldown;
    }

    public void setMaxOpenCooldown(Duration maxOpenCooldown) {
      this.maxOpenCooldown = maxOpenCooldown;
    }

    public Integer getHalfOpenMaxConcurrent() {
      return halfOpenMaxConcurrent;
    }

    public void setHalfOpenMaxConcurrent(Integer halfOpenMaxConcurrent) {
      this.halfOpenMaxConcurrent = halfOpenMaxConcurrent;
    }

    public Integer getHalfOpenRequiredSuccesses() {
      return halfOpenRequiredSuccesses;
    }

    public void setHalfOpenRequiredSuccesses(Integer halfOpenRequiredSuccesses) {
      this.halfOpenRequiredSuccesses = halfOpenRequiredSuccesses;
    }

    public Integer getHalfOpenAllowedFailures() {
      return halfOpenAllowedFailures;
    }

    public void setHalfOpenAllowedFailures(Integer halfOpenAllowedFailures) {
      this.halfOpenAllowedFailures = halfOpenAllowedFailures;
    }

    public String getHalfOpenTrialTimeout() {
      return halfOpenTrialTimeout;
    }

    public void setHalfOpenTrialTimeout(String halfOpenTrialTimeout) {
      this.halfOpenTrialTimeout = halfOpenTrialTimeout;
    }

    public SampleWeighting getSampleWeighting() {
      return sampleWeighting;
    }

    public void setSampleWeighting(SampleWeighting sampleWeighting) {
      this.sampleWeighting = sampleWeighting;
    }

    public Double getEwmaAlpha() {
      return ewmaAlpha;
    }

    public void setEwmaAlpha(Double ewmaAlpha) {
      this.ewmaAlpha = ewmaAlpha;
    }

    public AdaptiveThreshold getAdaptiveThreshold() {
      return adaptiveThreshold;
    }

    public Double getMinHealthScore() {
      return minHealthScore;
    }

    public void setMinHealthScore(Double minHealthScore) {
      this.minHealthScore = minHealthScore;
    }

    public Double getCriticalHealthScore() {
      return criticalHealthScore;
    }

    public void setCriticalHealthScore(Double criticalHealthScore) {
      this.criticalHealthScore = criticalHealthScore;
    }

    public HealthStatus getOpenHealthStatus() {
      return openHealthStatus;
    }

    public void setOpenHealthStatus(HealthStatus openHealthStatus) {
      this.openHealthStatus = openHealthStatus;
    }

    public List<Class<? extends Throwable>> getRecordExceptions() {
      return recordExceptions;
    }

    public void setRecordExceptions(List<Class<? extends Throwable>> recordExceptions) {
      this.recordExceptions = recordExceptions;
    }

    public List<Class<? extends Throwable>> getIgnoreExceptions() {
      return ignoreExceptions;
    }

    public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
      this.ignoreExceptions = ignoreExceptions;
    }
  }

  /** The adaptive failure-rate threshold. */
  public static class AdaptiveThreshold {

    /** Whether the breaker also opens on a failure rate far above its learned baseline. */
    private Boolean enabled = false;

    /** Standard deviations above the learned mean that trip the breaker, in (0, 100]. */
    private Double sensitivity = 3.0;

    /** Lowest adaptive threshold, in (0, 1]. */
    private Double floor = 0.1;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Double getSensitivity() {
      return sensitivity;
    }

    public void setSensitivity(Double sensitivity) {
      this.sensitivity = sensitivity;
    }

    public Double getFloor() {
      return floor;
    }

    public void setFloor(Double floor) {
      this.floor = floor;
    }
  }

  /** The global fuse over all breakers. */
  public static class GlobalFuse {

    /** Whether the fuse can open. */
    private Boolean enabled = true;

    /** Share of open breakers that opens the fuse, in (0, 1]. */
    private Double componentOpenRatio = 0.5;

    /** Fewest breakers for the fuse to open, in [1, 100000]. */
    private Integer minComponents = 3;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Double getComponentOpenRatio() {
      return componentOpenRatio;
    }

    public void setComponentOpenRatio(Double componentOpenRatio) {
      this.componentOpenRatio = componentOpenRatio;
    }

    public Integer getMinComponents() {
      return minComponents;
    }

    public void setMinComponents(Integer minComponents) {
      this.minComponents = minComponents;
    }
  }

  /** Request hedging: defaults and per-hedger overrides. */
  public static class Hedging {

    /**
     * Whether this section's annotations (or, for health, its contributor and probes) are applied;
     * false: @Hedged methods run once, unhedged. The engines stay available as beans.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Settings of every hedger. */
    private final HedgeSettings defaults = new HedgeSettings();

    /** Per-hedger settings; each lists only what differs from the defaults. */
    private Map<String, HedgeSettings> instances = new LinkedHashMap<>();

    /**
     * Directory where the learned hedge delays are saved (every minute and on shutdown) and
     * restored from on start, one file per hedger; unset, they are not kept across restarts.
     */
    private @Nullable String snapshotDirectory;

    public HedgeSettings getDefaults() {
      return defaults;
    }

    public @Nullable String getSnapshotDirectory() {
      return snapshotDirectory;
    }

    public void setSnapshotDirectory(@Nullable String snapshotDirectory) {
      this.snapshotDirectory = snapshotDirectory;
    }

    public Map<String, HedgeSettings> getInstances() {
      return instances;
    }

    public void setInstances(Map<String, HedgeSettings> instances) {
      this.instances = instances;
    }
  }

  /** Retry: named policies; default and expensive always exist. */
  public static class Retry {

    /**
     * Whether this section's annotations (or, for health, its contributor and probes) are applied;
     * false: @Retried methods run once. The engines stay available as beans.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Named policies. 'default' (3 attempts, 500ms base, 5s max, x2, full jitter) is the defaults
     * for every other name; 'expensive' starts from 5 attempts, 1s base, 10s max. Each lists only
     * what differs.
     */
    private Map<String, RetryPolicySettings> policies = new LinkedHashMap<>();

    public Map<String, RetryPolicySettings> getPolicies() {
      return policies;
    }

    public void setPolicies(Map<String, RetryPolicySettings> policies) {
      this.policies = policies;
    }
  }

  /** Settings of one retry policy. */
  public static class RetryPolicySettings {

    /** Attempts in all, the first included, in [1, 1000000]. */
    private Integer maxAttempts;

    /** Delay before the first retry, in [0ms, 1d]. */
    private Duration baseDelay;

    /** Largest delay between attempts; also caps a server's Retry-After. */
    private Duration maxDelay;

    /** Growth of the delay per attempt, in [1, 100]. */
    private Double multiplier;

    /** Randomisation of the delay. */
    private Jitter jitter;

    /**
     * Exception types that are retried (causes are matched too); empty: every Exception except
     * Tailguard's refusals (open circuit, rate limit, hedge timeout), which are retried only when
     * their own type is listed.
     */
    private List<Class<? extends Throwable>> retryableExceptions = new ArrayList<>();

    /** Exception types never retried (causes are matched too); these win. */
    private List<Class<? extends Throwable>> nonRetryableExceptions = new ArrayList<>();

    /** HTTP statuses that are retried; default 429, 500, 502, 503, 504. */
    private List<Integer> retryableStatuses = new ArrayList<>();

    /**
     * HTTP methods whose failed requests are retried when the failure says its method (WebClient
     * failures do, RestClient and RestTemplate failures do not); default the idempotent methods
     * DELETE, GET, HEAD, OPTIONS, PUT, TRACE, so POST, PATCH and CONNECT are not sent twice.
     */
    private List<String> retryableMethods = new ArrayList<>();

    /** Largest share of calls that may be retries, in (0, 1], or 'off'. */
    private String budget;

    /** Retries per second allowed whatever the budget, in [0, 1000000]. */
    private Double minRetriesPerSecond;

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getBaseDelay() {
      return baseDelay;
    }

    public void setBaseDelay(Duration baseDelay) {
      this.baseDelay = baseDelay;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public Double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(Double multiplier) {
      this.multiplier = multiplier;
    }

    public Jitter getJitter() {
      return jitter;
    }

    public void setJitter(Jitter jitter) {
      this.jitter = jitter;
    }

    public List<Class<? extends Throwable>> getRetryableExceptions() {
      return retryableExceptions;
    }

    public void setRetryableExceptions(List<Class<? extends Throwable>> retryableExceptions) {
      this.retryableExceptions = retryableExceptions;
    }

    public List<Class<? extends Throwable>> getNonRetryableExceptions() {
      return nonRetryableExceptions;
    }

    public void setNonRetryableExceptions(List<Class<? extends Throwable>> nonRetryableExceptions) {
      this.nonRetryableExceptions = nonRetryableExceptions;
    }

    public List<Integer> getRetryableStatuses() {
      return retryableStatuses;
    }

    public void setRetryableStatuses(List<Integer> retryableStatuses) {
      this.retryableStatuses = retryableStatuses;
    }

    public List<String> getRetryableMethods() {
      return retryableMethods;
    }

    public void setRetryableMethods(List<String> retryableMethods) {
      this.retryableMethods = retryableMethods;
    }

    public String getBudget() {
      return budget;
    }

    public void setBudget(String budget) {
      this.budget = budget;
    }

    public Double getMinRetriesPerSecond() {
      return minRetriesPerSecond;
    }

    public void setMinRetriesPerSecond(Double minRetriesPerSecond) {
      this.minRetriesPerSecond = minRetriesPerSecond;
    }
  }

  /** Rate limiting: where keys are kept, the defaults, and one limiter per operation. */
  public static class RateLimiting {

    /**
     * Whether this section's annotations (or, for health, its contributor and probes) are applied;
     * false: @RateLimited methods take no permit. The engines stay available as beans.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Where limiters keep their keys. */
    private RateLimitBackend backend = RateLimitBackend.MEMORY;

    /** Key count above which idle keys are evicted, for every limiter; defaults.* overrides. */
    private Integer cleanupThreshold;

    /** Most keys tracked per limiter, for every limiter; defaults.* overrides. */
    private Integer maxKeys;

    /** Settings of every limiter. */
    private final RateLimitSettings defaults = new RateLimitSettings();

    /** Per-operation limiters (for example search, embed); each lists what differs. */
    private Map<String, RateLimitSettings> instances = new LinkedHashMap<>();

    /** How limiters reach Redis when backend is redis. */
    private final RedisSettings redis = new RedisSettings();

    public RedisSettings getRedis() {
      return redis;
    }

    public RateLimitBackend getBackend() {
      return backend;
    }

    public void setBackend(RateLimitBackend backend) {
      this.backend = backend;
    }

    public Integer getCleanupThreshold() {
      return cleanupThreshold;
    }

    public void setCleanupThreshold(Integer cleanupThreshold) {
      this.cleanupThreshold = cleanupThreshold;
    }

    public Integer getMaxKeys() {
      return maxKeys;
    }

    public void setMaxKeys(Integer maxKeys) {
      this.maxKeys = maxKeys;
    }

    public RateLimitSettings getDefaults() {
      return defaults;
    }

    public Map<String, RateLimitSettings> getInstances() {
      return instances;
    }

    public void setInstances(Map<String, RateLimitSettings> instances) {
      this.instances = instances;
    }
  }

  /** The Redis of the rate limiters (backend redis). */
  public static class RedisSettings {

    /**
     * Redis URI (redis://host:port); ignored when the application has a Spring Data Redis Lettuce
     * connection (spring.data.redis.*), which is used instead.
     */
    private String uri;

    /** What every key starts with, before the limiter's name; at most 127 characters, no braces. */
    private String keyPrefix = "tailguard:rl:";

    /** Longest wait for Redis per request, in [1ms, 10s]. */
    private Duration commandTimeout = Duration.ofMillis(100);

    /** What requests get while Redis cannot answer. */
    private RedisFailurePolicy failurePolicy = RedisFailurePolicy.LOCAL;

    /** How many instances share the limits; under local each enforces capacity / count. */
    private Integer instanceCount = 1;

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public RedisFailurePolicy getFailurePolicy() {
      return failurePolicy;
    }

    public void setFailurePolicy(RedisFailurePolicy failurePolicy) {
      this.failurePolicy = failurePolicy;
    }

    public Integer getInstanceCount() {
      return instanceCount;
    }

    public void setInstanceCount(Integer instanceCount) {
      this.instanceCount = instanceCount;
    }
  }

  /** Settings of one rate limiter. */
  public static class RateLimitSettings {

    /** Permits per window for each key, which is also the largest burst, in [1, 10^9]. */
    private Integer capacity = 60;

    /** Window in which capacity permits are granted, in [1ms, 366d]. */
    private Duration window = Duration.ofSeconds(60);

    /** Key count above which idle keys are evicted, in [1, max-keys]. */
    private Integer cleanupThreshold = 1000;

    /** Most keys tracked at once; a new key beyond it is refused, in [1, 10^8]. */
    private Integer maxKeys = 100000;

    public Integer getCapacity() {
      return capacity;
    }

    public void setCapacity(Integer capacity) {
      this.capacity = capacity;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }

    public Integer getCleanupThreshold() {
      return cleanupThreshold;
    }

    public void setCleanupThreshold(Integer cleanupThreshold) {
      this.cleanupThreshold = cleanupThreshold;
    }

    public Integer getMaxKeys() {
      return maxKeys;
    }

    public void setMaxKeys(Integer maxKeys) {
      this.maxKeys = maxKeys;
    }
  }

  /** Settings of one hedger. */
  public static class HedgeSettings {

    /** Most extra attempts per call, in [1, 10]. */
    private Integer maxHedges = 2;

    /** Time the whole call may take, all attempts included, in [1ms, 1d]. */
    private Duration timeout = Duration.ofSeconds(30);

    /** Whether the operation may run more than once; false turns hedging off for it. */
    private Boolean idempotent = true;

    /** Whether concurrent calls with the same key share one execution. */
    private Boolean coalesce = false;

    /** Exception types that start the next attempt at once; empty means every non-fatal one. */
    private List<Class<? extends Throwable>> retryableExceptions = new ArrayList<>();

    /** Exception types that end the call at once. */
    private List<Class<? extends Throwable>> fatalExceptions = new ArrayList<>();

    /** When to send each hedge. */
    private final Delay delay = new Delay();

    /** The budget that caps hedges. */
    private final Budget budget = new Budget();

    public Integer getMaxHedges() {
      return maxHedges;
    }

    public void setMaxHedges(Integer maxHedges) {
      this.maxHedges = maxHedges;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Boolean getIdempotent() {
      return idempotent;
    }

    public void setIdempotent(Boolean idempotent) {
      this.idempotent = idempotent;
    }

    public Boolean getCoalesce() {
      return coalesce;
    }

    public void setCoalesce(Boolean coalesce) {
      this.coalesce = coalesce;
    }

    public List<Class<? extends Throwable>> getRetryableExceptions() {
      return retryableExceptions;
    }

    public void setRetryableExceptions(List<Class<? extends Throwable>> retryableExceptions) {
      this.retryableExceptions = retryableExceptions;
    }

    public List<Class<? extends Throwable>> getFatalExceptions() {
      return fatalExceptions;
    }

    public void setFatalExceptions(List<Class<? extends Throwable>> fatalExceptions) {
      this.fatalExceptions = fatalExceptions;
    }

    public Delay getDelay() {
      return delay;
    }

    public Budget getBudget() {
      return budget;
    }
  }

  /** When a hedger sends each hedge. */
  public static class Delay {

    /** The delay strategy. */
    private HedgeDelayType strategy = HedgeDelayType.ADAPTIVE;

    /** Constant delay of FIXED and first delay of BACKOFF, in [0ms, 1h]. */
    private Duration delay = Duration.ofMillis(50);

    /**
     * Percentile of recent primary latencies PERCENTILE waits for, in (0, 100), or auto to derive
     * it from the budget (100 * (1 - 0.8 * max-extra-load)).
     */
    private String percentile = "auto";

    /** Latencies PERCENTILE and ADAPTIVE need before they trust their estimate. */
    private Integer warmupSamples = 100;

    /** Delay used while warming up, and whenever the strategy fails, in [0ms, 1h]. */
    private Duration warmupDelay = Duration.ofMillis(100);

    /** Shortest delay a learning strategy may choose, in [0ms, 1h]. */
    private Duration minDelay = Duration.ofMillis(1);

    /** Longest delay any strategy may choose, in [0ms, 1h]. */
    private Duration maxDelay = Duration.ofSeconds(10);

    /** How far back PERCENTILE and ADAPTIVE look at primary latencies, in [1s, 1d]. */
    private Duration window = Duration.ofSeconds(10);

    /** How often PERCENTILE and ADAPTIVE recompute their delay from the window, in [10ms, 1h]. */
    private Duration recomputeInterval = Duration.ofMillis(250);

    /** Growth factor of BACKOFF, in [1, 100]. */
    private Double factor = 2.0;

    /** How fast ADAPTIVE moves its delay, in (0, 1]. */
    private Double learningRate = 0.05;

    public HedgeDelayType getStrategy() {
      return strategy;
    }

    public void setStrategy(HedgeDelayType strategy) {
      this.strategy = strategy;
    }

    public Duration getDelay() {
      return delay;
    }

    public void setDelay(Duration delay) {
      this.delay = delay;
    }

    public String getPercentile() {
      return percentile;
    }

    public void setPercentile(String percentile) {
      this.percentile = percentile;
    }

    public Integer getWarmupSamples() {
      return warmupSamples;
    }

    public void setWarmupSamples(Integer warmupSamples) {
      this.warmupSamples = warmupSamples;
    }

    public Duration getWarmupDelay() {
      return warmupDelay;
    }

    public void setWarmupDelay(Duration warmupDelay) {
      this.warmupDelay = warmupDelay;
    }

    public Duration getMinDelay() {
      return minDelay;
    }

    public void setMinDelay(Duration minDelay) {
      this.minDelay = minDelay;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }

    public Duration getRecomputeInterval() {
      return recomputeInterval;
    }

    public void setRecomputeInterval(Duration recomputeInterval) {
      this.recomputeInterval = recomputeInterval;
    }

    public Double getFactor() {
      return factor;
    }

    public void setFactor(Double factor) {
      this.factor = factor;
    }

    public Double getLearningRate() {
      return learningRate;
    }

    public void setLearningRate(Double learningRate) {
      this.learningRate = learningRate;
    }
  }

  /** The budget that caps a hedger's extra attempts. */
  public static class Budget {

    /** Share of extra attempts allowed, in (0, 10]. */
    private Double maxExtraLoad = 0.05;

    /** Floor refill of the budget, in hedges per second, in [0, 1000000]. */
    private Double minHedgesPerSecond = 1.0;

    /** Most hedges the budget can hold, in [1, 1000000]. */
    private Double burst = 10.0;

    public Double getMaxExtraLoad() {
      return maxExtraLoad;
    }

    public void setMaxExtraLoad(Double maxExtraLoad) {
      this.maxExtraLoad = maxExtraLoad;
    }

    public Double getMinHedgesPerSecond() {
      return minHedgesPerSecond;
    }

    public void setMinHedgesPerSecond(Double minHedgesPerSecond) {
      this.minHedgesPerSecond = minHedgesPerSecond;
    }

    public Double getBurst() {
      return burst;
    }

    public void setBurst(Double burst) {
      this.burst = burst;
    }
  }

  /** Health probes: schedule, failure threshold, and per-probe overrides. */
  public static class Health {

    /**
     * Whether this section's annotations (or, for health, its contributor and probes) are applied;
     * false: no health contributor, and HealthProbe beans are not run. The engines stay available
     * as beans.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** How often every probe runs, in [1ms, 1d]. */
    private Duration interval = Duration.ofSeconds(30);

    /** How long one probe run may take; shorter than the interval, in [1ms, 1d]. */
    private Duration timeout = Duration.ofSeconds(10);

    /** Consecutive failures after which a probe is DOWN (one failure makes it DEGRADED). */
    private Integer failureThreshold = 3;

    /** Per-probe overrides, by probe name. */
    private Map<String, Provider> providers = new LinkedHashMap<>();

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public Map<String, Provider> getProviders() {
      return providers;
    }

    public void setProviders(Map<String, Provider> providers) {
      this.providers = providers;
    }
  }

  /** Overrides for one health probe; unset values take the health defaults. */
  public static class Provider {

    /** Whether the probe runs. */
    private Boolean enabled;

    /** How often the probe runs. */
    private Duration interval;

    /** How long one run may take. */
    private Duration timeout;

    /** Consecutive failures after which the probe is DOWN. */
    private Integer failureThreshold;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
      this.failureThreshold = failureThreshold;
    }
  }

  /** Call telemetry. */
  public static class Telemetry {

    /** How many recent call events the event log keeps, in [1, 10000000]. */
    private Integer eventLogCapacity = 10_000;

    /** Most events one recording keeps, in [1, 10000000]. */
    private Integer recordingCapacity = 1_000_000;

    /** How far back latency percentiles look, in [1s, 1d]. */
    private Duration latencyWindow = Duration.ofSeconds(60);

    /** Granularity of the latency window, in [10ms, 1h]. */
    private Duration latencyInterval = Duration.ofSeconds(1);

    /** Default SLA target: calls at or under it are compliant, in [1ms, 1d]. */
    private Duration slaTarget = Duration.ofSeconds(1);

    /** Default cost of one attempt, in the application's units, in [0, 1e12]. */
    private Double costPerAttempt = 1.0;

    /** Per-instance SLA targets and costs. */
    private Map<String, TelemetryInstance> instances = new LinkedHashMap<>();

    public Integer getEventLogCapacity() {
      return eventLogCapacity;
    }

    public void setEventLogCapacity(Integer eventLogCapacity) {
      this.eventLogCapacity = eventLogCapacity;
    }

    public Integer getRecordingCapacity() {
      return recordingCapacity;
    }

    public void setRecordingCapacity(Integer recordingCapacity) {
      this.recordingCapacity = recordingCapacity;
    }

    public Duration getLatencyWindow() {
      return latencyWindow;
    }

    public void setLatencyWindow(Duration latencyWindow) {
      this.latencyWindow = latencyWindow;
    }

    public Duration getLatencyInterval() {
      return latencyInterval;
    }

    public void setLatencyInterval(Duration latencyInterval) {
      this.latencyInterval = latencyInterval;
    }

    public Duration getSlaTarget() {
      return slaTarget;
    }

    public void setSlaTarget(Duration slaTarget) {
      this.slaTarget = slaTarget;
    }

    public Double getCostPerAttempt() {
      return costPerAttempt;
    }

    public void setCostPerAttempt(Double costPerAttempt) {
      this.costPerAttempt = costPerAttempt;
    }

    public Map<String, TelemetryInstance> getInstances() {
      return instances;
    }

    public void setInstances(Map<String, TelemetryInstance> instances) {
      this.instances = instances;
    }
  }

  /** Telemetry settings of one instance. */
  public static class TelemetryInstance {

    /** SLA target of this instance, in [1ms, 1d]. */
    private Duration slaTarget;

    /** Cost of one attempt of this instance, in [0, 1e12]. */
    private Double costPerAttempt;

    public Duration getSlaTarget() {
      return slaTarget;
    }

    public void setSlaTarget(Duration slaTarget) {
      this.slaTarget = slaTarget;
    }

    public Double getCostPerAttempt() {
      return costPerAttempt;
    }

    public void setCostPerAttempt(Double costPerAttempt) {
      this.costPerAttempt = costPerAttempt;
    }
  }
}
