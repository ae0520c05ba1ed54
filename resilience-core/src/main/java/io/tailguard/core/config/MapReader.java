package io.tailguard.core.config;

import io.tailguard.core.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;

/**
 * Reads the keys of one map node into a builder, collecting errors with full paths instead of
 * stopping at the first. Every key read is remembered, so {@link #finish()} can report the keys
 * nobody read as unknown, with a suggestion.
 *
 * <p>Not thread-safe; one reader per mapping pass.
 */
final class MapReader {

  private final ConfigNode node;
  private final String path;
  private final List<ConfigError> errors;
  private final ClassLoader classLoader;
  private final Set<String> known = new LinkedHashSet<>();

  MapReader(ConfigNode node, String path, List<ConfigError> errors, ClassLoader classLoader) {
    this.node = node;
    this.path = path;
    this.errors = errors;
    this.classLoader = classLoader;
  }

  /**
   * Returns a reader for a map node (an {@linkplain #isEmptyValue empty value} reads as an empty
   * map), or null (with an error) if the node is not a map.
   */
  static MapReader of(
      ConfigNode node, String path, List<ConfigError> errors, ClassLoader classLoader) {
    if (node == null) {
      return null;
    }
    if (node.kind() != ConfigNode.Kind.MAP) {
      if (isEmptyValue(node)) {
        return new MapReader(
            ConfigNode.map(Map.of(), node.line(), node.column()), path, errors, classLoader);
      }
      errors.add(
          new ConfigError(
              path, "must be a map, was " + node.describe(), node.line(), node.column()));
      return null;
    }
    return new MapReader(node, path, errors, classLoader);
  }

  String path() {
    return path;
  }

  String path(String key) {
    return path + "." + key;
  }

  ConfigNode node() {
    return node;
  }

  boolean has(String key) {
    return get(key) != null;
  }

  /**
   * Returns the value of {@code key}, matching it exactly or, failing that, relaxed: ignoring case,
   * dashes and underscores, as keys arrive from environment variables ({@code
   * RESILIENCE_HEDGING_DEFAULTS_MAXHEDGES} binds as {@code maxhedges}).
   */
  ConfigNode get(String key) {
    known.add(key);
    ConfigNode exact = node.entries().get(key);
    if (exact != null) {
      return exact;
    }
    String relaxed = relax(key);
    for (Map.Entry<String, ConfigNode> e : node.entries().entrySet()) {
      if (relax(e.getKey()).equals(relaxed)) {
        known.add(e.getKey());
        return e.getValue();
      }
    }
    return null;
  }

  static String relax(String key) {
    StringBuilder b = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c != '-' && c != '_') {
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  /**
   * Whether a value says "nothing": YAML's null, or an empty string. Spring Boot turns {@code []},
   * {@code {}} and a key without a value into an empty string, and a property or environment
   * variable can only say "empty" that way, so a list- or map-valued key reads it as empty.
   */
  static boolean isEmptyValue(ConfigNode v) {
    return v.kind() == ConfigNode.Kind.SCALAR
        && (v.value() == null || (v.value() instanceof String s && s.isBlank()));
  }

  /**
   * A list node, a map whose keys are 0, 1, 2, ... (as Spring binds indexed properties), or an
   * empty list for an {@linkplain #isEmptyValue empty value}.
   */
  static List<ConfigNode> asList(ConfigNode v) {
    if (v.kind() == ConfigNode.Kind.LIST) {
      return v.items();
    }
    if (isEmptyValue(v)) {
      return List.of();
    }
    if (v.kind() == ConfigNode.Kind.MAP && !v.entries().isEmpty()) {
      List<ConfigNode> items = new ArrayList<>();
      for (int i = 0; i < v.entries().size(); i++) {
        ConfigNode item = v.entries().get(Integer.toString(i));
        if (item == null) {
          return null;
        }
        items.add(item);
      }
      return items;
    }
    return null;
  }

  void error(String key, ConfigNode at, String message) {
    ConfigNode where = at != null ? at : node;
    errors.add(
        new ConfigError(key == null ? path : path(key), message, where.line(), where.column()));
  }

  /** Runs a builder call, turning its IllegalArgumentException into an error at the key. */
  void run(String key, ConfigNode at, Runnable setter) {
    apply(key, at, setter);
  }

  /**
   * Runs a setter, turning its IllegalArgumentException (a problem, without the key) into an error.
   */
  private void apply(String key, ConfigNode at, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      error(key, at, e.getMessage() == null ? "is invalid" : e.getMessage());
    }
  }

