package io.tailguard.core.ratelimiter;

import static io.tailguard.core.internal.settings.Range.durations;

import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import java.time.Duration;
import java.util.List;

/**
 * The declaration of a rate limiter's settings ({@link RateLimitConfig}): keys, defaults, ranges,
 * docs and rules. The builder validates with it and the YAML mapper, writer and reports iterate it.
 *
 * <p>Not part of the public API: read {@link io.tailguard.core.config.ConfigSchema}. It must not
 * read static fields of the config classes, which read it while they initialize. Stateless and
 * thread-safe.
 */
// Its groups are typed with the core's internal settings package, which the module does not
// export: the config package uses them inside the module; ConfigSchema is the public view.
@SuppressWarnings("exports")
public final class RateLimitSettings {

  private RateLimitSettings() {}

  static final Setting<RateLimitConfig, Integer> CAPACITY =
      Setting.integer(
          "capacity",
          "capacity",
          60,
          1,
          1_000_000_000,
          "Permits per window, which is also the largest burst.",
          RateLimitConfig::capacity);
  static final Setting<RateLimitConfig, Duration> WINDOW =
      Setting.duration(
          "window",
          "window",
          Duration.ofSeconds(60),
          durations(Duration.ofMillis(1), Duration.ofDays(366)),
          "The span of time capacity permits are spread over.",
          RateLimitConfig::window);
  static final Setting<RateLimitConfig, Integer> CLEANUP_THRESHOLD =
      Setting.integer(
          "cleanup-threshold",
          "cleanupThreshold",
          1_000,
          1,
          100_000_000,
          "The key count above which idle keys are evicted; at most max-keys.",
          RateLimitConfig::cleanupThreshold);
  static final Setting<RateLimitConfig, Integer> MAX_KEYS =
      Setting.integer(
          "max-keys",
          "maxKeys",
          100_000,
          1,
          100_000_000,
          "The most keys tracked at once, so hostile keys cannot exhaust memory.",
          RateLimitConfig::maxKeys);

  /** A rate limiter's settings. */
  public static final SettingGroup<RateLimitConfig> RATE_LIMIT =
      SettingGroup.of(
          "A rate limiter.",
          List.of(CAPACITY, WINDOW, CLEANUP_THRESHOLD, MAX_KEYS),
          List.of(
              Rule.<RateLimitConfig>of(
                      "cleanup-threshold <= max-keys",
                      c -> c.get(CLEANUP_THRESHOLD) <= c.get(MAX_KEYS),
                      (c, n) ->
                          n.apply(CLEANUP_THRESHOLD)
                              + " must be in [1, "
                              + n.apply(MAX_KEYS)
                              + " = "
                              + c.get(MAX_KEYS)
                              + "], was "
                              + c.get(CLEANUP_THRESHOLD))
                  .at(CLEANUP_THRESHOLD)),
          v ->
              RateLimitConfig.builder()
                  .capacity(v.get(CAPACITY))
                  .window(v.get(WINDOW))
                  .cleanupThreshold(v.get(CLEANUP_THRESHOLD))
                  .maxKeys(v.get(MAX_KEYS))
                  .build());
}
