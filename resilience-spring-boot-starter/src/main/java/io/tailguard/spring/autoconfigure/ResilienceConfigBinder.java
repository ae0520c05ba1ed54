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
import org.springframework.core.env.Environment;

/**
 * Reads {@code resilience.*} from the environment as a tree (from any property source, with relaxed
 * names) and hands it to the core's mapper, which validates every value and names the property of
 * each problem. The starter's own switches ({@code resilience.aspects}, {@code .actuator}, {@code
 * .web}) are checked here too: an unknown key or a value other than true or false stops the
 * application rather than silently turning a feature off.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResilienceConfigBinder {

  /** Keys of the starter itself, not of the core schema. */
  static final Set<String> STARTER_KEYS = Set.of("enabled", "aspects", "actuator", "web");

  /** The starter's switches, by group; each is true or false. */
  private static final Map<String, Set<String>> SWITCHES =
      Map.of("actuator", Set.of("write-enabled"), "web", Set.of("problem-details"));

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
    withoutSnapshotDirectory(engines, errors);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("resilience", engines);
    ResilienceConfig config;
    try {
      config = YamlConfigLoader.map(ConfigNode.of(root), SOURCE, classLoader);
    } catch (ConfigException e) {
      errors.addAll(e.errors());
      throw new ConfigException(SOURCE, errors);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(SOURCE, errors);
    }
    return config;
  }

  /**
   * Takes {@code resilience.hedging.snapshot-directory}, the starter's own, out of the tree the
   * core maps, checking it is a path; {@link HedgeSnapshotsAutoConfiguration} reads it.
   */
  private static void withoutSnapshotDirectory(
      Map<String, Object> engines, List<ConfigError> errors) {
    if (!(engines.get("hedging") instanceof Map<?, ?> hedging)) {
      return;
    }
    Map<Object, Object> rest = new LinkedHashMap<>(hedging);
    for (Object key : hedging.keySet()) {
      if (canonical(key).equals("snapshotdirectory")) {
        Object value = rest.remove(key);
        if (value instanceof Map<?, ?> || String.valueOf(value).isBlank()) {
          errors.add(
              error(
                  "resilience.hedging.snapshot-directory",
                  "must be a directory path, was '" + value + "'"));
        }
      }
    }
    engines.put("hedging", rest);
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
