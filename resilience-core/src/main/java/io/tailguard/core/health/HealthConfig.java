package io.tailguard.core.health;

import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings of a {@link HealthRegistry}: how often each probe runs ({@code interval}), how long
 * one run may take ({@code timeout}), how many failures in a row make a probe DOWN ({@code
 * failureThreshold}), and per-probe overrides of all three plus {@code enabled}.
 *
 * <p>In the configuration schema this is the {@code resilience.health} section; its {@code
 * providers} map holds the per-probe overrides:
 *
 * <pre>{@code
 * resilience:
 *   health:
 *     interval: 30s
 *     timeout: 10s
 *     failure-threshold: 3
 *     providers: { vector-store: { enabled: true } }
 * }</pre>
 *
 * <pre>{@code
 * HealthConfig config = HealthConfig.builder()
 *     .interval(Duration.ofSeconds(30))
 *     .timeout(Duration.ofSeconds(10))
 *     .failureThreshold(3)
 *     .probe("vector-store", ProbeOverride.builder().enabled(true).build())
 *     .build();
 * }</pre>
 *
 * <p>Every setter checks its value at once and throws an {@link IllegalArgumentException} naming
 * the field, the allowed range and the value given; {@link Builder#build()} then checks that the
 * timeout is shorter than the interval, for the defaults and for every probe's effective settings.
 * A {@code HealthConfig} that exists is therefore always valid.
 *
 * <p>Instances are immutable and thread-safe. Builders are not thread-safe.
 */
public final class HealthConfig {

  /** The shortest interval and timeout accepted. */
  public static final Duration MIN_DURATION = Duration.ofMillis(1);

  /** The longest interval and timeout accepted. */
  public static final Duration MAX_DURATION = Duration.ofDays(1);

  /** The largest failure threshold accepted. */
  public static final int MAX_FAILURE_THRESHOLD = 1000;

  private static final HealthConfig DEFAULTS = new Builder().build();

  private final Duration interval;
  private final Duration timeout;
  private final int failureThreshold;
  private final Map<String, ProbeOverride> probes;

  private HealthConfig(Builder b) {
    this.interval = b.interval;
    this.timeout = b.timeout;
    this.failureThreshold = b.failureThreshold;
    this.probes = Collections.unmodifiableMap(new TreeMap<>(b.probes));
  }

  /**
   * Returns the default configuration: every 30s, a 10s timeout, DOWN after 3 failures in a row, no
   * overrides.
   *
   * @return the defaults
   */
  public static HealthConfig defaults() {
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
   * How often each probe runs, measured from one due time to the next. Default 30s.
   *
   * @return the interval
   * @see Builder#interval(Duration)
   */
  public Duration interval() {
    return interval;
  }

  /**
   * How long one run may take before it counts as failed and its thread is interrupted; always
   * shorter than {@link #interval()}. Default 10s.
   *
   * @return the timeout
   * @see Builder#timeout(Duration)
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * How many failed runs in a row make a probe DOWN; fewer make it DEGRADED. Default 3.
   *
   * @return the failure threshold
   * @see Builder#failureThreshold(int)
   */
  public int failureThreshold() {
    return failureThreshold;
  }

  /**
   * The per-probe overrides, sorted by probe name. Default none.
   *
   * @return an unmodifiable map from probe name to override
   * @see Builder#probe(String, ProbeOverride)
   */
  public Map<String, ProbeOverride> probes() {
    return probes;
  }

  /**
   * Returns the settings a probe runs with: its override where it has one, the defaults otherwise.
   * Probes are enabled unless an override says otherwise.
   *
   * @param probe the probe's name
   * @return the effective settings
   * @throws IllegalArgumentException if {@code probe} is {@code null}
   */
  public ProbeSettings settingsFor(String probe) {
    Validate.notNull("probe", probe);
    return effective(probes.get(probe), interval, timeout, failureThreshold);
  }

  private static ProbeSettings effective(
      ProbeOverride o, Duration interval, Duration timeout, int failureThreshold) {
    if (o == null) {
      return new ProbeSettings(true, interval, timeout, failureThreshold);
    }
    return new ProbeSettings(
        o.enabled == null || o.enabled,
        o.interval == null ? interval : o.interval,
        o.timeout == null ? timeout : o.timeout,
        o.failureThreshold == null ? failureThreshold : o.failureThreshold);
  }

  /**
   * Returns the settings as an ordered map of plain values (durations as text such as {@code 30s}),
   * for reports and the Actuator endpoint.
   *
   * @return the settings
   */
  public Map<String, Object> toMap() {
    return HealthSettings.HEALTH.report(this);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof HealthConfig c && HealthSettings.HEALTH.equal(this, c));
  }

  @Override
  public int hashCode() {
    return HealthSettings.HEALTH.hash(this);
  }

  @Override
  public String toString() {
    return "HealthConfig" + toMap();
  }

  /**
   * The settings one probe runs with, after its override is applied to the defaults.
   *
   * @param enabled whether the probe runs and counts toward the aggregate status
   * @param interval how often it runs
   * @param timeout how long one run may take; shorter than {@code interval}
   * @param failureThreshold how many failures in a row make it DOWN
   */
  public record ProbeSettings(
      boolean enabled, Duration interval, Duration timeout, int failureThreshold) {

    /**
     * Returns the settings as an ordered map of plain values.
     *
     * @return the settings
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("enabled", enabled);
      m.put("interval", Durations.format(interval));
      m.put("timeout", Durations.format(timeout));
      m.put("failureThreshold", failureThreshold);
      return m;
    }
  }

  /**
   * Overrides of the defaults for one probe. A field left unset takes the default of the {@link
   * HealthConfig} it belongs to, so changing the defaults later changes it too.
   *
   * <p>Instances are immutable and thread-safe. Builders are not thread-safe.
   */
  public static final class ProbeOverride {

    private final Boolean enabled;
    private final Duration interval;
    private final Duration timeout;
    private final Integer failureThreshold;

    private ProbeOverride(OverrideBuilder b) {
      this.enabled = b.enabled;
      this.interval = b.interval;
      this.timeout = b.timeout;
      this.failureThreshold = b.failureThreshold;
    }

    /**
     * Returns a builder with nothing overridden.
     *
     * @return a new builder
     */
    public static OverrideBuilder builder() {
      return new OverrideBuilder();
    }

    /**
     * Returns an override that only sets {@code enabled}, as in {@code providers: { vector-store: {
     * enabled: false } }}.
     *
     * @param enabled whether the probe runs
     * @return the override
     */
    public static ProbeOverride enabled(boolean enabled) {
      return builder().enabled(enabled).build();
    }

    /**
     * Returns a builder that starts from this override.
     *
     * @return a new builder
     */
    public OverrideBuilder toBuilder() {
      return new OverrideBuilder(this);
    }

    /**
     * Returns whether the probe runs, if overridden.
     *
     * @return the override, or empty to keep the default ({@code true})
     */
    public Optional<Boolean> enabled() {
      return Optional.ofNullable(enabled);
    }

    /**
     * Returns the probe's interval, if overridden.
     *
     * @return the override, or empty to keep the default
     */
    public Optional<Duration> interval() {
      return Optional.ofNullable(interval);
    }

    /**
     * Returns the probe's timeout, if overridden.
     *
     * @return the override, or empty to keep the default
     */
    public Optional<Duration> timeout() {
      return Optional.ofNullable(timeout);
    }

    /**
     * Returns the probe's failure threshold, if overridden.
     *
     * @return the override, or empty to keep the default
     */
    public Optional<Integer> failureThreshold() {
      return Optional.ofNullable(failureThreshold);
    }

    /**
     * Returns the overridden fields as an ordered map of plain values.
     *
     * @return the overridden fields only
     */
    public Map<String, Object> toMap() {
      return HealthSettings.PROBE.report(this);
    }

    @Override
    public boolean equals(Object o) {
      return this == o || (o instanceof ProbeOverride p && HealthSettings.PROBE.equal(this, p));
    }

    @Override
    public int hashCode() {
      return HealthSettings.PROBE.hash(this);
    }

    @Override
    public String toString() {
      return "ProbeOverride" + toMap();
    }
  }

  /**
   * Builds a {@link ProbeOverride}. Each setter validates its argument at once; whether the timeout
   * is shorter than the interval is checked when the override is put into a {@link HealthConfig}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class OverrideBuilder {
    private Boolean enabled;
    private Duration interval;
    private Duration timeout;
    private Integer failureThreshold;

    private OverrideBuilder() {}

    private OverrideBuilder(ProbeOverride o) {
      enabled = o.enabled;
      interval = o.interval;
      timeout = o.timeout;
      failureThreshold = o.failureThreshold;
    }

    /**
     * Sets whether the probe runs. A disabled probe is never run and does not count toward the
     * aggregate status.
     *
     * @param enabled whether the probe runs
     * @return this builder
     */
    public OverrideBuilder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /**
     * Sets the probe's interval, in [1ms, 1d].
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or out of range
     */
    public OverrideBuilder interval(Duration interval) {
      this.interval = HealthSettings.PROBE_INTERVAL.check(Validate.notNull("interval", interval));
      return this;
    }

    /**
     * Sets the probe's timeout, in [1ms, 1d] and shorter than its interval.
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or out of range
     */
    public OverrideBuilder timeout(Duration timeout) {
      this.timeout = HealthSettings.PROBE_TIMEOUT.check(Validate.notNull("timeout", timeout));
      return this;
    }

    /**
     * Sets the probe's failure threshold, in [1, 1000].
     *
     * @param threshold the threshold
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public OverrideBuilder failureThreshold(int threshold) {
      this.failureThreshold = HealthSettings.PROBE_FAILURE_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Returns the override.
     *
     * @return the override
     */
    public ProbeOverride build() {
      return new ProbeOverride(this);
    }
  }

  /**
   * Builds a {@link HealthConfig}. Each setter validates its argument at once; {@link #build()}
   * validates that every timeout is shorter than its interval.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private Duration interval = HealthSettings.INTERVAL.defaultValue();
    private Duration timeout = HealthSettings.TIMEOUT.defaultValue();
    private int failureThreshold = HealthSettings.FAILURE_THRESHOLD.defaultValue();
    private final Map<String, ProbeOverride> probes = new TreeMap<>();

    private Builder() {}

    private Builder(HealthConfig c) {
      interval = c.interval;
      timeout = c.timeout;
      failureThreshold = c.failureThreshold;
      probes.putAll(c.probes);
    }

    /**
     * Sets how often each probe runs, in [1ms, 1d].
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or out of range
     */
    public Builder interval(Duration interval) {
      this.interval = HealthSettings.INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets how long one run may take, in [1ms, 1d] and shorter than the interval.
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = HealthSettings.TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Sets how many failures in a row make a probe DOWN, in [1, 1000]. With 1, one failure is DOWN.
     *
     * @param threshold the threshold
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder failureThreshold(int threshold) {
      this.failureThreshold = HealthSettings.FAILURE_THRESHOLD.check(threshold);
      return this;
    }

    /**
     * Sets the override of one probe, replacing an earlier one. The probe need not be registered
     * yet: the override applies when it is.
     *
     * @param name the probe's name
     * @param override its override
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid or the override {@code null}
     */
    public Builder probe(String name, ProbeOverride override) {
      InstanceNames.check("health probe", name);
      probes.put(name, Validate.notNull("probes." + name, override));
      return this;
    }

    /**
     * Removes the override of one probe, if any; the probe takes the defaults.
     *
     * @param name the probe's name
     * @return this builder
     * @throws IllegalArgumentException if the name is {@code null}
     */
    public Builder removeProbe(String name) {
      probes.remove(Validate.notNull("probe name", name));
      return this;
    }

    /**
     * Checks that every timeout is shorter than its interval and returns the config.
     *
     * @return the config
     * @throws IllegalArgumentException naming the probe and both values if a timeout is not shorter
     *     than its interval
     */
    public HealthConfig build() {
      return HealthSettings.HEALTH.checkRules(new HealthConfig(this));
    }
  }
}
