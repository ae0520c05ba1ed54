package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ConfigNode;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Reads {@code resilience.*} from the environment as a tree (from any property source, with relaxed
 * names) and hands it to the core's mapper, which validates every value and names the property of
 * each problem.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResilienceConfigBinder {

  /** Keys of the starter itself, not of the core schema. */
  static final Set<String> STARTER_KEYS = Set.of("enabled", "aspects", "actuator", "web");

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
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("resilience", engines);
    return YamlConfigLoader.map(ConfigNode.of(root), "the application's properties", classLoader);
  }
}
