package io.tailguard.core.circuitbreaker;

import static io.tailguard.core.internal.settings.Range.durations;
import static io.tailguard.core.internal.settings.Range.text;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.internal.settings.Range;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import java.time.Duration;
import java.util.List;

/**
 * The declaration of the circuit breaker's settings ({@link CircuitConfig}, {@link
 * AdaptiveThreshold}, {@link GlobalFuseConfig}): keys, defaults, ranges, docs and rules. The
 * builders validate with it and the YAML mapper, writer and reports iterate it.
 *
 * <p>Not part of the public API: read {@link io.tailguard.core.config.ConfigSchema}. It must not
 * read static fields of the config classes, which read it while they initialize. Stateless and
 * thread-safe.
 */
// Its groups are typed with the core's internal settings package, which the module does not
// export: the config package uses them inside the module; ConfigSchema is the public view.
@SuppressWarnings("exports")
public final class CircuitSettings {

  private CircuitSettings() {}

  private static final Duration ONE_MS = Duration.ofMillis(1);
  private static final Duration ONE_DAY = Duration.ofDays(1);

  // adaptive-threshold ---------------------------------------------------------------------------

  static final Setting<AdaptiveThreshold, Boolean> ADAPTIVE_ENABLED =
      Setting.bool(
          "enabled",
          "adaptiveThreshold.enabled",
          false,
          "Whether the failure-rate threshold follows the error rate's EWMA plus sensitivity"
              + " standard deviations.",
          AdaptiveThreshold::enabled);
  static final Setting<AdaptiveThreshold, Double> SENSITIVITY =
      Setting.decimal(
          "sensitivity",
          "adaptiveThreshold.sensitivity",
          3.0,
          Range.openClosed(0, 100),
          "Standard deviations above the mean error rate at which the breaker opens.",
          AdaptiveThreshold::sensitivity);
  static final Setting<AdaptiveThreshold, Double> FLOOR =
      Setting.decimal(
          "floor",
          "adaptiveThreshold.floor",
          0.1,
          Range.openClosed(0, 1),
          "The lowest failure rate the adaptive threshold may trip at.",
          AdaptiveThreshold::floor);

  /** The adaptive threshold's settings. */
  public static final SettingGroup<AdaptiveThreshold> ADAPTIVE =
      SettingGroup.of(
          "Adaptive failure-rate threshold.",
          List.of(ADAPTIVE_ENABLED, SENSITIVITY, FLOOR),
          List.of(),
          v -> new AdaptiveThreshold(v.get(ADAPTIVE_ENABLED), v.get(SENSITIVITY), v.get(FLOOR)));

  // global ---------------------------------------------------------------------------------------

  static final Setting<GlobalFuseConfig, Boolean> GLOBAL_ENABLED =
      Setting.bool(
          "enabled",
          "global.enabled",
          true,
          "Whether the derived global fuse rejects every call when enough breakers are open.",
          GlobalFuseConfig::enabled);
  static final Setting<GlobalFuseConfig, Double> COMPONENT_OPEN_RATIO =
      Setting.decimal(
          "component-open-ratio",
          "global.componentOpenRatio",
          0.5,
          Range.openClosed(0, 1),
          "The share of breakers that must be open for the global fuse to open.",
          GlobalFuseConfig::componentOpenRatio);
  static final Setting<GlobalFuseConfig, Integer> MIN_COMPONENTS =
      Setting.integer(
          "min-components",
          "global.minComponents",
          3,
          1,
          100_000,
          "The fewest breakers there must be for the global fuse to open.",
          GlobalFuseConfig::minComponents);

  /** The global fuse's settings. */
  public static final SettingGroup<GlobalFuseConfig> GLOBAL =
      SettingGroup.of(
          "The global fuse over every breaker.",
          List.of(GLOBAL_ENABLED, COMPONENT_OPEN_RATIO, MIN_COMPONENTS),
          List.of(),
          v ->
              new GlobalFuseConfig(
                  v.get(GLOBAL_ENABLED), v.get(COMPONENT_OPEN_RATIO), v.get(MIN_COMPONENTS)));

