package io.tailguard.core.config;

import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitSettings;
import io.tailguard.core.circuitbreaker.GlobalFuseConfig;
import io.tailguard.core.health.HealthConfig;
import io.tailguard.core.health.HealthSettings;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeSettings;
import io.tailguard.core.http.HttpClientConfig;
import io.tailguard.core.http.HttpClientSettings;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitSettings;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.retry.RetrySettings;
import io.tailguard.core.telemetry.TelemetryConfig;
import io.tailguard.core.telemetry.TelemetrySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Maps a {@code resilience:} tree onto {@link ResilienceConfig}: every key of the schema,
 * kebab-case, onto the engines' builders, which validate. Collects every problem with its path and
 * position and returns {@code null} if there was any.
 *
 * <p>Stateless apart from the error list of one mapping; not thread-safe.
 */
final class ConfigMapper {

  static final String ROOT = "resilience";

  private final List<ConfigError> errors = new ArrayList<>();
  private final ClassLoader classLoader;

  ConfigMapper(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  List<ConfigError> errors() {
    return errors;
  }

  /** Maps the node under {@code resilience:}; null means "empty": all defaults. */
  ResilienceConfig map(ConfigNode resilience) {
    ResilienceConfig d = ResilienceConfig.defaults();
    if (resilience == null) {
      return d;
    }
    MapReader root = MapReader.of(resilience, ROOT, errors, classLoader);
    if (root == null) {
      return null;
    }
    ResilienceConfig.CircuitBreakerSection cb =
        circuitBreakerSection(root.child("circuit-breaker"));
    ResilienceConfig.HedgingSection hedging = hedgingSection(root.child("hedge"));
    ResilienceConfig.RetrySection retry = retrySection(root.child("retry"));
    HealthConfig health = health(root.child("health"));
    TelemetryConfig telemetry = telemetry(root.child("telemetry"), TelemetryConfig.defaults());
    ResilienceConfig.RateLimitingSection rateLimiting =
        rateLimitingSection(root.child("rate-limiter"));
    Map<String, HttpClientConfig> httpClients = httpClients(root);
    root.finish();
    if (!errors.isEmpty()) {
      return null;
    }
    cb = cb == null ? d.circuitBreaker() : cb;
    hedging = hedging == null ? d.hedging() : hedging;
    retry = retry == null ? d.retry() : retry;
    rateLimiting = rateLimiting == null ? d.rateLimiting() : rateLimiting;
    for (String[] unknown :
        ResilienceConfig.unknownReferences(cb, hedging, retry, rateLimiting, httpClients)) {
      String path = unknown[0];
      ConfigNode at = nodeAt(root, path);
      root.error(
          path,
          at != null ? at : nodeAt(root, path.substring(0, path.lastIndexOf('.'))),
          unknown[1]);
    }
    if (!errors.isEmpty()) {
      return null;
    }
    return new ResilienceConfig(
        cb,
        hedging,
        retry,
        health == null ? d.health() : health,
        telemetry == null ? d.telemetry() : telemetry,
        rateLimiting,
        httpClients);
  }

  private boolean validName(MapReader r, String key, String name, ConfigNode at) {
    try {
      InstanceNames.check("instance", name);
      return true;
    } catch (IllegalArgumentException e) {
      r.error(key + "." + name, at, e.getMessage());
      return false;
    }
  }

  // -------------------------------------------------------------------------------------------
  // circuit-breaker

  private ResilienceConfig.CircuitBreakerSection circuitBreakerSection(MapReader r) {
    if (r == null) {
      return null;
    }
    CircuitConfig defaults = CircuitConfig.defaults();
    MapReader d = r.child("defaults");
    if (d != null) {
      CircuitConfig read = circuit(d, defaults);
      defaults = read == null ? defaults : read;
    }
    GlobalFuseConfig global = GlobalFuseConfig.DEFAULTS;
    MapReader g = r.child("global");
    if (g != null) {
      global = globalFuse(g);
    }
    Map<String, CircuitConfig> instances = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i != null) {
        CircuitConfig c = circuit(i, defaults);
        if (c != null) {
          instances.put(e.getKey(), c);
        }
      }
    }
    r.finish();
    return new ResilienceConfig.CircuitBreakerSection(
        defaults, global == null ? GlobalFuseConfig.DEFAULTS : global, instances);
  }

  CircuitConfig circuit(MapReader r, CircuitConfig base) {
    return group(r, CircuitSettings.CIRCUIT, base);
  }

  private GlobalFuseConfig globalFuse(MapReader g) {
    return group(g, CircuitSettings.GLOBAL, GlobalFuseConfig.DEFAULTS);
  }

  // -------------------------------------------------------------------------------------------
  // hedging

  private ResilienceConfig.HedgingSection hedgingSection(MapReader r) {
    if (r == null) {
      return null;
    }
    HedgeConfig defaults = HedgeConfig.defaults();
    MapReader d = r.child("defaults");
    if (d != null) {
      HedgeConfig read = hedge(d, defaults);
      defaults = read == null ? defaults : read;
    }
    Map<String, HedgeConfig> instances = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i != null) {
        HedgeConfig c = hedge(i, defaults);
        if (c != null) {
          instances.put(e.getKey(), c);
        }
      }
    }
    r.finish();
    return new ResilienceConfig.HedgingSection(defaults, instances);
  }

  HedgeConfig hedge(MapReader r, HedgeConfig base) {
    return group(r, HedgeSettings.HEDGE, base);
  }

  // -------------------------------------------------------------------------------------------
  // retry

  /**
   * {@code policies.default} applies onto the built-in defaults, {@code policies.expensive} onto
   * the built-in expensive policy, and every other policy onto the (configured) defaults.
   */
  private ResilienceConfig.RetrySection retrySection(MapReader r) {
    if (r == null) {
      return null;
    }
    Map<String, ConfigNode> entries = r.entries("policies");
    Map<String, RetryPolicy> builtIns = RetryPolicy.builtIns();
    RetryPolicy defaults = RetryPolicy.defaults();
    ConfigNode d = entries.get(RetryPolicy.DEFAULT_NAME);
    if (d != null) {
      MapReader dr =
          MapReader.of(d, r.path("policies." + RetryPolicy.DEFAULT_NAME), errors, classLoader);
      if (dr != null) {
        RetryPolicy read = retryPolicy(dr, defaults);
        defaults = read == null ? defaults : read;
      }
    }
    Map<String, RetryPolicy> policies = new LinkedHashMap<>();
    policies.put(RetryPolicy.DEFAULT_NAME, defaults);
    for (Map.Entry<String, ConfigNode> e : entries.entrySet()) {
      String name = e.getKey();
      if (name.equals(RetryPolicy.DEFAULT_NAME) || !validName(r, "policies", name, e.getValue())) {
        continue;
      }
      MapReader p = MapReader.of(e.getValue(), r.path("policies." + name), errors, classLoader);
      if (p != null) {
        RetryPolicy c = retryPolicy(p, builtIns.getOrDefault(name, defaults));
        if (c != null) {
          policies.put(name, c);
        }
      }
    }
    r.finish();
    return new ResilienceConfig.RetrySection(policies);
  }

  RetryPolicy retryPolicy(MapReader r, RetryPolicy base) {
    return group(r, RetrySettings.POLICY, base);
  }

  /** A list of status codes, one code, or codes separated by commas (as environment values). */
  private static void retryableStatuses(MapReader r, String key, Consumer<List<Integer>> set) {
    ConfigNode v = r.get(key);
    if (v == null) {
      return;
    }
    List<ConfigNode> items = MapReader.asList(v);
    List<Object> values = new ArrayList<>();
    if (items != null) {
      items.forEach(i -> values.add(i.kind() == ConfigNode.Kind.SCALAR ? i.value() : i));
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
      for (String part : s.split(",", -1)) {
        values.add(part.trim());
      }
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof Number n) {
      values.add(n);
    } else {
      r.error(key, v, "must be a list of HTTP status codes, was " + v.describe());
      return;
    }
    List<Integer> statuses = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < values.size(); i++) {
      Object o = values.get(i);
      ConfigNode at = items != null ? items.get(i) : v;
      Long n = null;
      if (o instanceof Integer || o instanceof Long || o instanceof Short) {
        n = ((Number) o).longValue();
      } else if (o instanceof String s) {
        try {
          n = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
          n = null;
        }
      }
      if (n == null || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
        String shown =
            o instanceof ConfigNode c
                ? c.describe()
                : o instanceof String s ? "'" + s + "'" : "" + o;
        r.error(key + "[" + i + "]", at, "must be a whole number, was " + shown);
        ok = false;
      } else {
        statuses.add((int) (long) n);
      }
    }
    if (ok) {
      r.run(key, v, () -> set.accept(statuses));
    }
  }

  /** A list of HTTP methods, one method, or methods separated by commas (as environment values). */
  private static void retryableMethods(MapReader r, String key, Consumer<List<String>> set) {
    ConfigNode v = r.get(key);
    if (v == null) {
      return;
    }
    List<ConfigNode> items = MapReader.asList(v);
    List<String> methods = new ArrayList<>();
    if (items == null) {
      if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
        for (String part : s.split(",", -1)) {
          methods.add(part.trim());
        }
      } else {
        r.error(key, v, "must be a list of HTTP methods, was " + v.describe());
        return;
      }
    } else {
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        ConfigNode item = items.get(i);
        if (item.kind() == ConfigNode.Kind.SCALAR && item.value() instanceof String s) {
          methods.add(s);
        } else {
          r.error(
              key + "[" + i + "]",
              item,
              "must be an HTTP method name such as GET, was " + item.describe());
          ok = false;
        }
      }
      if (!ok) {
        return;
      }
    }
    r.run(key, v, () -> set.accept(methods));
  }

  // -------------------------------------------------------------------------------------------
  // health

  private HealthConfig health(MapReader r) {
    return r == null ? null : group(r, HealthSettings.HEALTH, HealthConfig.defaults());
  }

  // -------------------------------------------------------------------------------------------
  // rate-limiting

  private ResilienceConfig.RateLimitingSection rateLimitingSection(MapReader r) {
    if (r == null) {
      return null;
    }
    RateLimitBackend[] backend = {RateLimitBackend.MEMORY};
    r.enumeration("backend", RateLimitBackend.class, v -> backend[0] = v);
    // Section-wide key limits, as in the design's sketch; defaults.* may still override them.
    RateLimitConfig defaults = RateLimitConfig.defaults();
    RateLimitConfig base =
        settings(
            r,
            RateLimitSettings.RATE_LIMIT,
            defaults,
            Set.of("cleanup-threshold", "max-keys"),
            false);
    MapReader d = r.child("defaults");
    if (d == null) {
      defaults = base == null ? defaults : base;
    } else {
      RateLimitConfig read = rateLimit(d, base == null ? defaults : base);
      defaults = read == null ? defaults : read;
    }
    Map<String, RateLimitConfig> instances = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : r.entries("instances").entrySet()) {
      if (!validName(r, "instances", e.getKey(), e.getValue())) {
        continue;
      }
      MapReader i =
          MapReader.of(e.getValue(), r.path("instances." + e.getKey()), errors, classLoader);
      if (i != null) {
        RateLimitConfig c = rateLimit(i, defaults);
        if (c != null) {
          instances.put(e.getKey(), c);
        }
      }
    }
    ResilienceConfig.RedisSection redis = redis(r.child("redis"));
    r.finish();
    return new ResilienceConfig.RateLimitingSection(
        backend[0],
        defaults,
        instances,
        redis == null ? ResilienceConfig.RedisSection.DEFAULTS : redis);
  }

  /** The {@code redis} group; the defaults if absent, null after an error. */
  private ResilienceConfig.RedisSection redis(MapReader r) {
    ResilienceConfig.RedisSection d = ResilienceConfig.RedisSection.DEFAULTS;
    return r == null ? d : group(r, RedisSettings.REDIS, d);
  }

  RateLimitConfig rateLimit(MapReader r, RateLimitConfig base) {
    return group(r, RateLimitSettings.RATE_LIMIT, base);
  }

  // -------------------------------------------------------------------------------------------
  // http-clients

  private Map<String, HttpClientConfig> httpClients(MapReader root) {
    Map<String, HttpClientConfig> clients = new LinkedHashMap<>();
    ConfigNode section = root.get(HTTP_CLIENTS);
    if (section == null) {
      return clients;
    }
    for (Map.Entry<String, ConfigNode> e : root.entries(HTTP_CLIENTS).entrySet()) {
      if (!validName(root, HTTP_CLIENTS, e.getKey(), e.getValue())) {
        continue;
      }
      MapReader c =
          MapReader.of(
              e.getValue(), root.path(HTTP_CLIENTS + "." + e.getKey()), errors, classLoader);
      if (c != null) {
        HttpClientConfig config =
            group(c, HttpClientSettings.HTTP_CLIENT, HttpClientConfig.defaults());
        if (config != null) {
          clients.put(e.getKey(), config);
        }
      }
    }
    return clients;
  }

  static final String HTTP_CLIENTS = "http-clients";

  /** The node at a dotted path below {@code root} (keys matched relaxed), or null. */
  private static ConfigNode nodeAt(MapReader root, String dotted) {
    String[] parts = dotted.split("\\.");
    ConfigNode at = root.get(parts[0]);
    for (int i = 1; i < parts.length && at != null; i++) {
      at = relaxedGet(at, parts[i]);
    }
    return at;
  }

  private static ConfigNode relaxedGet(ConfigNode map, String key) {
    if (map.kind() != ConfigNode.Kind.MAP) {
      return null;
    }
    ConfigNode exact = map.entries().get(key);
    if (exact != null) {
      return exact;
    }
    String relaxed = MapReader.relax(key);
    for (Map.Entry<String, ConfigNode> e : map.entries().entrySet()) {
      if (MapReader.relax(e.getKey()).equals(relaxed)) {
        return e.getValue();
      }
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // telemetry

  private TelemetryConfig telemetry(MapReader r, TelemetryConfig base) {
    return r == null ? null : group(r, TelemetrySettings.TELEMETRY, base);
  }

  // -------------------------------------------------------------------------------------------

  /** Builds unless a key of this section already failed: its cross-field errors would mislead. */
  private <T> T build(MapReader r, java.util.function.Supplier<T> build) {
    for (ConfigError e : errors) {
      if (e.path().startsWith(r.path() + ".") || e.path().equals(r.path())) {
        return null;
      }
    }
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      r.error(null, r.node(), e.getMessage());
      return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // the declared settings

  /**
   * Reads a group of declared settings onto {@code base}: every key of the declaration, by its
   * kind, then the rules between them (unless a key failed). Null after an error.
   */
  <C> C group(MapReader r, SettingGroup<C> g, C base) {
    return settings(r, g, base, null, true);
  }

  /**
   * Reads some keys of a group ({@code keys}, or all if null) onto {@code base}, then the rules;
   * {@code finish} reports the keys of the map no one read. Null after an error.
   */
  private <C> C settings(MapReader r, SettingGroup<C> g, C base, Set<String> keys, boolean finish) {
    return settings(r, g, g.values(base), base, keys, finish);
  }

  /** As above, from a full set of values (a list item starts from the declared defaults). */
  private <C> C settings(
      MapReader r,
      SettingGroup<C> g,
      SettingGroup.Values<C> values,
      C base,
      Set<String> keys,
      boolean finish) {
    for (Setting<C, ?> s : g.settings()) {
      if (keys == null || keys.contains(s.key())) {
        read(r, s, values, base);
      }
    }
    if (finish) {
      r.finish();
    }
    if (failed(r)) {
      return null;
    }
    Rule<C> broken = g.brokenRule(values);
    if (broken != null) {
      Setting<C, ?> at = broken.at();
      ConfigNode node = at == null ? null : r.get(at.key());
      if (node == null) {
        r.error(null, r.node(), broken.problem(values, Rule.YAML_SENTENCE));
      } else {
        r.error(at.key(), node, broken.problem(values, Rule.YAML));
      }
      return null;
    }
    return build(r, () -> g.create(values));
  }

  /** Sets a value the declaration allows; else throws its problem, which the reader reports. */
  private static <C, V> void set(Setting<C, V> s, SettingGroup.Values<C> v, V value) {
    String problem = s.problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    v.set(s, value);
  }

  /** Whether a key of this section already failed: its rules' errors would mislead. */
  private boolean failed(MapReader r) {
    for (ConfigError e : errors) {
      if (e.path().startsWith(r.path() + ".") || e.path().equals(r.path())) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private <C, V> void read(MapReader r, Setting<C, V> s, SettingGroup.Values<C> v, C base) {
    String key = s.key();
    switch (s.kind()) {
      case DURATION -> {
        if (s.word() != null) {
          r.durationOr(key, s.word(), () -> set(s, v, null), d -> set(s, v, (V) d));
        } else {
          r.duration(key, d -> set(s, v, (V) d));
        }
      }
      case INTEGER -> r.integer(key, i -> set(s, v, (V) Integer.valueOf(i)));
      case DECIMAL -> decimal(r, s, v);
      case BOOLEAN -> r.bool(key, b -> set(s, v, (V) b));
      case ENUM -> enumeration(r, s, v);
      case STRING -> {
        String text = r.string(key);
        if (text != null) {
          r.run(key, r.get(key), () -> set(s, v, (V) text));
        }
      }
      case EXCEPTIONS -> r.exceptionTypes(key, types -> set(s, v, (V) types));
      case INTEGERS -> retryableStatuses(r, key, list -> set(s, v, (V) list));
      case STRINGS -> retryableMethods(r, key, list -> set(s, v, (V) list));
      case GROUP -> {
        MapReader child = r.child(key);
        if (child != null) {
          Object sub = group(child, (SettingGroup<Object>) s.group(), s.get(base));
          if (sub != null) {
            set(s, v, (V) sub);
          }
        }
      }
      case MAP -> {
        SettingGroup<Object> entry = (SettingGroup<Object>) (Object) s.group();
        Map<String, Object> read = new LinkedHashMap<>((Map<String, Object>) s.get(base));
        for (Map.Entry<String, ConfigNode> e : r.entries(key).entrySet()) {
          if (!validName(r, key, e.getKey(), e.getValue())) {
            continue;
          }
          MapReader m =
              MapReader.of(e.getValue(), r.path(key + "." + e.getKey()), errors, classLoader);
          if (m != null) {
            Object sub = group(m, entry, entry.create(entry.defaultValues()));
            if (sub != null) {
              read.put(e.getKey(), sub);
            }
          }
        }
        if (r.get(key) != null) {
          r.run(key, r.get(key), () -> set(s, v, (V) read));
        }
      }
      case LIST -> list(r, s, v);
      default -> throw new IllegalStateException("kind " + s.kind());
    }
  }

  /**
   * A list of nested groups, such as endpoints: each item a map of the group's keys, or a plain
   * string for the group's first (string) setting, as {@code [http://a:8080, http://b:8080]} or one
   * comma-separated value from an environment variable.
   */
  @SuppressWarnings("unchecked")
  private <C, V> void list(MapReader r, Setting<C, V> s, SettingGroup.Values<C> v) {
    String key = s.key();
    ConfigNode node = r.get(key);
    if (node == null) {
      return;
    }
    SettingGroup<Object> item = (SettingGroup<Object>) (Object) s.group();
    String first = item.settings().get(0).key();
    List<ConfigNode> items = MapReader.asList(node);
    if (items == null) {
      if (node.kind() == ConfigNode.Kind.SCALAR && node.value() instanceof String text) {
        items = new ArrayList<>();
        for (String part : text.split(",", -1)) {
          items.add(ConfigNode.scalar(part.trim(), node.line(), node.column()));
        }
      } else {
        r.error(
            key,
            node,
            "must be a list of maps with the keys " + keys(item) + ", was " + node.describe());
        return;
      }
    }
    List<Object> read = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      ConfigNode n = items.get(i);
      if (n.kind() == ConfigNode.Kind.SCALAR && n.value() instanceof String text) {
        n = ConfigNode.map(Map.of(first, n), n.line(), n.column());
      }
      MapReader m = MapReader.of(n, r.path(key + "[" + i + "]"), errors, classLoader);
      Object sub = m == null ? null : settings(m, item, item.defaultValues(), null, null, true);
      if (sub == null) {
        ok = false;
      } else {
        read.add(sub);
      }
    }
    if (ok) {
      r.run(key, node, () -> set(s, v, (V) List.copyOf(read)));
    }
  }

  private static List<String> keys(SettingGroup<?> g) {
    List<String> keys = new ArrayList<>();
    g.settings().forEach(s -> keys.add(s.key()));
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static <C, V> void decimal(MapReader r, Setting<C, V> s, SettingGroup.Values<C> v) {
    String key = s.key();
    ConfigNode node = r.get(key);
    if (node == null) {
      return;
    }
    String word = s.word();
    if (word != null) {
      if (isWord(node, word)) {
        r.run(key, node, () -> set(s, v, null));
        return;
      }
      Object o = node.kind() == ConfigNode.Kind.SCALAR ? node.value() : null;
      boolean number =
          o instanceof Number || (o instanceof String t && t.trim().matches("[-+0-9.eE]+"));
      if (!number) {
        r.error(
            key,
            node,
            "must be a number in " + s.range() + " or " + word + ", was " + node.describe());
        return;
      }
    }
    r.decimal(key, d -> set(s, v, (V) Double.valueOf(d)));
  }

  /** Whether a node holds the word; {@code off} also reads {@code none} and {@code false}. */
  private static boolean isWord(ConfigNode node, String word) {
    if (node.kind() != ConfigNode.Kind.SCALAR) {
      return false;
    }
    Object o = node.value();
    if (word.equals("off") && Boolean.FALSE.equals(o)) {
      return true;
    }
    if (!(o instanceof String text)) {
      return false;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals(word) || (word.equals("off") && OFF.contains(t));
  }

  private static final Set<String> OFF = Set.of("off", "none", "false");

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <C, V> void enumeration(MapReader r, Setting<C, V> s, SettingGroup.Values<C> v) {
    r.enumeration(s.key(), (Class) s.type(), e -> set(s, v, (V) e));
  }
}
