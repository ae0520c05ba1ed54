package io.tailguard.core.config;

import static io.tailguard.core.internal.settings.Range.durations;

import io.tailguard.core.config.ResilienceConfig.RedisSection;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import io.tailguard.core.ratelimiter.redis.RedisFailurePolicy;
import java.time.Duration;
import java.util.List;

/**
 * The declaration of the {@code rate-limiter.redis} group ({@link RedisSection}). It must not read
 * static fields of {@link RedisSection}, which reads it while it initializes. Stateless and
 * thread-safe.
 */
final class RedisSettings {

  private RedisSettings() {}

  static final Setting<RedisSection, String> URI =
      Setting.<RedisSection>string(
              "uri",
              "uri",
              null,
              "The Redis URI (redis://host:port, rediss://...); unset means a connection given in"
                  + " code.",
              RedisSection::uri)
          .checking(
              uri ->
                  uri.matches("(?i)(redis|rediss|redis-socket|redis-sentinel)://.+")
                      ? null
                      : "must be a Redis URI (redis://host:port), was '"
                          + uri.replaceAll("//[^@/]*@", "//***@")
                          + "'");
  static final Setting<RedisSection, String> KEY_PREFIX =
      Setting.<RedisSection>string(
              "key-prefix",
              "keyPrefix",
              "tailguard:rl:",
              "What every key starts with, before the limiter's name.",
              RedisSection::keyPrefix)
          .checking(
              p ->
                  p.length() > 127 || p.indexOf('{') >= 0 || p.indexOf('}') >= 0
                      ? "must have at most 127 characters and no '{' or '}', was '" + p + "'"
                      : null);
  static final Setting<RedisSection, Duration> COMMAND_TIMEOUT =
      Setting.duration(
          "command-timeout",
          "commandTimeout",
          Duration.ofMillis(100),
          durations(Duration.ofMillis(1), Duration.ofSeconds(10)),
          "The longest wait for Redis per request.",
          RedisSection::commandTimeout);
  static final Setting<RedisSection, RedisFailurePolicy> FAILURE_POLICY =
      Setting.enumeration(
          "failure-policy",
          "failurePolicy",
          RedisFailurePolicy.class,
          RedisFailurePolicy.LOCAL,
          "What requests get while Redis cannot answer.",
          RedisSection::failurePolicy);
  static final Setting<RedisSection, Integer> INSTANCE_COUNT =
      Setting.integer(
          "instance-count",
          "instanceCount",
          1,
          1,
          100_000,
          "How many instances share the limits; the local fallback divides the rate by it.",
          RedisSection::instanceCount);

  /** The Redis group's settings. */
  static final SettingGroup<RedisSection> REDIS =
      SettingGroup.of(
          "How the limiters reach Redis when the backend is redis.",
          List.of(URI, KEY_PREFIX, COMMAND_TIMEOUT, FAILURE_POLICY, INSTANCE_COUNT),
          List.of(),
          v ->
              new RedisSection(
                  v.get(URI),
                  v.get(KEY_PREFIX),
                  v.get(COMMAND_TIMEOUT),
                  v.get(FAILURE_POLICY),
                  v.get(INSTANCE_COUNT)));
}
