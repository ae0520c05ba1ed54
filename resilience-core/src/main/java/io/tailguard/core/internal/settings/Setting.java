package io.tailguard.core.internal.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One setting of an engine, declared once: its YAML key, the name of its Java setter, its type,
 * default, allowed range, a one-line doc and how to read it from a config. Builders call {@link
 * #check(Object)}; the YAML mapper, writer, {@code toMap} and the Spring metadata read the rest.
 *
 * <p>A setting with a {@linkplain #word() word} also accepts that word (such as {@code auto} or
 * {@code off}), held as {@code null}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <C> the config type the setting belongs to
 * @param <V> the value type
 */
public final class Setting<C, V> {

  /** The kinds of values a setting can hold. */
  public enum Kind {
    /** A {@link Duration}: {@code 500ms}, {@code 10s}, ISO-8601. */
    DURATION,
    /** An {@link Integer}. */
    INTEGER,
    /** A {@link Double}. */
    DECIMAL,
    /** A {@link Boolean}. */
    BOOLEAN,
    /** A constant of {@link #type()}. */
    ENUM,
    /** A {@link String}. */
    STRING,
    /** A list of exception classes, named by their class names. */
    EXCEPTIONS,
    /** A collection of integers. */
    INTEGERS,
    /** A collection of strings. */
    STRINGS,
    /** A nested group of settings ({@link #group()}). */
    GROUP,
    /** A map from names to configs of a nested {@link #group()}. */
    MAP,
    /** A list of configs of a nested {@link #group()}, such as an HTTP client's endpoints. */
    LIST
  }

  private final Kind kind;
  private final String key;
  private final String javaName;
  private final Class<?> type;
  private final V defaultValue;
  private final Range range;
  private final List<?> allowed;
  private final String word;
  private final String doc;
  private final SettingGroup<V> group;
  private final Function<C, V> getter;
  private final Function<? super V, String> extraCheck;
  private final boolean optional;

  private Setting(
      Kind kind,
      String key,
      String javaName,
      Class<?> type,
      V defaultValue,
      Range range,
      List<?> allowed,
      String word,
      String doc,
      SettingGroup<V> group,
      Function<C, V> getter,
      Function<? super V, String> extraCheck,
      boolean optional) {
    this.kind = kind;
    this.key = key;
    this.javaName = javaName;
    this.type = type;
    this.defaultValue = defaultValue;
    this.range = range;
    this.allowed = allowed;
    this.word = word;
    this.doc = doc;
    this.group = group;
    this.getter = getter;
    this.extraCheck = extraCheck;
    this.optional = optional;
  }

  private static <C, V> Setting<C, V> of(
      Kind kind,
      String key,
      String javaName,
      Class<?> type,
      V def,
      Range range,
      String doc,
      Function<C, V> getter) {
    return new Setting<>(
        kind, key, javaName, type, def, range, null, null, doc, null, getter, null, false);
  }

  /**
   * Declares a duration.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name, as builder messages show it
   * @param def the default
   * @param range the allowed durations
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, Duration> duration(
      String key,
      String javaName,
      Duration def,
      Range range,
      String doc,
      Function<C, Duration> getter) {
    return of(Kind.DURATION, key, javaName, Duration.class, def, range, doc, getter);
  }

  /**
   * Declares a whole number.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param def the default
   * @param lo the smallest allowed
   * @param hi the largest allowed
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, Integer> integer(
      String key,
      String javaName,
      int def,
      int lo,
      int hi,
      String doc,
      Function<C, Integer> getter) {
    return of(Kind.INTEGER, key, javaName, Integer.class, def, Range.ints(lo, hi), doc, getter);
  }

  /**
   * Declares a number.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param def the default
   * @param range the allowed values
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, Double> decimal(
      String key,
      String javaName,
      Double def,
      Range range,
      String doc,
      Function<C, Double> getter) {
    return of(Kind.DECIMAL, key, javaName, Double.class, def, range, doc, getter);
  }

  /**
   * Declares a switch.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param def the default
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, Boolean> bool(
      String key, String javaName, boolean def, String doc, Function<C, Boolean> getter) {
    return of(Kind.BOOLEAN, key, javaName, Boolean.class, def, null, doc, getter);
  }

  /**
   * Declares a string.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param def the default, or null
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, String> string(
      String key, String javaName, String def, String doc, Function<C, String> getter) {
    return of(Kind.STRING, key, javaName, String.class, def, null, doc, getter);
  }

  /**
   * Declares a constant of an enum; every constant is allowed unless {@link #allowing} says less.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param type the enum
   * @param def the default
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @param <E> the enum
   * @return the setting
   */
  public static <C, E extends Enum<E>> Setting<C, E> enumeration(
      String key, String javaName, Class<E> type, E def, String doc, Function<C, E> getter) {
    Setting<C, E> s = of(Kind.ENUM, key, javaName, type, def, null, doc, getter);
    return s.allowing(List.of(type.getEnumConstants()));
  }

  /**
   * Declares a list of exception classes; the default is empty.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, List<Class<? extends Throwable>>> exceptions(
      String key,
      String javaName,
      String doc,
      Function<C, List<Class<? extends Throwable>>> getter) {
    return of(Kind.EXCEPTIONS, key, javaName, List.class, List.of(), null, doc, getter);
  }

  /**
   * Declares a collection of values.
   *
   * @param kind {@link Kind#INTEGERS} or {@link Kind#STRINGS}
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param def the default
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @param <V> the collection type
   * @return the setting
   */
  public static <C, V extends Collection<?>> Setting<C, V> collection(
      Kind kind, String key, String javaName, V def, String doc, Function<C, V> getter) {
    return of(kind, key, javaName, Collection.class, def, null, doc, getter);
  }

  /**
   * Declares a collection of HTTP method names (letters, digits, {@code -} and {@code _}).
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param def the default
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @return the setting
   */
  public static <C> Setting<C, Collection<String>> httpMethods(
      String key,
      String javaName,
      Collection<String> def,
      String doc,
      Function<C, Collection<String>> getter) {
    return Setting.<C, Collection<String>>collection(Kind.STRINGS, key, javaName, def, doc, getter)
        .checking(Setting::methodProblem);
  }

  // Nulls never get here: problem() rejects a null element before the extra check.
  private static String methodProblem(Collection<String> methods) {
    int i = 0;
    for (String m : methods) {
      if (!m.trim().matches("[A-Za-z0-9_-]+")) {
        return "must be HTTP method names (letters, digits, - and _), was '" + m + "' at " + i;
      }
      i++;
    }
    return null;
  }

  /**
   * Declares a nested group of settings.
   *
   * @param key the YAML key
   * @param javaName the Java setter's name
   * @param group the nested settings
   * @param def the default
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @param <V> the nested config type
   * @return the setting
   */
  public static <C, V> Setting<C, V> group(
      String key,
      String javaName,
      SettingGroup<V> group,
      V def,
      String doc,
      Function<C, V> getter) {
    return nested(Kind.GROUP, key, javaName, Object.class, def, group, doc, getter);
  }

  private static <C, V> Setting<C, V> nested(
      Kind kind,
      String key,
      String javaName,
      Class<?> type,
      V def,
      SettingGroup<V> group,
      String doc,
      Function<C, V> getter) {
    return new Setting<>(
        kind, key, javaName, type, def, null, null, null, doc, group, getter, null, false);
  }

  /**
   * Returns this setting, also accepting {@code word} (held as null).
   *
   * @param word the word, such as {@code auto}
   * @return a copy
   */
  public Setting<C, V> orWord(String word) {
    return copy(defaultValue, allowed, word, extraCheck, optional);
  }

  /**
   * Returns this setting allowing only these constants.
   *
   * @param constants the allowed constants
   * @return a copy
   */
  public Setting<C, V> allowing(List<?> constants) {
    return copy(defaultValue, List.copyOf(constants), word, extraCheck, optional);
  }

  /**
   * Returns this setting with one more check, returning the problem (without the setting's name) or
   * null.
   *
   * @param check the check
   * @return a copy
   */
  public Setting<C, V> checking(Function<? super V, String> check) {
    return copy(defaultValue, allowed, word, check, optional);
  }

  /**
   * Returns this setting as an override: null (the default) means "as the defaults".
   *
   * @return a copy
   */
  public Setting<C, V> optional() {
    return copy(null, allowed, word, extraCheck, true);
  }

  // The modifiers above change only these fields.
  private Setting<C, V> copy(
      V defaultValue,
      List<?> allowed,
      String word,
      Function<? super V, String> extraCheck,
      boolean optional) {
    return new Setting<>(
        kind,
        key,
        javaName,
        type,
        defaultValue,
        range,
        allowed,
        word,
        doc,
        group,
        getter,
        extraCheck,
        optional);
  }

  /**
   * Declares a map from names to nested configs, such as per-probe overrides.
   *
   * @param key the YAML key
   * @param javaName the Java name
   * @param group the settings of each entry
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @param <V> the entry's config type
   * @return the setting
   */
  public static <C, V> Setting<C, java.util.Map<String, V>> map(
      String key,
      String javaName,
      SettingGroup<V> group,
      String doc,
      Function<C, java.util.Map<String, V>> getter) {
    @SuppressWarnings("unchecked")
    SettingGroup<java.util.Map<String, V>> g =
        (SettingGroup<java.util.Map<String, V>>) (Object) group;
    return nested(Kind.MAP, key, javaName, java.util.Map.class, java.util.Map.of(), g, doc, getter);
  }

  /**
   * Declares a list of nested configs, such as an HTTP client's endpoints; the default is empty.
   *
   * @param key the YAML key
   * @param javaName the Java name
   * @param group the settings of each item
   * @param doc one line for docs and IDEs
   * @param getter reads it from a config
   * @param <C> the config type
   * @param <V> the item's config type
   * @return the setting
   */
  public static <C, V> Setting<C, List<V>> list(
      String key, String javaName, SettingGroup<V> group, String doc, Function<C, List<V>> getter) {
    @SuppressWarnings("unchecked")
    SettingGroup<List<V>> g = (SettingGroup<List<V>>) (Object) group;
    return nested(Kind.LIST, key, javaName, List.class, List.of(), g, doc, getter);
  }

  /** Whether null means "as the defaults" (an override). */
  public boolean isOptional() {
    return optional;
  }

  /**
   * Checks a value given to a builder.
   *
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException naming the setting (by its Java name), the allowed values and
   *     the value given
   */
  public V check(V value) {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(javaName + " " + problem);
    }
    return value;
  }

  /**
   * Returns what is wrong with a value, without the setting's name, or null if it is allowed.
   *
   * @param value the value
   * @return the problem, or null
   */
  public String problem(V value) {
    if (value == null) {
      if (optional || word != null || (kind == Kind.STRING && defaultValue == null)) {
        return null;
      }
      if (kind == Kind.ENUM) {
        return "must be one of " + allowed + ", was null";
      }
      return "must not be null";
    }
    if (range != null && !range.contains(value)) {
      return "must be in " + range + ", was " + Range.text(value);
    }
    if (allowed != null && !allowed.contains(value)) {
      return "must be one of " + allowed + ", was " + value;
    }
    if (kind == Kind.EXCEPTIONS
        || kind == Kind.INTEGERS
        || kind == Kind.STRINGS
        || kind == Kind.LIST) {
      int i = 0;
      for (Object o : (Collection<?>) value) {
        if (o == null) {
          return "must not contain null, was null at " + i;
        }
        i++;
      }
    }
    return extraCheck == null ? null : extraCheck.apply(value);
  }

  /** The kind of value. */
  public Kind kind() {
    return kind;
  }

  /** The YAML key, kebab-case. */
  public String key() {
    return key;
  }

  /** The Java setter's name, as builder messages show it. */
  public String javaName() {
    return javaName;
  }

  /** The value class; the enum for {@link Kind#ENUM}. */
  public Class<?> type() {
    return type;
  }

  /** The default value; null for "none" or the {@linkplain #word() word}. */
  public V defaultValue() {
    return defaultValue;
  }

  /** The allowed range, or null. */
  public Range range() {
    return range;
  }

  /** The allowed constants of an enum, or null. */
  public List<?> allowed() {
    return allowed;
  }

  /** The word accepted instead of a value (held as null), or null. */
  public String word() {
    return word;
  }

  /** One line of documentation. */
  public String doc() {
    return doc;
  }

  /**
   * The nested group of a {@link Kind#GROUP} setting, or of each entry of a {@link Kind#MAP} or
   * {@link Kind#LIST}.
   */
  public SettingGroup<V> group() {
    return group;
  }

  /**
   * Reads the value from a config.
   *
   * @param config the config
   * @return the value
   */
  public V get(C config) {
    return getter.apply(config);
  }

  /**
   * Returns the value as plain data for reports and YAML: durations as text ({@code 10s}), enum
   * constants as kebab-case names, exception classes by name, nested groups as maps, the word for
   * null.
   *
   * @param value the value
   * @return the plain value
   */
  public Object plain(V value) {
    if (value == null) {
      return word;
    }
    switch (kind) {
      case DURATION:
        return Range.text(value);
      case ENUM:
        return ((Enum<?>) value).name().toLowerCase(Locale.ROOT).replace('_', '-');
      case EXCEPTIONS:
        {
          List<String> names = new ArrayList<>();
          for (Object c : (Collection<?>) value) {
            names.add(((Class<?>) c).getName());
          }
          return names;
        }
      case INTEGERS:
      case STRINGS:
        return new ArrayList<>((Collection<?>) value);
      case GROUP:
        return group.toMap(value);
      case MAP:
        {
          java.util.Map<String, Object> out = new java.util.TreeMap<>();
          for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) value).entrySet()) {
            out.put((String) e.getKey(), plainEntry(e.getValue()));
          }
          return out;
        }
      case LIST:
        {
          List<Object> out = new ArrayList<>();
          for (Object item : (Collection<?>) value) {
            out.add(plainEntry(item));
          }
          return out;
        }
      default:
        return value;
    }
  }

  /**
   * Returns the value as reports ({@code toMap}, the Actuator endpoint) show it: as {@link #plain}
   * but with enum constants by their Java names, nested groups by {@link SettingGroup#report} and
   * named entries sorted by name.
   *
   * @param value the value
   * @return the reported value
   */
  @SuppressWarnings("unchecked")
  public Object report(V value) {
    if (value == null) {
      return word;
    }
    switch (kind) {
      case ENUM:
        return ((Enum<?>) value).name();
      case GROUP:
        return group.report(value);
      case MAP:
        {
          java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
          SettingGroup<Object> entries = (SettingGroup<Object>) (Object) group;
          new java.util.TreeMap<>((java.util.Map<String, Object>) value)
              .forEach((name, e) -> out.put(name, entries.report(e)));
          return out;
        }
      case LIST:
        {
          List<Object> out = new ArrayList<>();
          SettingGroup<Object> items = (SettingGroup<Object>) (Object) group;
          for (Object item : (Collection<?>) value) {
            out.add(items.report(item));
          }
          return out;
        }
      default:
        return plain(value);
    }
  }

  /** The name reports use: the Java name without its group prefix ({@code maxExtraLoad}). */
  public String reportName() {
    return javaName.substring(javaName.lastIndexOf('.') + 1);
  }

  @SuppressWarnings("unchecked")
  private Object plainEntry(Object entry) {
    return ((SettingGroup<Object>) (Object) group).toMap(entry);
  }

  /**
   * Describes the allowed values in a few words, for docs and IDEs: {@code (0, 1]}, {@code [1ms,
   * 1d] or auto}, {@code one of [sliding, exponential]}.
   *
   * @return the description, or an empty string
   */
  public String allowedText() {
    String text = "";
    if (range != null) {
      text = range.toString();
    } else if (allowed != null) {
      List<String> names = new ArrayList<>();
      for (Object o : allowed) {
        names.add(((Enum<?>) o).name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      text = "one of " + names;
    }
    return word == null ? text : text + " or " + word;
  }

  @Override
  public String toString() {
    return key;
  }
}
