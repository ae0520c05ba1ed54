package io.tailguard.core.telemetry;

import static io.tailguard.core.internal.settings.Range.durations;

import io.tailguard.core.internal.settings.Range;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import io.tailguard.core.telemetry.TelemetryConfig.InstanceSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The declaration of telemetry's settings ({@link TelemetryConfig}, {@link InstanceSettings}):
 * keys, defaults, ranges, docs and rules. The builders validate with it and the YAML mapper, writer
 * and reports iterate it.
 *
 * <p>Not part of the public API: read {@link io.tailguard.core.config.ConfigSchema}. It must not
 * read static fields of the config classes, which read it while they initialize. Stateless and
 * thread-safe.
 */
// Its groups are typed with the core's internal settings package, which the module does not
// export: the config package uses them inside the module; ConfigSchema is the public view.
@SuppressWarnings("exports")
public final class TelemetrySettings {

  private TelemetrySettings() {}

  private static final Range SLA = durations(Duration.ofMillis(1), Duration.ofDays(1));
  private static final Range COST = Range.closed(0, 1e12);

  static final Setting<InstanceSettings, Duration> INSTANCE_SLA_TARGET =
      Setting.<InstanceSettings>duration(
              "sla-target",
              "slaTarget",
              null,
              SLA,
              "This instance's SLA target; default the section's.",
              InstanceSettings::slaTarget)
          .optional();
  static final Setting<InstanceSettings, Double> INSTANCE_COST_PER_ATTEMPT =
      Setting.<InstanceSettings>decimal(
              "cost-per-attempt",
              "costPerAttempt",
              null,
              COST,
              "The cost of one attempt of this instance; default the section's.",
              InstanceSettings::costPerAttempt)
          .optional();

  /** One instance's overrides. */
  public static final SettingGroup<InstanceSettings> INSTANCE =
      SettingGroup.of(
          "Telemetry settings of one instance; unset ones follow the section.",
          List.of(INSTANCE_SLA_TARGET, INSTANCE_COST_PER_ATTEMPT),
          List.of(),
          v -> new InstanceSettings(v.get(INSTANCE_SLA_TARGET), v.get(INSTANCE_COST_PER_ATTEMPT)));

  static final Setting<TelemetryConfig, Integer> EVENT_LOG_CAPACITY =
      Setting.integer(
          "event-log-capacity",
          "eventLogCapacity",
          10_000,
          1,
          EventLog.MAX_CAPACITY,
          "How many recent call events the event log keeps.",
          TelemetryConfig::eventLogCapacity);
  static final Setting<TelemetryConfig, Integer> RECORDING_CAPACITY =
      Setting.integer(
          "recording-capacity",
          "recordingCapacity",
          1_000_000,
          1,
          EventLog.MAX_CAPACITY,
          "How many events one recording keeps.",
          TelemetryConfig::recordingCapacity);
  static final Setting<TelemetryConfig, Duration> LATENCY_WINDOW =
      Setting.duration(
          "latency-window",
          "latencyWindow",
          Duration.ofSeconds(60),
          durations(Duration.ofSeconds(1), Duration.ofDays(1)),
          "How far back latency percentiles look.",
          TelemetryConfig::latencyWindow);
  static final Setting<TelemetryConfig, Duration> LATENCY_INTERVAL =
      Setting.duration(
          "latency-interval",
          "latencyInterval",
          Duration.ofSeconds(1),
          durations(Duration.ofMillis(10), Duration.ofHours(1)),
          "The step by which the latency window moves.",
          TelemetryConfig::latencyInterval);
  static final Setting<TelemetryConfig, Duration> SLA_TARGET =
      Setting.duration(
          "sla-target",
          "slaTarget",
          Duration.ofSeconds(1),
          SLA,
          "The latency under which a call meets the SLA.",
          TelemetryConfig::slaTarget);
  static final Setting<TelemetryConfig, Double> COST_PER_ATTEMPT =
      Setting.decimal(
          "cost-per-attempt",
          "costPerAttempt",
          1.0,
          COST,
          "The cost of one attempt, for cost totals and projections.",
          TelemetryConfig::costPerAttempt);
  static final Setting<TelemetryConfig, Map<String, InstanceSettings>> INSTANCES =
      Setting.map(
          "instances",
          "instances",
          INSTANCE,
          "Settings per instance, by name.",
          TelemetryConfig::instances);

  /** Telemetry's settings. */
  public static final SettingGroup<TelemetryConfig> TELEMETRY =
      SettingGroup.of(
          "Call telemetry.",
          List.of(
              EVENT_LOG_CAPACITY,
              RECORDING_CAPACITY,
              LATENCY_WINDOW,
              LATENCY_INTERVAL,
              SLA_TARGET,
              COST_PER_ATTEMPT,
              INSTANCES),
          List.of(
              Rule.atMost(LATENCY_INTERVAL, LATENCY_WINDOW),
              Rule.of(
                  "latency-window / latency-interval <= 3600",
                  c -> slots(c) <= 3600,
                  (c, n) ->
                      n.apply(LATENCY_WINDOW)
                          + " / "
                          + n.apply(LATENCY_INTERVAL)
                          + " must be at most 3600, was "
                          + slots(c))),
          v -> {
            TelemetryConfig.Builder b =
                TelemetryConfig.builder()
                    .eventLogCapacity(v.get(EVENT_LOG_CAPACITY))
                    .recordingCapacity(v.get(RECORDING_CAPACITY))
                    .latencyWindow(v.get(LATENCY_WINDOW))
                    .latencyInterval(v.get(LATENCY_INTERVAL))
                    .slaTarget(v.get(SLA_TARGET))
                    .costPerAttempt(v.get(COST_PER_ATTEMPT));
            v.get(INSTANCES).forEach(b::instance);
            return b.build();
          });

  private static long slots(SettingGroup.Values<TelemetryConfig> c) {
    return c.get(LATENCY_WINDOW).toNanos() / c.get(LATENCY_INTERVAL).toNanos();
  }
}
