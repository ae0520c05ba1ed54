package io.tailguard.core.telemetry;

import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
      if (slaTarget != null) {
        checkSla("slaTarget", slaTarget);
      }
      if (costPerAttempt != null) {
        checkCost("costPerAttempt", costPerAttempt);
      }
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
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("eventLogCapacity", eventLogCapacity);
    m.put("recordingCapacity", recordingCapacity);
    m.put("latencyWindow", Durations.format(latencyWindow));
    m.put("latencyInterval", Durations.format(latencyInterval));
    m.put("slaTarget", Durations.format(slaTarget));
    m.put("costPerAttempt", costPerAttempt);
    Map<String, Object> per = new LinkedHashMap<>();
    new java.util.TreeMap<>(instances)
        .forEach(
            (name, s) -> {
              Map<String, Object> one = new LinkedHashMap<>();
              if (s.slaTarget() != null) {
                one.put("slaTarget", Durations.format(s.slaTarget()));
              }
              if (s.costPerAttempt() != null) {
                one.put("costPerAttempt", s.costPerAttempt());
              }
              per.put(name, one);
            });
    m.put("instances", per);
    return m;
  }

  private static Duration checkSla(String field, Duration d) {
    return Validate.inRange(field, d, Duration.ofMillis(1), Duration.ofDays(1));
  }

  private static double checkCost(String field, double cost) {
    return Validate.inClosed(field, cost, 0, 1e12);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TelemetryConfig)) {
      return false;
    }
    TelemetryConfig c = (TelemetryConfig) o;
    return eventLogCapacity == c.eventLogCapacity
        && recordingCapacity == c.recordingCapacity
        && Double.compare(costPerAttempt, c.costPerAttempt) == 0
        && latencyWindow.equals(c.latencyWindow)
        && latencyInterval.equals(c.latencyInterval)
        && slaTarget.equals(c.slaTarget)
        && instances.equals(c.instances);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        eventLogCapacity,
        recordingCapacity,
        latencyWindow,
        latencyInterval,
        slaTarget,
        costPerAttempt,
        instances);
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
    private int eventLogCapacity = 10_000;
    private int recordingCapacity = 1_000_000;
    private Duration latencyWindow = Duration.ofSeconds(60);
    private Duration latencyInterval = Duration.ofSeconds(1);
    private Duration slaTarget = Duration.ofSeconds(1);
    private double costPerAttempt = 1.0;
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
      this.eventLogCapacity =
          Validate.inRange("eventLogCapacity", capacity, 1, EventLog.MAX_CAPACITY);
      return this;
    }

    /**
     * Sets the recording capacity, in [1, 10000000].
     *
     * @param capacity the capacity
     * @return this builder
     */
    public Builder recordingCapacity(int capacity) {
      this.recordingCapacity =
          Validate.inRange("recordingCapacity", capacity, 1, EventLog.MAX_CAPACITY);
      return this;
    }

    /**
     * Sets the latency window, in [1s, 1d].
     *
     * @param window the window
     * @return this builder
     */
    public Builder latencyWindow(Duration window) {
      this.latencyWindow =
          Validate.inRange("latencyWindow", window, Duration.ofSeconds(1), Duration.ofDays(1));
      return this;
    }

    /**
     * Sets the latency interval, in [10ms, 1h], at most the window and at most 3600 per window.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder latencyInterval(Duration interval) {
      this.latencyInterval =
          Validate.inRange("latencyInterval", interval, Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the default SLA target, in [1ms, 1d].
     *
     * @param target the target
     * @return this builder
     */
    public Builder slaTarget(Duration target) {
      this.slaTarget = checkSla("slaTarget", target);
      return this;
    }

    /**
     * Sets the default cost of one attempt, in [0, 1e12].
     *
     * @param cost the cost
     * @return this builder
     */
    public Builder costPerAttempt(double cost) {
      this.costPerAttempt = checkCost("costPerAttempt", cost);
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
      if (latencyInterval.compareTo(latencyWindow) > 0) {
        throw new IllegalArgumentException(
            "latencyInterval must be at most latencyWindow ("
                + Durations.format(latencyWindow)
                + "), was "
                + Durations.format(latencyInterval));
      }
      long slots = latencyWindow.toNanos() / latencyInterval.toNanos();
      if (slots > 3600) {
        throw new IllegalArgumentException(
            "latencyWindow / latencyInterval must be at most 3600, was " + slots);
      }
      return new TelemetryConfig(this);
    }
  }
}
