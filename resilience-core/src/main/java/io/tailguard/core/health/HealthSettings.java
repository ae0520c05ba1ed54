package io.tailguard.core.health;

import static io.tailguard.core.internal.settings.Range.durations;
import static io.tailguard.core.internal.settings.Range.text;

import io.tailguard.core.health.HealthConfig.ProbeOverride;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The declaration of the health probes' settings ({@link HealthConfig}, {@link ProbeOverride}):
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
public final class HealthSettings {

  private HealthSettings() {}

  private static final Duration MIN = Duration.ofMillis(1);
  private static final Duration MAX = Duration.ofDays(1);

  static final Setting<ProbeOverride, Boolean> PROBE_ENABLED =
      Setting.<ProbeOverride>bool(
              "enabled",
              "enabled",
              true,
              "Whether the probe runs; a disabled probe does not count toward the status.",
              o -> o.enabled().orElse(null))
          .optional();
  static final Setting<ProbeOverride, Duration> PROBE_INTERVAL =
      Setting.<ProbeOverride>duration(
              "interval",
              "interval",
              null,
              durations(MIN, MAX),
              "How often this probe runs; default the section's interval.",
              o -> o.interval().orElse(null))
          .optional();
  static final Setting<ProbeOverride, Duration> PROBE_TIMEOUT =
      Setting.<ProbeOverride>duration(
              "timeout",
              "timeout",
              null,
              durations(MIN, MAX),
              "How long one run of this probe may take; default the section's timeout.",
              o -> o.timeout().orElse(null))
          .optional();
  static final Setting<ProbeOverride, Integer> PROBE_FAILURE_THRESHOLD =
      Setting.<ProbeOverride>integer(
              "failure-threshold",
              "failureThreshold",
              0,
              1,
              HealthConfig.MAX_FAILURE_THRESHOLD,
              "Consecutive failures after which this probe is DOWN; default the section's.",
              o -> o.failureThreshold().orElse(null))
          .optional();

  /** One probe's overrides. */
  public static final SettingGroup<ProbeOverride> PROBE =
      SettingGroup.of(
          "Settings of one probe; unset ones follow the section.",
          List.of(PROBE_ENABLED, PROBE_INTERVAL, PROBE_TIMEOUT, PROBE_FAILURE_THRESHOLD),
          List.of(),
          v -> {
            HealthConfig.OverrideBuilder b = ProbeOverride.builder();
            if (v.get(PROBE_ENABLED) != null) {
              b.enabled(v.get(PROBE_ENABLED));
            }
            if (v.get(PROBE_INTERVAL) != null) {
              b.interval(v.get(PROBE_INTERVAL));
            }
            if (v.get(PROBE_TIMEOUT) != null) {
              b.timeout(v.get(PROBE_TIMEOUT));
            }
            if (v.get(PROBE_FAILURE_THRESHOLD) != null) {
              b.failureThreshold(v.get(PROBE_FAILURE_THRESHOLD));
            }
            return b.build();
          });

  static final Setting<HealthConfig, Duration> INTERVAL =
      Setting.duration(
          "interval",
          "interval",
          Duration.ofSeconds(30),
          durations(MIN, MAX),
          "How often each probe runs.",
          HealthConfig::interval);
  static final Setting<HealthConfig, Duration> TIMEOUT =
      Setting.duration(
          "timeout",
          "timeout",
          Duration.ofSeconds(10),
          durations(MIN, MAX),
          "How long one run of a probe may take; shorter than the interval.",
          HealthConfig::timeout);
  static final Setting<HealthConfig, Integer> FAILURE_THRESHOLD =
      Setting.integer(
          "failure-threshold",
          "failureThreshold",
          3,
          1,
          HealthConfig.MAX_FAILURE_THRESHOLD,
          "Consecutive failures after which a probe is DOWN (DEGRADED before).",
          HealthConfig::failureThreshold);
  static final Setting<HealthConfig, Map<String, ProbeOverride>> PROVIDERS =
      Setting.map(
          "providers", "probes", PROBE, "Settings per probe, by name.", HealthConfig::probes);

  /** The health probes' settings. */
  public static final SettingGroup<HealthConfig> HEALTH =
      SettingGroup.of(
          "Health probes.",
          List.of(INTERVAL, TIMEOUT, FAILURE_THRESHOLD, PROVIDERS),
          List.of(
              Rule.<HealthConfig>of(
                  "timeout < interval, for the section and for every probe",
                  c -> late(c) == null,
                  (c, n) -> {
                    String name = late(c);
                    String prefix = name.isEmpty() ? "" : n.apply(PROVIDERS) + "." + name + ".";
                    Duration[] it = effective(c, name);
                    return prefix
                        + n.apply(TIMEOUT)
                        + " must be less than "
                        + prefix
                        + n.apply(INTERVAL)
                        + " ("
                        + text(it[0])
                        + "), was "
                        + text(it[1]);
                  })),
          v -> {
            HealthConfig.Builder b =
                HealthConfig.builder()
                    .interval(v.get(INTERVAL))
                    .timeout(v.get(TIMEOUT))
                    .failureThreshold(v.get(FAILURE_THRESHOLD));
            v.get(PROVIDERS).forEach(b::probe);
            return b.build();
          });

  /** The first whose timeout is not below its interval: "" for the section, else a probe. */
  private static String late(SettingGroup.Values<HealthConfig> c) {
    for (String name : names(c)) {
      Duration[] it = effective(c, name);
      if (it[1].compareTo(it[0]) >= 0) {
        return name;
      }
    }
    return null;
  }

  private static List<String> names(SettingGroup.Values<HealthConfig> c) {
    List<String> names = new java.util.ArrayList<>();
    names.add("");
    names.addAll(new java.util.TreeSet<>(c.get(PROVIDERS).keySet()));
    return names;
  }

  /** The interval and timeout in force for the section ("") or a probe. */
  private static Duration[] effective(SettingGroup.Values<HealthConfig> c, String name) {
    Duration interval = c.get(INTERVAL);
    Duration timeout = c.get(TIMEOUT);
    if (!name.isEmpty()) {
      ProbeOverride o = c.get(PROVIDERS).get(name);
      interval = o.interval().orElse(interval);
      timeout = o.timeout().orElse(timeout);
    }
    return new Duration[] {interval, timeout};
  }
}
