package io.tailguard.core.internal.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings of one config type, in document order, with the rules between them and how to create
 * a config from a full set of {@link Values}. {@code toMap}, {@code equals}, {@code hashCode}, the
 * YAML mapper and writer iterate it.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <C> the config type
 */
public final class SettingGroup<C> {

  private final String doc;
  private final List<Setting<C, ?>> settings;
  private final List<Rule<C>> rules;
  private final Function<Values<C>, C> create;

  private SettingGroup(
      String doc,
      List<Setting<C, ?>> settings,
      List<Rule<C>> rules,
      Function<Values<C>, C> create) {
    this.doc = doc;
    this.settings = List.copyOf(settings);
    this.rules = List.copyOf(rules);
    this.create = create;
  }

  /**
   * Declares a group.
   *
   * @param doc one line for docs and IDEs
   * @param settings the settings, in document order
   * @param rules the rules between them
   * @param create creates a config (through its builder, which checks again) from a full set of
   *     values
   * @param <C> the config type
   * @return the group
   */
  public static <C> SettingGroup<C> of(
      String doc,
      List<Setting<C, ?>> settings,
      List<Rule<C>> rules,
      Function<Values<C>, C> create) {
    return new SettingGroup<>(doc, settings, rules, create);
  }

  /** One line of documentation. */
  public String doc() {
    return doc;
  }

  /** The settings, in document order. */
  public List<Setting<C, ?>> settings() {
    return settings;
  }

  /** The rules between settings. */
  public List<Rule<C>> rules() {
    return rules;
  }

  /**
   * Returns the setting with this YAML key, or null.
   *
   * @param key the key
   * @return the setting, or null
   */
  public Setting<C, ?> setting(String key) {
    for (Setting<C, ?> s : settings) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Checks every rule, in order, as a builder does.
   *
   * @param config the config
   * @return the config
   * @throws IllegalArgumentException for the first broken rule, naming the Java setters
   */
  public C checkRules(C config) {
    Values<C> v = values(config);
    for (Rule<C> r : rules) {
      String problem = r.problem(v, Rule.JAVA);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    return config;
  }

  /**
   * Returns the first rule the values break, or null.
   *
   * @param values the values
   * @return the broken rule, or null
   */
  public Rule<C> brokenRule(Values<C> values) {
    for (Rule<C> r : rules) {
      if (r.problem(values, Rule.YAML) != null) {
        return r;
      }
    }
    return null;
  }

  /**
   * Returns a full set of values read from a config, to change some and {@link #create} another.
   *
   * @param base the config
   * @return its values
   */
  public Values<C> values(C base) {
    Values<C> v = new Values<>();
    for (Setting<C, ?> s : settings) {
      v.map.put(s, s.get(base));
    }
    return v;
  }

  /**
   * Returns the declared defaults of every setting (null for nested groups), as the start of an
   * override whose settings are all optional.
   *
   * @return the values
   */
  public Values<C> defaultValues() {
    Values<C> v = new Values<>();
    for (Setting<C, ?> s : settings) {
      v.map.put(s, s.defaultValue());
    }
    return v;
  }

  /**
   * Creates a config from values.
   *
   * @param values the values
   * @return the config
   * @throws IllegalArgumentException if a rule is broken
   */
  public C create(Values<C> values) {
    return create.apply(values);
  }

  /**
   * Returns the settings of a config as an ordered map from YAML key to plain value (see {@link
   * Setting#plain}), as the YAML writer writes them; an unset value without a word is left out.
   *
   * @param config the config
   * @return the map
   */
  public Map<String, Object> toMap(C config) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Setting<C, ?> s : settings) {
      // An unset value with no word for it (an override, a Redis URI) is left out.
      if (s.get(config) != null || s.word() != null) {
        m.put(s.key(), plain(s, config));
      }
    }
    return m;
  }

  /**
   * Returns the settings of a config as reports ({@code toMap}, the Actuator endpoint) show them:
   * keyed by {@link Setting#reportName()}, values by {@link Setting#report}, unset overrides left
   * out.
   *
   * @param config the config
   * @return the map, in declaration order
   */
  public Map<String, Object> report(C config) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Setting<C, ?> s : settings) {
      if (!s.isOptional() || s.get(config) != null) {
        m.put(s.reportName(), reported(s, config));
      }
    }
    return m;
  }

  private static <C, V> Object reported(Setting<C, V> s, C config) {
    return s.report(s.get(config));
  }

  private static <C, V> Object plain(Setting<C, V> s, C config) {
    return s.plain(s.get(config));
  }

  /**
   * Compares every setting of two configs.
   *
   * @param a a config
   * @param b another
   * @return whether every setting is equal
   */
  public boolean equal(C a, C b) {
    for (Setting<C, ?> s : settings) {
      if (!Objects.equals(s.get(a), s.get(b))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Hashes every setting of a config.
   *
   * @param config the config
   * @return the hash
   */
  public int hash(C config) {
    List<Object> values = new ArrayList<>(settings.size());
    for (Setting<C, ?> s : settings) {
      values.add(s.get(config));
    }
    return values.hashCode();
  }

  /**
   * A full set of values of one group, keyed by setting. Not thread-safe.
   *
   * @param <C> the config type
   */
  public static final class Values<C> {
    private final Map<Setting<C, ?>, Object> map = new LinkedHashMap<>();

    /**
     * Returns a value.
     *
     * @param s the setting
     * @param <V> the value type
     * @return its value
     */
    @SuppressWarnings("unchecked")
    public <V> V get(Setting<C, V> s) {
      return (V) map.get(s);
    }

    /**
     * Sets a value, unchecked: the caller asks {@link Setting#problem} first.
     *
     * @param s the setting
     * @param value the value
     * @param <V> the value type
     */
    public <V> void set(Setting<C, V> s, V value) {
      map.put(s, value);
    }
  }
}