  // circuit --------------------------------------------------------------------------------------

  static final Setting<CircuitConfig, Duration> ROLLING_WINDOW =
      Setting.duration(
          "rolling-window",
          "rollingWindow",
          Duration.ofSeconds(10),
          durations(ONE_MS, ONE_DAY),
          "The span of time whose outcomes decide whether to trip.",
          CircuitConfig::rollingWindow);
  static final Setting<CircuitConfig, Integer> BUCKETS =
      Setting.integer(
          "buckets",
          "buckets",
          10,
          1,
          1000,
          "How many buckets the rolling window is cut into; the oldest expires as a whole.",
          CircuitConfig::buckets);
  static final Setting<CircuitConfig, Integer> MIN_CALLS =
      Setting.integer(
          "min-calls",
          "minCalls",
          20,
          1,
          1_000_000,
          "The fewest calls the window must hold before a rate can trip the breaker.",
          CircuitConfig::minCalls);
  static final Setting<CircuitConfig, Double> FAILURE_RATE_THRESHOLD =
      Setting.decimal(
          "failure-rate-threshold",
          "failureRateThreshold",
          0.5,
          Range.openClosed(0, 1),
          "The failure rate at which the breaker opens.",
          CircuitConfig::failureRateThreshold);
  static final Setting<CircuitConfig, Integer> CONSECUTIVE_FAILURES_THRESHOLD =
      Setting.integer(
          "consecutive-failures-threshold",
          "consecutiveFailuresThreshold",
          0,
          0,
          1_000_000,
          "How many failures in a row open the breaker whatever the window says; 0 turns this"
              + " off.",
          CircuitConfig::consecutiveFailuresThreshold);
  static final Setting<CircuitConfig, Duration> SLOW_CALL_DURATION =
      Setting.duration(
          "slow-call-duration",
          "slowCallDuration",
          Duration.ofSeconds(60),
          durations(ONE_MS, ONE_DAY),
          "The latency from which a call counts as slow.",
          CircuitConfig::slowCallDuration);
  static final Setting<CircuitConfig, Double> SLOW_CALL_RATE_THRESHOLD =
      Setting.decimal(
          "slow-call-rate-threshold",
          "slowCallRateThreshold",
          1.0,
          Range.openClosed(0, 1),
          "The share of slow calls at which the breaker opens.",
          CircuitConfig::slowCallRateThreshold);
  static final Setting<CircuitConfig, Duration> OPEN_COOLDOWN =
      Setting.duration(
          "open-cooldown",
          "openCooldown",
          Duration.ofSeconds(30),
          durations(ONE_MS, ONE_DAY),
          "How long the breaker stays open before it lets trial calls through.",
          CircuitConfig::openCooldown);
  static final Setting<CircuitConfig, Duration> MAX_OPEN_COOLDOWN =
      Setting.duration(
          "max-open-cooldown",
          "maxOpenCooldown",
          Duration.ofMinutes(5),
          durations(ONE_MS, Duration.ofDays(7)),
          "The longest cooldown: each re-open straight from half-open doubles it up to this.",
          CircuitConfig::maxOpenCooldown);
  static final Setting<CircuitConfig, Integer> HALF_OPEN_MAX_CONCURRENT =
      Setting.integer(
          "half-open-max-concurrent",
          "halfOpenMaxConcurrent",
          5,
          1,
          CircuitConfig.MAX_HALF_OPEN,
          "The most trial calls in flight at once while half-open.",
          CircuitConfig::halfOpenMaxConcurrent);
  static final Setting<CircuitConfig, Integer> HALF_OPEN_REQUIRED_SUCCESSES =
      Setting.integer(
          "half-open-required-successes",
          "halfOpenRequiredSuccesses",
          5,
          1,
          CircuitConfig.MAX_HALF_OPEN,
          "How many trial calls must succeed to close the breaker.",
          CircuitConfig::halfOpenRequiredSuccesses);
  static final Setting<CircuitConfig, Integer> HALF_OPEN_ALLOWED_FAILURES =
      Setting.integer(
          "half-open-allowed-failures",
          "halfOpenAllowedFailures",
          0,
          0,
          CircuitConfig.MAX_HALF_OPEN,
          "How many trial calls may fail without opening the breaker again.",
          CircuitConfig::halfOpenAllowedFailures);
  static final Setting<CircuitConfig, Duration> HALF_OPEN_TRIAL_TIMEOUT =
      Setting.<CircuitConfig>duration(
              "half-open-trial-timeout",
              "halfOpenTrialTimeout",
              null,
              durations(ONE_MS, ONE_DAY),
              "How long a trial call may go unreported before it counts as failed; auto follows"
                  + " slow-call-duration.",
              c -> c.halfOpenTrialTimeout().orElse(null))
          .orWord("auto");
  static final Setting<CircuitConfig, SampleWeighting> SAMPLE_WEIGHTING =
      Setting.enumeration(
          "sample-weighting",
          "sampleWeighting",
          SampleWeighting.class,
          SampleWeighting.SLIDING,
          "How buckets are weighted when rates are computed.",
          CircuitConfig::sampleWeighting);
  static final Setting<CircuitConfig, Double> EWMA_ALPHA =
      Setting.decimal(
          "ewma-alpha",
          "ewmaAlpha",
          0.3,
          Range.openClosed(0, 1),
          "The smoothing factor of exponential weighting and the adaptive baseline; larger"
              + " forgets faster.",
          CircuitConfig::ewmaAlpha);
  static final Setting<CircuitConfig, AdaptiveThreshold> ADAPTIVE_THRESHOLD =
      Setting.group(
          "adaptive-threshold",
          "adaptiveThreshold",
          ADAPTIVE,
          null,
          "Adaptive failure-rate threshold.",
          CircuitConfig::adaptiveThreshold);
  static final Setting<CircuitConfig, Double> MIN_HEALTH_SCORE =
      Setting.decimal(
          "min-health-score",
          "minHealthScore",
          0.5,
          Range.closed(0, 1),
          "The health score below which a closed breaker reports DEGRADED.",
          CircuitConfig::minHealthScore);
  static final Setting<CircuitConfig, Double> CRITICAL_HEALTH_SCORE =
      Setting.decimal(
          "critical-health-score",
          "criticalHealthScore",
          0.0,
          Range.closed(0, 1),
          "The health score at or below which the breaker opens; 0 turns this off.",
          CircuitConfig::criticalHealthScore);
  static final Setting<CircuitConfig, HealthStatus> OPEN_HEALTH_STATUS =
      Setting.enumeration(
              "open-health-status",
              "openHealthStatus",
              HealthStatus.class,
              HealthStatus.DEGRADED,
              "The health an open breaker reports.",
              CircuitConfig::openHealthStatus)
          .allowing(List.of(HealthStatus.DEGRADED, HealthStatus.DOWN));
  static final Setting<CircuitConfig, List<Class<? extends Throwable>>> RECORD_EXCEPTIONS =
      Setting.exceptions(
          "record-exceptions",
          "recordExceptions",
          "Exception types counted as failures; empty means every exception.",
          CircuitConfig::recordExceptions);
  static final Setting<CircuitConfig, List<Class<? extends Throwable>>> IGNORE_EXCEPTIONS =
      Setting.exceptions(
          "ignore-exceptions",
          "ignoreExceptions",
          "Exception types that count neither as success nor failure.",
          CircuitConfig::ignoreExceptions);

