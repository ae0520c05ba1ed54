package io.tailguard.core.telemetry;

import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the {@link Telemetry} hub: the size of the event log, the latency window, the SLA
 * target and the cost of an attempt, with per-instance overrides of the last two.
 *
 * <p>Instances are immutable and thread-safe. Builders are not thread-safe.
 */
public final class TelemetryConfig {

  private static final TelemetryConfig DEFAULTS = new Builder().build();

  private final int eventLogCapacity;
  private final int recordingCapacity;
  private final Duration latencyWindow;
  private final Duration latencyInterval;
  private final Duration slaTarget;
  private final double costPerAttempt;
  private final Map<String, InstanceSettings> instances;

  /**
   * Per-instance settings; {@code null} means "as the defaults".
   *
   * @param slaTarget the SLA target of this instance, or {@code null}
   * @param costPerAttempt the cost of one attempt of this instance, or {@code null}
   */
  public record InstanceSettings(Duration slaTarget, Double costPerAttempt) {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException naming the field if one is invalid
     */
    public InstanceSettings {
      TelemetrySettings.INSTANCE_SLA_TARGET.check(slaTarget);
      TelemetrySettings.INSTANCE_COST_PER_ATTEMPT.check(costPerAttempt);
    }
  }

  private TelemetryConfig(Builder b) {
    this.eventLogCapacity = b.eventLogCapacity;
    this.recordingCapacity = b.recordingCapacity;
    this.latencyWindow = b.latencyWindow;
    this.latencyInterval = b.latencyInterval;
    this.slaTarget = b.slaTarget;
    this.costPerAttempt = b.costPerAttempt;
    this.instances = Map.copyOf(b.instances);
  }

  /**
   * Returns the defaults.
   *
   * @return the defaults
   */
  public static TelemetryConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * How many recent call events the log keeps. Default 10000.
   *
   * @return the capacity
   */
  public int eventLogCapacity() {
    return eventLogCapacity;
  }

  /**
   * The most events one recording keeps. Default 1000000.
   *
   * @return the capacity
   */
  public int recordingCapacity() {
    return recordingCapacity;
  }

  /**
   * How far back latency percentiles look. Default 60s.
   *
   * @return the window
   */
  public Duration latencyWindow() {
    return latencyWindow;
  }

  /**
   * The granularity of the latency window. Default 1s.
   *
   * @return the interval
   */
  public Duration latencyInterval() {
    return latencyInterval;
  }

  /**
   * The default SLA target: calls at or under it are compliant. Default 1s.
   *
   * @return the target
   */
  public Duration slaTarget() {
    return slaTarget;
  }

  /**
   * The default cost of one attempt, in the caller's units. Default 1.
   *
   * @return the cost
   */
  public double costPerAttempt() {
    return costPerAttempt;
  }

  /**
   * The per-instance overrides.
   *
   * @return an unmodifiable map by instance name
   */
  public Map<String, InstanceSettings> instances() {
    return instances;
  }

  /**
   * Returns the SLA target of an instance.
   *
   * @param name the instance
   * @return its override, else the default
   */
  public Duration slaTargetOf(String name) {
    InstanceSettings s = instances.get(name);
    return s != null && s.slaTarget() != null ? s.slaTarget() : slaTarget;
  }

  /**
   * Returns the cost of one attempt of an instance.
   *
   * @param name the instance
   * @return its override, else the default
   */
  public double costPerAttemptOf(String name) {
    InstanceSettings s = instances.get(name);
    return s != null && s.costPerAttempt() != null ? s.costPerAttempt() : costPerAttempt;
  }

  /**
   * Returns the settings as an ordered map of plain values.
   *
   * @return the settings
   */
  public Map<String, Object> toMap() {
    return TelemetrySettings.TELEMETRY.report(this);
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof TelemetryConfig c && TelemetrySettings.TELEMETRY.equal(this, c));
  }

  @Override
  public int hashCode() {
    return TelemetrySettings.TELEMETRY.hash(this);
  }

  @Override
  public String toString() {
    return "TelemetryConfig" + toMap();
  }

  /**
   * Builds a {@link TelemetryConfig}; setters validate at once.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private int eventLogCapacity = TelemetrySettings.EVENT_LOG_CAPACITY.defaultValue();
    private int recordingCapacity = TelemetrySettings.RECORDING_CAPACITY.defaultValue();
    private Duration latencyWindow = TelemetrySettings.LATENCY_WINDOW.defaultValue();
    private Duration latencyInterval = TelemetrySettings.LATENCY_INTERVAL.defaultValue();
    private Duration slaTarget = TelemetrySettings.SLA_TARGET.defaultValue();
    private double costPerAttempt = TelemetrySettings.COST_PER_ATTEMPT.defaultValue();
    private final Map<String, InstanceSettings> instances = new LinkedHashMap<>();

    private Builder() {}

    private Builder(TelemetryConfig c) {
      eventLogCapacity = c.eventLogCapacity;
      recordingCapacity = c.recordingCapacity;
      latencyWindow = c.latencyWindow;
      latencyInterval = c.latencyInterval;
      slaTarget = c.slaTarget;
      costPerAttempt = c.costPerAttempt;
      instances.putAll(c.instances);
    }

    /**
     * Sets the event log capacity, in [1, 10000000].
     *
     * @param capacity the capacity
     * @return this builder
     */
    public Builder eventLogCapacity(int capacity) {
      this.eventLogCapacity = TelemetrySettings.EVENT_LOG_CAPACITY.check(capacity);
      return this;
    }

    /**
     * Sets the recording capacity, in [1, 10000000].
     *
     * @param capacity the capacity
     * @return this builder
     */
    public Builder recordingCapacity(int capacity) {
      this.recordingCapacity = TelemetrySettings.RECORDING_CAPACITY.check(capacity);
      return this;
    }

    /**
     * Sets the latency window, in [1s, 1d].
     *
     * @param window the window
     * @return this builder
     */
    public Builder latencyWindow(Duration window) {
      this.latencyWindow = TelemetrySettings.LATENCY_WINDOW.check(window);
      return this;
    }

    /**
     * Sets the latency interval, in [10ms, 1h], at most the window and at most 3600 per window.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder latencyInterval(Duration interval) {
      this.latencyInterval = TelemetrySettings.LATENCY_INTERVAL.check(interval);
      return this;
    }

    /**
     * Sets the default SLA target, in [1ms, 1d].
     *
     * @param target the target
     * @return this builder
     */
    public Builder slaTarget(Duration target) {
      this.slaTarget = TelemetrySettings.SLA_TARGET.check(target);
      return this;
    }

    /**
     * Sets the default cost of one attempt, in [0, 1e12].
     *
     * @param cost the cost
     * @return this builder
     */
    public Builder costPerAttempt(double cost) {
      this.costPerAttempt = TelemetrySettings.COST_PER_ATTEMPT.check(cost);
      return this;
    }

    /**
     * Overrides settings of one instance.
     *
     * @param name the instance
     * @param settings its settings
     * @return this builder
     */
    public Builder instance(String name, InstanceSettings settings) {
      InstanceNames.check("telemetry instance", name);
      instances.put(name, Validate.notNull("instances." + name, settings));
      return this;
    }

    /**
     * Checks the rules between fields and returns the settings.
     *
     * @return the settings
     */
    public TelemetryConfig build() {
      return TelemetrySettings.TELEMETRY.checkRules(new TelemetryConfig(this));
    }
  }
}
