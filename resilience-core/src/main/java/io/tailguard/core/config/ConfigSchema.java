package io.tailguard.core.config;

import io.tailguard.core.circuitbreaker.CircuitSettings;
import io.tailguard.core.health.HealthSettings;
import io.tailguard.core.hedge.HedgeSettings;
import io.tailguard.core.http.HttpClientSettings;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimitSettings;
import io.tailguard.core.retry.RetrySettings;
import io.tailguard.core.telemetry.TelemetrySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A read-only view of every setting under {@code resilience:}, as the engines declare them: the
 * property path, the type, the default, the allowed values, one line of documentation, and the
 * rules between settings. The Spring starter generates its configuration metadata from it and docs
 * can list it; the YAML loader and writer use the same declarations.
 *
 * <p>Paths are relative to {@code resilience}; a {@code *} stands for a name of the user's (an
 * instance, a policy, a probe, an HTTP client) and {@code [*]} for an item of a list (an HTTP
 * client's endpoints). Stateless and thread-safe.
 */
public final class ConfigSchema {

  /**
   * One setting.
   *
   * @param path the path below {@code resilience}, kebab-case, such as {@code
   *     circuit-breaker.defaults.failure-rate-threshold}
   * @param type the kind of value: {@code duration}, {@code integer}, {@code decimal}, {@code
   *     boolean}, {@code enum}, {@code string}, {@code exceptions}, {@code integers}, {@code
   *     strings}
   * @param javaType the Java type a binder would use, such as {@code java.time.Duration}
   * @param defaultValue the default as YAML writes it ({@code 10s}, {@code sliding}, {@code auto}),
   *     or null for none
   * @param allowed the allowed values in a few words ({@code (0, 1]}, {@code one of [sliding,
   *     exponential]}), or an empty string
   * @param values the allowed words of an enum, kebab-case, or empty
   * @param doc one line of documentation
   */
  public record Entry(
      String path,
      String type,
      String javaType,
      Object defaultValue,
      String allowed,
      List<String> values,
      String doc) {

    /**
     * The documentation and the allowed values in one sentence, for IDEs.
     *
     * @return the description
     */
    public String description() {
      return allowed.isEmpty() ? doc : doc + " Allowed: " + allowed + ".";
    }
  }

  private static final List<Entry> ENTRIES = build();
  private static final List<String> RULES = collectRules();

  private ConfigSchema() {}

  /**
   * Returns every setting, in document order.
   *
   * @return the settings
   */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /**
   * Returns the rules between settings, in YAML keys, each prefixed by the path of its group (such
   * as {@code retry.policies.*: max-delay >= base-delay}).
   *
   * @return the rules
   */
  public static List<String> rules() {
    return RULES;
  }

  private static List<Entry> build() {
    List<Entry> out = new ArrayList<>();
    add(out, "circuit-breaker.defaults.", CircuitSettings.CIRCUIT);
    add(out, "circuit-breaker.global.", CircuitSettings.GLOBAL);
    add(out, "circuit-breaker.instances.*.", CircuitSettings.CIRCUIT);
    add(out, "hedge.defaults.", HedgeSettings.HEDGE);
    add(out, "hedge.instances.*.", HedgeSettings.HEDGE);
    add(out, "retry.policies.*.", RetrySettings.POLICY);
    List<String> backends = new ArrayList<>();
    for (RateLimitBackend b : RateLimitBackend.values()) {
      backends.add(kebab(b));
    }
    out.add(
        new Entry(
            "rate-limiter.backend",
            "enum",
            RateLimitBackend.class.getName(),
            "memory",
            "one of " + backends,
            List.copyOf(backends),
            "Where limits are kept: in memory, or in Redis shared by every instance."));
    for (String key : List.of("cleanup-threshold", "max-keys")) {
      Setting<?, ?> s = RateLimitSettings.RATE_LIMIT.setting(key);
      out.add(entry("rate-limiter." + key, s, cast(s).plain(cast(s).defaultValue())));
    }
    add(out, "rate-limiter.defaults.", RateLimitSettings.RATE_LIMIT);
    add(out, "rate-limiter.instances.*.", RateLimitSettings.RATE_LIMIT);
    add(out, "rate-limiter.redis.", RedisSettings.REDIS);
    add(out, "health.", HealthSettings.HEALTH);
    add(out, "telemetry.", TelemetrySettings.TELEMETRY);
    add(out, "http-clients.*.", HttpClientSettings.HTTP_CLIENT);
    return List.copyOf(out);
  }

  private static <C> void add(List<Entry> out, String prefix, SettingGroup<C> g) {
    for (Setting<C, ?> s : g.settings()) {
      switch (s.kind()) {
        case GROUP -> add(out, prefix + s.key() + ".", s.group());
        case MAP -> add(out, prefix + s.key() + ".*.", s.group());
        case LIST -> add(out, prefix + s.key() + "[*].", s.group());
        default -> out.add(entry(prefix + s.key(), s, cast(s).plain(cast(s).defaultValue())));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Setting<Object, Object> cast(Setting<?, ?> s) {
    return (Setting<Object, Object>) s;
  }

  private static Entry entry(String path, Setting<?, ?> s, Object def) {
    List<String> values = new ArrayList<>();
    if (s.allowed() != null) {
      for (Object o : s.allowed()) {
        values.add(kebab((Enum<?>) o));
      }
    }
    return new Entry(
        path,
        s.kind().name().toLowerCase(Locale.ROOT),
        javaType(s),
        def instanceof List<?> l && l.isEmpty() ? null : def,
        s.allowedText(),
        List.copyOf(values),
        s.doc());
  }

  private static String javaType(Setting<?, ?> s) {
    return switch (s.kind()) {
      case DURATION -> s.word() == null ? "java.time.Duration" : "java.lang.String";
      case INTEGER -> "java.lang.Integer";
      case DECIMAL -> s.word() == null ? "java.lang.Double" : "java.lang.String";
      case BOOLEAN -> "java.lang.Boolean";
      case ENUM -> s.type().getName();
      case STRING -> "java.lang.String";
      case EXCEPTIONS -> "java.util.List<java.lang.Class<? extends java.lang.Throwable>>";
      case INTEGERS -> "java.util.List<java.lang.Integer>";
      case STRINGS -> "java.util.List<java.lang.String>";
      default -> "java.lang.Object";
    };
  }

  private static List<String> collectRules() {
    List<String> out = new ArrayList<>();
    rules(out, "circuit-breaker.defaults", CircuitSettings.CIRCUIT);
    rules(out, "hedge.defaults", HedgeSettings.HEDGE);
    rules(out, "hedge.defaults.delay", HedgeSettings.DELAY_GROUP);
    rules(out, "retry.policies.*", RetrySettings.POLICY);
    rules(out, "rate-limiter.defaults", RateLimitSettings.RATE_LIMIT);
    rules(out, "health", HealthSettings.HEALTH);
    rules(out, "telemetry", TelemetrySettings.TELEMETRY);
    rules(out, "http-clients.*", HttpClientSettings.HTTP_CLIENT);
    rules(out, "http-clients.*.endpoints[*]", HttpClientSettings.ENDPOINT);
    return List.copyOf(out);
  }

  private static <C> void rules(List<String> out, String path, SettingGroup<C> g) {
    for (Rule<C> r : g.rules()) {
      out.add(path + ": " + r.doc());
    }
  }

  private static String kebab(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