  /** The circuit breaker's settings. */
  public static final SettingGroup<CircuitConfig> CIRCUIT =
      SettingGroup.of(
          "A circuit breaker.",
          List.of(
              ROLLING_WINDOW,
              BUCKETS,
              MIN_CALLS,
              FAILURE_RATE_THRESHOLD,
              CONSECUTIVE_FAILURES_THRESHOLD,
              SLOW_CALL_DURATION,
              SLOW_CALL_RATE_THRESHOLD,
              OPEN_COOLDOWN,
              MAX_OPEN_COOLDOWN,
              HALF_OPEN_MAX_CONCURRENT,
              HALF_OPEN_REQUIRED_SUCCESSES,
              HALF_OPEN_ALLOWED_FAILURES,
              HALF_OPEN_TRIAL_TIMEOUT,
              SAMPLE_WEIGHTING,
              EWMA_ALPHA,
              ADAPTIVE_THRESHOLD,
              MIN_HEALTH_SCORE,
              CRITICAL_HEALTH_SCORE,
              OPEN_HEALTH_STATUS,
              RECORD_EXCEPTIONS,
              IGNORE_EXCEPTIONS),
          List.of(
              Rule.of(
                  "rolling-window / buckets >= 1ms",
                  c -> c.get(ROLLING_WINDOW).toNanos() / c.get(BUCKETS) >= ONE_MS.toNanos(),
                  (c, n) ->
                      n.apply(ROLLING_WINDOW)
                          + " / "
                          + n.apply(BUCKETS)
                          + " must be at least 1ms, was "
                          + n.apply(ROLLING_WINDOW)
                          + "="
                          + text(c.get(ROLLING_WINDOW))
                          + ", "
                          + n.apply(BUCKETS)
                          + "="
                          + c.get(BUCKETS)),
              Rule.atLeast(MAX_OPEN_COOLDOWN, OPEN_COOLDOWN),
              Rule.of(
                  "critical-health-score <= min-health-score",
                  c -> c.get(CRITICAL_HEALTH_SCORE) <= c.get(MIN_HEALTH_SCORE),
                  (c, n) ->
                      n.apply(CRITICAL_HEALTH_SCORE)
                          + " must be in [0, "
                          + n.apply(MIN_HEALTH_SCORE)
                          + " ("
                          + text(c.get(MIN_HEALTH_SCORE))
                          + ")], was "
                          + text(c.get(CRITICAL_HEALTH_SCORE))),
              Rule.disjoint(
                  RECORD_EXCEPTIONS, IGNORE_EXCEPTIONS, "recorded and ignored", RECORD_EXCEPTIONS)),
          v ->
              CircuitConfig.builder()
                  .rollingWindow(v.get(ROLLING_WINDOW))
                  .buckets(v.get(BUCKETS))
                  .minCalls(v.get(MIN_CALLS))
                  .failureRateThreshold(v.get(FAILURE_RATE_THRESHOLD))
                  .consecutiveFailuresThreshold(v.get(CONSECUTIVE_FAILURES_THRESHOLD))
                  .slowCallDuration(v.get(SLOW_CALL_DURATION))
                  .slowCallRateThreshold(v.get(SLOW_CALL_RATE_THRESHOLD))
                  .openCooldown(v.get(OPEN_COOLDOWN))
                  .maxOpenCooldown(v.get(MAX_OPEN_COOLDOWN))
                  .halfOpenMaxConcurrent(v.get(HALF_OPEN_MAX_CONCURRENT))
                  .halfOpenRequiredSuccesses(v.get(HALF_OPEN_REQUIRED_SUCCESSES))
                  .halfOpenAllowedFailures(v.get(HALF_OPEN_ALLOWED_FAILURES))
                  .halfOpenTrialTimeoutOrAuto(v.get(HALF_OPEN_TRIAL_TIMEOUT))
                  .sampleWeighting(v.get(SAMPLE_WEIGHTING))
                  .ewmaAlpha(v.get(EWMA_ALPHA))
                  .adaptiveThreshold(v.get(ADAPTIVE_THRESHOLD))
                  .minHealthScore(v.get(MIN_HEALTH_SCORE))
                  .criticalHealthScore(v.get(CRITICAL_HEALTH_SCORE))
                  .openHealthStatus(v.get(OPEN_HEALTH_STATUS))
                  .recordExceptions(v.get(RECORD_EXCEPTIONS))
                  .ignoreExceptions(v.get(IGNORE_EXCEPTIONS))
                  .build());
}
