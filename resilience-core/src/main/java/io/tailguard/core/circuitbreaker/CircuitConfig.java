package io.tailguard.core.circuitbreaker;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.internal.Failures;
import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of one {@link CircuitBreaker}: its rolling window, trip thresholds, cooldown,
 * half-open trial, weighting, adaptive threshold, health score and exception classification.
 *
 * <p>Build one with {@link #builder()} (starting from the defaults) or {@link #toBuilder()}
 * (starting from this config). Every setter checks its value at once and throws an {@link
 * IllegalArgumentException} naming the field, the allowed range and the value given; {@link
 * Builder#build()} then checks the rules that relate two fields. A {@code CircuitConfig} that
 * exists is therefore always valid.
 *
 * <p>Instances are immutable and thread-safe. Builders are not thread-safe.
 */
public final class CircuitConfig {

  /** The smallest duration of one bucket: {@code rollingWindow / buckets}. */
  public static final Duration MIN_BUCKET_DURATION = Duration.ofMillis(1);

  /** The most half-open permits, required successes or allowed failures a config accepts. */
  public static final int MAX_HALF_OPEN = 1000;

  private static final CircuitConfig DEFAULTS = new Builder().build();

  private final Duration rollingWindow;
  private final int buckets;
  private final int minCalls;
  private final double failureRateThreshold;
  private final int consecutiveFailuresThreshold;
  private final Duration slowCallDuration;
  private final double slowCallRateThreshold;
  private final Duration openCooldown;
  private final Duration maxOpenCooldown;
  private final int halfOpenMaxConcurrent;
  private final int halfOpenRequiredSuccesses;
  private final int halfOpenAllowedFailures;
  // null: the trial timeout follows slowCallDuration.
  private final Duration halfOpenTrialTimeout;
  private final SampleWeighting sampleWeighting;
  private final double ewmaAlpha;
  private final AdaptiveThreshold adaptiveThreshold;
  private final double minHealthScore;
  private final double criticalHealthScore;
  private final HealthStatus openHealthStatus;
  private final List<Class<? extends Throwable>> recordExceptions;
  private final List<Class<? extends Throwable>> ignoreExceptions;

  // Derived once so the hot path does not convert durations.
  private final long bucketNanos;
  private final long slowCallNanos;
  private final long trialTimeoutNanos;

  private CircuitConfig(Builder b) {
    this.rollingWindow = b.rollingWindow;
    this.buckets = b.buckets;
    this.minCalls = b.minCalls;
    this.failureRateThreshold = b.failureRateThreshold;
    this.consecutiveFailuresThreshold = b.consecutiveFailuresThreshold;
    this.slowCallDuration = b.slowCallDuration;
    this.slowCallRateThreshold = b.slowCallRateThreshold;
    this.openCooldown = b.openCooldown;
    this.maxOpenCooldown = b.maxOpenCooldown;
    this.halfOpenMaxConcurrent = b.halfOpenMaxConcurrent;
    this.halfOpenRequiredSuccesses = b.halfOpenRequiredSuccesses;
    this.halfOpenAllowedFailures = b.halfOpenAllowedFailures;
    this.halfOpenTrialTimeout = b.halfOpenTrialTimeout;
    this.sampleWeighting = b.sampleWeighting;
    this.ewmaAlpha = b.ewmaAlpha;
    this.adaptiveThreshold = b.adaptiveThreshold;
    this.minHealthScore = b.minHealthScore;
    this.criticalHealthScore = b.criticalHealthScore;
    this.openHealthStatus = b.openHealthStatus;
    this.recordExceptions = List.copyOf(b.recordExceptions);
    this.ignoreExceptions = List.copyOf(b.ignoreExceptions);
    this.bucketNanos = rollingWindow.toNanos() / buckets;
    this.slowCallNanos = slowCallDuration.toNanos();
    this.trialTimeoutNanos = effectiveHalfOpenTrialTimeout().toNanos();
  }

  /**
   * Returns the default configuration, as documented on each accessor.
   *
   * @return the defaults
   */
  public static CircuitConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder that starts from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The span of time whose outcomes decide whether to trip. Default 10s.
   *
   * @return the rolling window
   * @see Builder#rollingWindow(Duration)
   */
  public Duration rollingWindow() {
    return rollingWindow;
  }

  /**
   * How many buckets the rolling window is cut into; the oldest bucket expires as a whole. Default
   * 10.
   *
   * @return the bucket count
   * @see Builder#buckets(int)
   */
  public int buckets() {
    return buckets;
  }

  /**
   * The fewest calls the window must hold before a rate can trip the breaker. Default 20.
   *
   * @return the minimum number of calls
   * @see Builder#minCalls(int)
   */
  public int minCalls() {
    return minCalls;
  }

  /**
   * The failure rate, in (0, 1], at which the breaker opens. Default 0.5.
   *
   * @return the failure-rate threshold
   * @see Builder#failureRateThreshold(double)
   */
  public double failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * How many failures in a row open the breaker whatever the window says; 0 turns this off. Default
   * 0.
   *
   * @return the consecutive-failures threshold
   * @see Builder#consecutiveFailuresThreshold(int)
   */
  public int consecutiveFailuresThreshold() {
    return consecutiveFailuresThreshold;
  }

  /**
   * The latency from which a call counts as slow. Default 60s.
   *
   * @return the slow-call duration
   * @see Builder#slowCallDuration(Duration)
   */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /**
   * The share of slow calls, in (0, 1], at which the breaker opens. Default 1.0.
   *
   * @return the slow-call rate threshold
   * @see Builder#slowCallRateThreshold(double)
   */
  public double slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /**
   * How long the breaker stays open before it lets trial calls through. Default 30s.
   *
   * @return the base cooldown
   * @see Builder#openCooldown(Duration)
   */
  public Duration openCooldown() {
    return openCooldown;
  }

  /**
   * The longest cooldown: each re-open straight from half-open doubles the cooldown up to this.
   * Default 5m.
   *
   * @return the maximum cooldown
   * @see Builder#maxOpenCooldown(Duration)
   */
  public Duration maxOpenCooldown() {
    return maxOpenCooldown;
  }

  /**
   * The most trial calls in flight at once while half-open. Default 5.
   *
   * @return the half-open concurrency
   * @see Builder#halfOpenMaxConcurrent(int)
   */
  public int halfOpenMaxConcurrent() {
    return halfOpenMaxConcurrent;
  }

  /**
   * How many trial calls must succeed to close the breaker. Default 5.
   *
   * @return the required successes
   * @see Builder#halfOpenRequiredSuccesses(int)
   */
  public int halfOpenRequiredSuccesses() {
    return halfOpenRequiredSuccesses;
  }

  /**
   * How many trial calls may fail without opening the breaker again; one more opens it. Default 0.
   *
   * @return the allowed trial failures
   * @see Builder#halfOpenAllowedFailures(int)
   */
  public int halfOpenAllowedFailures() {
    return halfOpenAllowedFailures;
  }

  /**
   * How long a half-open trial call may go unreported before it counts as a failed trial, or empty
   * (the default) for {@link #slowCallDuration()}: a trial that has run that long can only end as a
   * slow call, which fails the trial anyway, so waiting longer would only keep the breaker refusing
   * calls for a trial whose verdict is known. A trial whose caller hangs would otherwise hold its
   * permit, and with every permit held the breaker would refuse every call, for ever.
   *
   * @return the trial timeout, or empty to follow {@code slowCallDuration}
   * @see Builder#halfOpenTrialTimeout(Duration)
   * @see #effectiveHalfOpenTrialTimeout()
   */
  public Optional<Duration> halfOpenTrialTimeout() {
    return Optional.ofNullable(halfOpenTrialTimeout);
  }

  /**
   * The trial timeout in force: {@link #halfOpenTrialTimeout()} if set, else {@link
   * #slowCallDuration()}.
   *
   * @return the trial timeout
   */
  public Duration effectiveHalfOpenTrialTimeout() {
    return halfOpenTrialTimeout != null ? halfOpenTrialTimeout : slowCallDuration;
  }

  /**
   * How buckets are weighted when rates are computed. Default {@link SampleWeighting#SLIDING}.
   *
   * @return the weighting
   * @see Builder#sampleWeighting(SampleWeighting)
   */
  public SampleWeighting sampleWeighting() {
    return sampleWeighting;
  }

  /**
   * The smoothing factor, in (0, 1], of {@link SampleWeighting#EXPONENTIAL} weighting and of the
   * adaptive threshold's baseline; larger values forget faster. Default 0.3.
   *
   * @return the EWMA smoothing factor
   * @see Builder#ewmaAlpha(double)
   */
  public double ewmaAlpha() {
    return ewmaAlpha;
  }

  /**
   * The adaptive threshold settings. Default {@link AdaptiveThreshold#DISABLED}.
   *
   * @return the adaptive threshold
   * @see Builder#adaptiveThreshold(AdaptiveThreshold)
   */
  public AdaptiveThreshold adaptiveThreshold() {
    return adaptiveThreshold;
  }

  /**
   * The health score, in [0, 1], below which a closed breaker reports {@link
   * HealthStatus#DEGRADED}. Default 0.5.
   *
   * @return the minimum healthy score
   * @see Builder#minHealthScore(double)
   */
  public double minHealthScore() {
    return minHealthScore;
  }

  /**
   * The health score, in [0, {@code minHealthScore}], at or below which the breaker opens; 0 turns
   * this off. Default 0.
   *
   * @return the critical score
   * @see Builder#criticalHealthScore(double)
   */
  public double criticalHealthScore() {
    return criticalHealthScore;
  }

  /**
   * The health an open breaker reports: {@link HealthStatus#DEGRADED} (default) or {@link
   * HealthStatus#DOWN}.
   *
   * @return the health of an open breaker
   * @see Builder#openHealthStatus(HealthStatus)
   */
  public HealthStatus openHealthStatus() {
    return openHealthStatus;
  }

  /**
   * The exception types counted as failures; empty (the default) means every exception. Exceptions
   * of other types count as successes unless ignored.
   *
   * @return the recorded exception types
   * @see Builder#recordExceptions(Collection)
   */
  public List<Class<? extends Throwable>> recordExceptions() {
    return recordExceptions;
  }

  /**
   * The exception types that count neither as success nor failure: the call's permit is released
   * and nothing is recorded. Ignoring wins over recording. Default empty.
   *
   * @return the ignored exception types
   * @see Builder#ignoreExceptions(Collection)
   */
  public List<Class<? extends Throwable>> ignoreExceptions() {
    return ignoreExceptions;
  }

  /**
   * Returns the duration of one bucket in nanoseconds.
   *
   * @return {@code rollingWindow / buckets} in nanoseconds
   */
  public long bucketNanos() {
    return bucketNanos;
  }

  long slowCallNanos() {
    return slowCallNanos;
  }

  long trialTimeoutNanos() {
    return trialTimeoutNanos;
  }

  /**
   * Returns whether a failure with this exception is ignored.
   *
   * @param failure the exception
   * @return {@code true} if one of {@link #ignoreExceptions()} matches
   */
  public boolean isIgnored(Throwable failure) {
    return Failures.isAny(ignoreExceptions, failure);
  }

  /**
   * Returns whether a failure with this exception counts as a failure (rather than a success). Does
   * not look at {@link #ignoreExceptions()}; ask {@link #isIgnored(Throwable)} first.
   *
   * @param failure the exception
   * @return {@code true} if {@link #recordExceptions()} is empty or one of them matches
   */
  public boolean isRecorded(Throwable failure) {
    return recordExceptions.isEmpty() || Failures.isAny(recordExceptions, failure);
  }

  /**
   * Returns whether the window geometry (duration or bucket count) differs, which a breaker can
   * only take by starting a fresh window.
   */
  boolean sameWindowAs(CircuitConfig other) {
    return buckets == other.buckets && rollingWindow.equals(other.rollingWindow);
  }

  /**
   * Returns the settings as an ordered map of plain values (durations as text such as {@code 10s}),
   * for reports and the Actuator endpoint.
   *
   * @return the settings
   */
  public Map<String, Object> toMap() {
    return CircuitSettings.CIRCUIT.report(this);
  }

  private static List<String> names(List<Class<? extends Throwable>> types) {
    List<String> names = new ArrayList<>(types.size());
    for (Class<? extends Throwable> type : types) {
      names.add(type.getName());
    }
    return names;
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof CircuitConfig c && CircuitSettings.CIRCUIT.equal(this, c));
  }

  @Override
  public int hashCode() {
    return CircuitSettings.CIRCUIT.hash(this);
  }

  @Override
  public String toString() {
    return "CircuitConfig" + toMap();
  }

  /**
   * Builds a {@link CircuitConfig}. Each setter validates its argument at once; {@link #build()}
   * validates the rules between fields.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private Duration rollingWindow = CircuitSettings.ROLLING_WINDOW.defaultValue();
    private int buckets = CircuitSettings.BUCKETS.defaultValue();
    private int minCalls = CircuitSettings.MIN_CALLS.defaultValue();
    private double failureRateThreshold = CircuitSettings.FAILURE_RATE_THRESHOLD.defaultValue();
    private int consecutiveFailuresThreshold =
        CircuitSettings.CONSECUTIVE_FAILURES_THRESHOLD.defaultValue();
    private Duration slowCallDuration = CircuitSettings.SLOW_CALL_DURATION.defaultValue();
    private double slowCallRateThreshold = CircuitSettings.SLOW_CALL_RATE_THRESHOLD.defaultValue();
    private Duration openCooldown = CircuitSettings.OPEN_COOLDOWN.defaultValue();
    private Duration maxOpenCooldown = CircuitSettings.MAX_OPEN_COOLDOWN.defaultValue();
    private int halfOpenMaxConcurrent = CircuitSettings.HALF_OPEN_MAX_CONCURRENT.defaultValue();
    private int halfOpenRequiredSuccesses =
        CircuitSettings.HALF_OPEN_REQUIRED_SUCCESSES.defaultValue();
    private int halfOpenAllowedFailures = CircuitSettings.HALF_OPEN_ALLOWED_FAILURES.defaultValue();
    private Duration halfOpenTrialTimeout = CircuitSettings.HALF_OPEN_TRIAL_TIMEOUT.defaultValue();
    private SampleWeighting sampleWeighting = CircuitSettings.SAMPLE_WEIGHTING.defaultValue();
    private double ewmaAlpha = CircuitSettings.EWMA_ALPHA.defaultValue();
    private AdaptiveThreshold adaptiveThreshold = AdaptiveThreshold.DISABLED;
    private double minHealthScore = CircuitSettings.MIN_HEALTH_SCORE.defaultValue();
    private double criticalHealthScore = CircuitSettings.CRITICAL_HEALTH_SCORE.defaultValue();
    private HealthStatus openHealthStatus = CircuitSettings.OPEN_HEALTH_STATUS.defaultValue();
    private List<Class<? extends Throwable>> recordExceptions = List.of();
    private List<Class<? extends Throwable>> ignoreExceptions = List.of();

    private Builder() {}

    private Builder(CircuitConfig c) {
      rollingWindow = c.rollingWindow;
      buckets = c.buckets;
      minCalls = c.minCalls;
      failureRateThreshold = c.failureRateThreshold;
      consecutiveFailuresThreshold = c.consecutiveFailuresThreshold;
      slowCallDuration = c.slowCallDuration;
      slowCallRateThreshold = c.slowCallRateThreshold;
      openCooldown = c.openCooldown;
      maxOpenCooldown = c.maxOpenCooldown;
      halfOpenMaxConcurrent = c.halfOpenMaxConcurrent;
      halfOpenRequiredSuccesses = c.halfOpenRequiredSuccesses;
      halfOpenAllowedFailures = c.halfOpenAllowedFailures;
      halfOpenTrialTimeout = c.halfOpenTrialTimeout;
      sampleWeighting = c.sampleWeighting;
      ewmaAlpha = c.ewmaAlpha;
      adaptiveThreshold = c.adaptiveThreshold;
      minHealthScore = c.minHealthScore;
      criticalHealthScore = c.criticalHealthScore;
      openHealthStatus = c.openHealthStatus;
      recordExceptions = c.recordExceptions;
      ignoreExceptions = c.ignoreExceptions;
    }

    /**
     * Sets the rolling window, in [1ms, 1d]. Together with {@link #buckets(int)} it must give
     * buckets of at least 1ms.
     *
     * @param rollingWindow the window
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder rollingWindow(Duration rollingWindow) {
      this.rollingWindow = CircuitSettings.ROLLING_WINDOW.check(rollingWindow);
      return this;
    }

    /**
     * Sets the number of buckets, in [1, 1000].
     *
     * @param buckets the bucket count
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder buckets(int buckets) {
      this.buckets = CircuitSettings.BUCKETS.check(buckets);
      return this;
    }

    /**
     * Sets the fewest calls before a rate can trip, in [1, 1000000].
     *
     * @param minCalls the minimum number of calls
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minCalls(int minCalls) {
      this.minCalls = CircuitSettings.MIN_CALLS.check(minCalls);
      return this;
    }

    /**
     * Sets the failure rate that opens the breaker, in (0, 1].
     *
     * @param threshold the threshold
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder failureRateThreshold(double threshold) {
      this.failureRateThreshold = CircuitSettings.FAILURE_RATE_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Sets how many failures in a row open the breaker, in [0, 1000000]; 0 turns it off.
     *
     * @param threshold the threshold
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder consecutiveFailuresThreshold(int threshold) {
      this.consecutiveFailuresThreshold =
          CircuitSettings.CONSECUTIVE_FAILURES_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Sets the latency from which a call is slow, in [1ms, 1d].
     *
     * @param duration the slow-call duration
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder slowCallDuration(Duration duration) {
      this.slowCallDuration = CircuitSettings.SLOW_CALL_DURATION.check(duration);
      return this;
    }

    /**
     * Sets the slow-call rate that opens the breaker, in (0, 1].
     *
     * @param threshold the threshold
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder slowCallRateThreshold(double threshold) {
      this.slowCallRateThreshold = CircuitSettings.SLOW_CALL_RATE_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Sets the base open cooldown, in [1ms, 1d].
     *
     * @param cooldown the cooldown
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder openCooldown(Duration cooldown) {
      this.openCooldown = CircuitSettings.OPEN_COOLDOWN.check(cooldown);
      return this;
    }

    /**
     * Sets the longest open cooldown, in [1ms, 7d] and at least {@link #openCooldown(Duration)}.
     *
     * @param cooldown the maximum cooldown
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxOpenCooldown(Duration cooldown) {
      this.maxOpenCooldown = CircuitSettings.MAX_OPEN_COOLDOWN.check(cooldown);
      return this;
    }

    /**
     * Sets the most trial calls in flight while half-open, in [1, 1000].
     *
     * @param permits the number of permits
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder halfOpenMaxConcurrent(int permits) {
      this.halfOpenMaxConcurrent = CircuitSettings.HALF_OPEN_MAX_CONCURRENT.check(permits);
      return this;
    }

    /**
     * Sets how many trial calls must succeed to close, in [1, 1000].
     *
     * @param successes the required successes
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder halfOpenRequiredSuccesses(int successes) {
      this.halfOpenRequiredSuccesses =
          CircuitSettings.HALF_OPEN_REQUIRED_SUCCESSES.check(successes);
      return this;
    }

    /**
     * Sets how many trial calls may fail without re-opening, in [0, 1000].
     *
     * @param failures the allowed failures
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder halfOpenAllowedFailures(int failures) {
      this.halfOpenAllowedFailures = CircuitSettings.HALF_OPEN_ALLOWED_FAILURES.check(failures);
      return this;
    }

    /**
     * Sets how long a trial call may go unreported before it counts as a failed trial, in [1ms,
     * 1d], instead of following {@link #slowCallDuration(Duration)}.
     *
     * @param timeout the trial timeout
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or out of range
     */
    public Builder halfOpenTrialTimeout(Duration timeout) {
      this.halfOpenTrialTimeout =
          CircuitSettings.HALF_OPEN_TRIAL_TIMEOUT.check(
              Validate.notNull("halfOpenTrialTimeout", timeout));
      return this;
    }

    /**
     * Makes the trial timeout follow the slow-call duration (the default): see {@link
     * CircuitConfig#halfOpenTrialTimeout()}.
     *
     * @return this builder
     */
    public Builder halfOpenTrialTimeoutFromSlowCallDuration() {
      this.halfOpenTrialTimeout = null;
      return this;
    }

    /**
     * Sets the bucket weighting.
     *
     * @param weighting SLIDING or EXPONENTIAL
     * @return this builder
     * @throws IllegalArgumentException if {@code null}
     */
    public Builder sampleWeighting(SampleWeighting weighting) {
      this.sampleWeighting = CircuitSettings.SAMPLE_WEIGHTING.check(weighting);
      return this;
    }

    /**
     * Sets the EWMA smoothing factor, in (0, 1].
     *
     * @param alpha the factor
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder ewmaAlpha(double alpha) {
      this.ewmaAlpha = CircuitSettings.EWMA_ALPHA.check(alpha);
      return this;
    }

    /**
     * Sets the adaptive threshold.
     *
     * @param threshold the settings
     * @return this builder
     * @throws IllegalArgumentException if {@code null}
     */
    public Builder adaptiveThreshold(AdaptiveThreshold threshold) {
      this.adaptiveThreshold = CircuitSettings.ADAPTIVE_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Sets the health score below which a closed breaker is DEGRADED, in [0, 1].
     *
     * @param score the score
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minHealthScore(double score) {
      this.minHealthScore = CircuitSettings.MIN_HEALTH_SCORE.check(score);
      return this;
    }

    /**
     * Sets the health score at or below which the breaker opens, in [0, 1] and at most {@link
     * #minHealthScore(double)}; 0 turns it off.
     *
     * @param score the score
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder criticalHealthScore(double score) {
      this.criticalHealthScore = CircuitSettings.CRITICAL_HEALTH_SCORE.check(score);
      return this;
    }

    /**
     * Sets the health an open breaker reports.
     *
     * @param status DEGRADED or DOWN
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or UP
     */
    public Builder openHealthStatus(HealthStatus status) {
      this.openHealthStatus = CircuitSettings.OPEN_HEALTH_STATUS.check(status);
      return this;
    }

    /**
     * Sets the exception types counted as failures; empty means all.
     *
     * @param types the types
     * @return this builder
     * @throws IllegalArgumentException if the array or an element is {@code null}
     */
    @SafeVarargs
    public final Builder recordExceptions(Class<? extends Throwable>... types) {
      Validate.notNull("recordExceptions", types);
      List<Class<? extends Throwable>> list = new ArrayList<>(types.length);
      for (Class<? extends Throwable> type : types) {
        list.add(type);
      }
      return recordExceptions(list);
    }

    /**
     * Sets the exception types counted as failures; empty means all.
     *
     * @param types the types
     * @return this builder
     * @throws IllegalArgumentException if the collection or an element is {@code null}
     */
    public Builder recordExceptions(Collection<Class<? extends Throwable>> types) {
      this.recordExceptions = copyTypes("recordExceptions", types);
      return this;
    }

    /**
     * Sets the exception types that are neither success nor failure.
     *
     * @param types the types
     * @return this builder
     * @throws IllegalArgumentException if the array or an element is {@code null}
     */
    @SafeVarargs
    public final Builder ignoreExceptions(Class<? extends Throwable>... types) {
      Validate.notNull("ignoreExceptions", types);
      List<Class<? extends Throwable>> list = new ArrayList<>(types.length);
      for (Class<? extends Throwable> type : types) {
        list.add(type);
      }
      return ignoreExceptions(list);
    }

    /**
     * Sets the exception types that are neither success nor failure.
     *
     * @param types the types
     * @return this builder
     * @throws IllegalArgumentException if the collection or an element is {@code null}
     */
    public Builder ignoreExceptions(Collection<Class<? extends Throwable>> types) {
      this.ignoreExceptions = copyTypes("ignoreExceptions", types);
      return this;
    }

    private static List<Class<? extends Throwable>> copyTypes(
        String field, Collection<Class<? extends Throwable>> types) {
      Validate.notNull(field, types);
      List<Class<? extends Throwable>> copy = new ArrayList<>(types.size());
      int i = 0;
      for (Class<? extends Throwable> type : types) {
        if (type == null) {
          throw new IllegalArgumentException(field + " must not contain null, was null at " + i);
        }
        if (!copy.contains(type)) {
          copy.add(type);
        }
        i++;
      }
      return List.copyOf(copy);
    }

    /**
     * Checks the rules between fields and returns the config.
     *
     * @return the config
     * @throws IllegalArgumentException naming the fields if a rule is broken
     */
    public CircuitConfig build() {
      return CircuitSettings.CIRCUIT.checkRules(new CircuitConfig(this));
    }

    /** Sets the trial timeout, or {@code null} for auto: the mapper's form. */
    Builder halfOpenTrialTimeoutOrAuto(Duration timeout) {
      this.halfOpenTrialTimeout = CircuitSettings.HALF_OPEN_TRIAL_TIMEOUT.check(timeout);
      return this;
    }
  }
}
