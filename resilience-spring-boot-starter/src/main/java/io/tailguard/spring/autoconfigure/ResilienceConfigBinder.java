package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ConfigError;
import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ConfigNode;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Reads {@code resilience.*} from the environment as a tree (from any property source, with relaxed
 * names) and hands it to the core's mapper, which validates every value and names the property of
 * each problem, with the file and line (or environment variable) Spring Boot tracked for it. The
 * starter's own switches ({@code resilience.aspects}, {@code .actuator}, {@code .web}) are checked
 * here too: an unknown key or a value other than true or false stops the application rather than
 * silently turning a feature off.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResilienceConfigBinder {

  /** Keys of the starter itself, not of the core schema. */
  static final Set<String> STARTER_KEYS = Set.of("enabled", "aspects", "actuator", "web");

  /** The starter's switches, by group; each is true or false. */
  private static final Map<String, Set<String>> SWITCHES =
      Map.of("actuator", Set.of("write-enabled"), "web", Set.of("problem-details"));

  /**
   * Keys of the starter inside the engine sections: each section's switch, and where learned hedge
   * delays are kept ({@link HedgeSnapshotsAutoConfiguration}). Under {@code http-clients}, whose
   * other keys are client names, {@code enabled} is the switch, so no client can be named so.
   */
  static final Map<String, Set<String>> SECTION_KEYS =
      Map.of(
          "circuit-breaker", Set.of("enabled"),
          "hedge", Set.of("enabled", "snapshot-directory"),
          "retry", Set.of("enabled"),
          "rate-limiter", Set.of("enabled"),
          "health", Set.of("enabled"),
          "http-clients", Set.of("enabled"));

  private static final String SOURCE = "the application's properties";

  private ResilienceConfigBinder() {}

  /**
   * Binds and validates the configuration.
   *
   * @param environment the environment
   * @param classLoader loads exception classes named in the configuration
   * @return the configuration
   * @throws ConfigException naming every invalid property
   */
  public static ResilienceConfig bind(Environment environment, ClassLoader classLoader) {
    Map<String, Object> tree =
        Binder.get(environment)
            .bind("resilience", Bindable.mapOf(String.class, Object.class))
            .orElse(Map.of());
    Map<String, Object> engines = new LinkedHashMap<>(tree);
    engines.keySet().removeIf(STARTER_KEYS::contains);
    List<ConfigError> errors = starterErrors(tree);
    withoutSectionKeys(engines, errors);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("resilience", engines);
    ResilienceConfig config;
    try {
      config = YamlConfigLoader.map(ConfigNode.of(root), SOURCE, classLoader);
    } catch (ConfigException e) {
      errors.addAll(e.errors());
      throw new ConfigException(SOURCE, withOrigins(environment, errors));
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(SOURCE, withOrigins(environment, errors));
    }
    return config;
  }

  /**
   * Adds to each error the origin Spring Boot tracked for its property (file and line, or the
   * environment variable), or for the first property below it when the error is about a group.
   */
  private static List<ConfigError> withOrigins(Environment environment, List<ConfigError> errors) {
    List<ConfigError> out = new ArrayList<>(errors.size());
    for (ConfigError e : errors) {
      Origin origin = origin(environment, e.path());
      out.add(origin == null ? e : e.withOrigin(origin.toString()));
    }
    return out;
  }

  private static Origin origin(Environment environment, String path) {
    ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(path);
    if (name == null) {
      return null;
    }
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty p = source.getConfigurationProperty(name);
      if (p != null && p.getOrigin() != null) {
        return p.getOrigin();
      }
      if (source instanceof IterableConfigurationPropertySource names) {
        for (ConfigurationPropertyName n : names) {
          if (name.isAncestorOf(n)) {
            ConfigurationProperty child = source.getConfigurationProperty(n);
            if (child != null && child.getOrigin() != null) {
              return child.getOrigin();
            }
          }
        }
      }
    }
    return null;
  }

  /**
   * Takes the starter's own keys inside the engine sections ({@link #SECTION_KEYS}) out of the tree
   * the core maps, checking their values: {@code enabled} true or false, {@code snapshot-directory}
   * a path.
   */
  private static void withoutSectionKeys(Map<String, Object> engines, List<ConfigError> errors) {
    for (String sectionKey : List.copyOf(engines.keySet())) {
      Map.Entry<String, Set<String>> section =
          SECTION_KEYS.entrySet().stream()
              .filter(e -> canonical(e.getKey()).equals(canonical(sectionKey)))
              .findFirst()
              .orElse(null);
      if (section == null || !(engines.get(sectionKey) instanceof Map<?, ?> group)) {
        continue;
      }
      Map<Object, Object> rest = new LinkedHashMap<>(group);
      for (Object key : group.keySet()) {
        for (String own : section.getValue()) {
          if (canonical(key).equals(canonical(own))) {
            Object value = rest.remove(key);
            String path = "resilience." + section.getKey() + "." + own;
            if (own.equals("enabled") && !isBoolean(value)) {
              errors.add(error(path, "must be true or false, was '" + value + "'"));
            } else if (!own.equals("enabled")
                && (value instanceof Map<?, ?> || String.valueOf(value).isBlank())) {
              errors.add(error(path, "must be a directory path, was '" + value + "'"));
            }
          }
        }
      }
      engines.put(sectionKey, rest);
    }
  }

  /** Checks the starter's switches: known keys only, each true or false. */
  private static List<ConfigError> starterErrors(Map<String, Object> tree) {
    List<ConfigError> errors = new ArrayList<>();
    Object aspects = tree.get("aspects");
    if (aspects instanceof Map<?, ?> m) {
      for (Object key : m.keySet()) {
        if (!canonical(key).equals("order")) {
          errors.add(error("resilience.aspects." + key, "unknown key (known: [order])"));
        }
      }
    }
    for (Map.Entry<String, Set<String>> group : SWITCHES.entrySet()) {
      Object value = tree.get(group.getKey());
      if (value == null) {
        continue;
      }
      String prefix = "resilience." + group.getKey();
      if (!(value instanceof Map<?, ?> m)) {
        errors.add(
            error(prefix, "must be a group of " + group.getValue() + ", was '" + value + "'"));
        continue;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        String known =
            group.getValue().stream()
                .filter(k -> canonical(k).equals(canonical(key)))
                .findFirst()
                .orElse(null);
        if (known == null) {
          errors.add(error(prefix + "." + key, "unknown key (known: " + group.getValue() + ")"));
        } else if (!isBoolean(e.getValue())) {
          errors.add(
              error(prefix + "." + known, "must be true or false, was '" + e.getValue() + "'"));
        }
      }
    }
    return errors;
  }

  /**
   * Returns whether a switch's value is {@code true} or {@code false}, as the conditions that read
   * it understand them.
   *
   * @param value the value
   * @return whether it is a boolean
   */
  static boolean isBoolean(Object value) {
    String v = String.valueOf(value).trim();
    return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
  }

  private static String canonical(Object key) {
    return String.valueOf(key).toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static ConfigError error(String path, String message) {
    return new ConfigError(path, message, 0, 0);
  }
}