  void duration(String key, Consumer<Duration> setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    Duration d = toDuration(key, v);
    if (d != null) {
      apply(key, v, () -> setter.accept(d));
    }
  }

  /**
   * Reads a duration, or {@code word} (ignoring case, such as {@code auto}), which runs {@code
   * onWord} instead; anything else is an error that names both forms.
   */
  void durationOr(String key, String word, Runnable onWord, Consumer<Duration> setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    if (isText(key, word)) {
      apply(key, v, onWord);
      return;
    }
    Duration d = null;
    if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof Duration given) {
      d = given;
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
      try {
        d = Durations.parse(key, s);
      } catch (IllegalArgumentException e) {
        d = null;
      }
    }
    if (d == null) {
      error(
          key,
          v,
          "must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), or "
              + word
              + ", was "
              + v.describe());
      return;
    }
    Duration value = d;
    apply(key, v, () -> setter.accept(value));
  }

  private Duration toDuration(String key, ConfigNode v) {
    if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof Duration d) {
      return d;
    }
    if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
      try {
        return Durations.parse(key, s);
      } catch (IllegalArgumentException e) {
        // Durations names the key first; the path names it already.
        error(key, v, e.getMessage().substring(key.length() + 1));
        return null;
      }
    }
    error(
        key,
        v,
        "must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), was "
            + v.describe());
    return null;
  }

  void integer(String key, IntConsumer setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    Long n = toLong(key, v);
    if (n == null) {
      return;
    }
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      error(key, v, "must be a whole number that fits an int, was " + n);
      return;
    }
    apply(key, v, () -> setter.accept((int) (long) n));
  }

  private Long toLong(String key, ConfigNode v) {
    if (v.kind() == ConfigNode.Kind.SCALAR) {
      Object o = v.value();
      if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
        return ((Number) o).longValue();
      }
      if (o instanceof java.math.BigInteger) {
        error(key, v, "must be a whole number that fits an int, was " + o);
        return null;
      }
      if (o instanceof String s) {
        try {
          return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
          // fall through
        }
      }
    }
    error(key, v, "must be a whole number, was " + v.describe());
    return null;
  }

  /** Returns whether the key holds the given word (ignoring case), such as {@code auto}. */
  boolean isText(String key, String word) {
    ConfigNode v = get(key);
    return v != null
        && v.kind() == ConfigNode.Kind.SCALAR
        && v.value() instanceof String s
        && s.trim().equalsIgnoreCase(word);
  }

  void decimal(String key, DoubleConsumer setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    Double d = null;
    if (v.kind() == ConfigNode.Kind.SCALAR) {
      Object o = v.value();
      if (o instanceof Number n) {
        d = n.doubleValue();
      } else if (o instanceof String s) {
        try {
          d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          d = null;
        }
      }
    }
    if (d == null) {
      error(key, v, "must be a number, was " + v.describe());
      return;
    }
    double value = d;
    apply(key, v, () -> setter.accept(value));
  }

  void bool(String key, Consumer<Boolean> setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    Boolean b = null;
    if (v.kind() == ConfigNode.Kind.SCALAR) {
      Object o = v.value();
      if (o instanceof Boolean x) {
        b = x;
      } else if (o instanceof String s
          && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
        b = Boolean.parseBoolean(s);
      }
    }
    if (b == null) {
      error(key, v, "must be true or false, was " + v.describe());
      return;
    }
    Boolean value = b;
    apply(key, v, () -> setter.accept(value));
  }

  String string(String key) {
    ConfigNode v = get(key);
    if (v == null) {
      return null;
    }
    if (v.kind() == ConfigNode.Kind.SCALAR
        && v.value() != null
        && !(v.value() instanceof Boolean)) {
      return String.valueOf(v.value());
    }
    error(key, v, "must be a string, was " + v.describe());
    return null;
  }

  <E extends Enum<E>> void enumeration(String key, Class<E> type, Consumer<E> setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    E e = toEnum(key, v, type);
    if (e != null) {
      apply(key, v, () -> setter.accept(e));
    }
  }

  <E extends Enum<E>> E toEnum(String key, ConfigNode v, Class<E> type) {
    List<String> allowed = new ArrayList<>();
    for (E c : type.getEnumConstants()) {
      allowed.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String s) {
      String normal = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (E c : type.getEnumConstants()) {
        if (c.name().equals(normal)) {
          return c;
        }
      }
      String hint = Suggestions.closest(s.trim(), allowed);
      error(
          key,
          v,
          "must be one of "
              + allowed
              + ", was '"
              + s
              + "'"
              + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
      return null;
    }
    error(key, v, "must be one of " + allowed + ", was " + v.describe());
    return null;
  }

  /** A list of exception class names (or one name). */
  void exceptionTypes(String key, Consumer<List<Class<? extends Throwable>>> setter) {
    ConfigNode v = get(key);
    if (v == null) {
      return;
    }
    List<ConfigNode> items = asList(v);
    if (items != null) {
      // a list, or an indexed map
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String) {
      items = List.of(v);
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof Class<?>) {
      items = List.of(v);
    } else {
      error(key, v, "must be a list of exception class names, was " + v.describe());
      return;
    }
    List<Class<? extends Throwable>> types = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      Class<? extends Throwable> t = toExceptionType(key + "[" + i + "]", items.get(i));
      if (t == null) {
        ok = false;
      } else {
        types.add(t);
      }
    }
    if (ok) {
      apply(key, v, () -> setter.accept(types));
    }
  }

  private Class<? extends Throwable> toExceptionType(String key, ConfigNode v) {
    Class<?> c;
    if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof Class<?> given) {
      c = given;
    } else if (v.kind() == ConfigNode.Kind.SCALAR && v.value() instanceof String name) {
      try {
        c = Class.forName(name.trim(), false, classLoader);
      } catch (ClassNotFoundException | LinkageError e) {
        error(key, v, "must name a class on the classpath, was '" + name + "'");
        return null;
      }
    } else {
      error(key, v, "must be an exception class name, was " + v.describe());
      return null;
    }
    if (!Throwable.class.isAssignableFrom(c)) {
      error(key, v, "must name a Throwable, was " + c.getName());
      return null;
    }
    return c.asSubclass(Throwable.class);
  }

  /** The entries of a map-valued key (for example {@code instances}), or empty. */
  Map<String, ConfigNode> entries(String key) {
    ConfigNode v = get(key);
    if (v == null) {
      return Map.of();
    }
    if (isEmptyValue(v)) {
      return Map.of();
    }
    if (v.kind() != ConfigNode.Kind.MAP) {
      error(key, v, "must be a map of names to settings, was " + v.describe());
      return Map.of();
    }
    return new LinkedHashMap<>(v.entries());
  }

  MapReader child(String key) {
    ConfigNode v = get(key);
    return v == null ? null : of(v, path(key), errors, classLoader);
  }

  /** Reports every key that was never read. */
  void finish() {
    Set<String> canonical = new LinkedHashSet<>();
    for (String k : known) {
      if (k.indexOf('-') >= 0 || k.equals(relax(k))) {
        canonical.add(k);
      }
    }
    for (Map.Entry<String, ConfigNode> e : node.entries().entrySet()) {
      if (!known.contains(e.getKey())) {
        String hint = Suggestions.closest(e.getKey(), canonical);
        ConfigNode at = e.getValue();
        errors.add(
            new ConfigError(
                path(e.getKey()),
                "unknown key"
                    + (hint == null
                        ? "; known keys here are " + canonical
                        : " (did you mean '" + hint + "'?)"),
                at.line(),
                at.column()));
      }
    }
  }
}
