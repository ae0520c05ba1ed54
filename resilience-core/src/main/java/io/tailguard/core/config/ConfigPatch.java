package io.tailguard.core.config;

import io.tailguard.core.internal.Validate;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A partial configuration document to merge into the document in force, with the rules of a JSON
 * merge patch (RFC 7386) over the YAML tree:
 *
 * <ul>
 *   <li>a map merges key by key into the map at the same place, recursively;
 *   <li>a null ({@code key: ~}) removes the key: a setting goes back to its default, an entry of
 *       {@code instances} (or {@code policies}, {@code providers}) is dropped, so that instance
 *       goes on with the defaults;
 *   <li>anything else (a scalar, a list) replaces what was there; {@code []} and {@code {}} empty a
 *       list or a map.
 * </ul>
 *
 * <p>The patch's root holds {@code resilience:} only, and that is a map: a misspelt root, or a null
 * that would reset every setting, is refused.
 *
 * <p>Settings match relaxed, as the mapper reads them ({@code maxHedges} is {@code max-hedges}),
 * keeping the document's spelling; instance names (the keys of {@code instances}, {@code policies}
 * and {@code providers}) match exactly. The merged tree keeps the patch's lines and columns, so an
 * error in a patched key names its line in the patch.
 *
 * <pre>{@code
 * ResilienceConfig next = ConfigPatch.parse("""
 *     resilience:
 *       hedge:
 *         instances:
 *           quotes: {timeout: 2s}
 *     """).applyTo(runtime.config());
 * runtime.apply(next);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ConfigPatch {

  /** Maps whose keys are names, not settings: matched exactly. */
  private static final Set<String> NAMED = Set.of("instances", "policies", "providers");

  private final ConfigNode patch;

  private ConfigPatch(ConfigNode patch) {
    this.patch = patch;
  }

  /**
   * Parses a patch from YAML text, rooted at {@code resilience:} like any document. An empty text
   * is an empty patch.
   *
   * @param yaml the text
   * @return the patch
   * @throws ConfigException if the text is not a single valid YAML document
   */
  public static ConfigPatch parse(String yaml) {
    Validate.notNull("yaml", yaml);
    List<ConfigError> errors = new ArrayList<>();
    ConfigNode node = YamlConfigLoader.parse(new StringReader(yaml), errors);
    if (errors.isEmpty() && node != null) {
      checkRoot(node, errors);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException("the patch", errors);
    }
    return new ConfigPatch(node == null ? ConfigNode.map(Map.of(), 0, 0) : node);
  }

  /**
   * A patch holds {@code resilience:} only: a whole document may carry other sections (an {@code
   * application.yml}), but a patch whose root is misspelt would otherwise change nothing and say it
   * applied.
   */
  private static void checkRoot(ConfigNode node, List<ConfigError> errors) {
    if (MapReader.isEmptyValue(node)) {
      return;
    }
    if (node.kind() != ConfigNode.Kind.MAP) {
      errors.add(
          new ConfigError(
              "<document>",
              "must be a map with a 'resilience' key, was " + node.describe(),
              node.line(),
              node.column()));
      return;
    }
    node.entries()
        .forEach(
            (key, value) -> {
              if (key.equals(ConfigMapper.ROOT)) {
                // A null would remove every setting: too easy to send by mistake ("resilience:").
                if (MapReader.isEmptyValue(value)) {
                  errors.add(
                      new ConfigError(
                          key,
                          "must be a map of the settings to change, was "
                              + value.describe()
                              + " (a whole document, not a patch, resets every setting)",
                          value.line(),
                          value.column()));
                }
              } else {
                String hint = Suggestions.closest(key, Set.of(ConfigMapper.ROOT));
                errors.add(
                    new ConfigError(
                        key,
                        "unknown key: a patch holds only 'resilience'"
                            + (hint == null ? "" : " (did you mean 'resilience'?)"),
                        value.line(),
                        value.column()));
              }
            });
  }

  /**
   * Merges this patch into a document.
   *
   * @param document the document in force (such as {@code ConfigNode.of(tree)}), or null for none
   * @return the merged document, to map with {@link YamlConfigLoader#map}
   */
  public ConfigNode applyTo(ConfigNode document) {
    return merge(document, patch, false);
  }

  /**
   * Merges this patch into a configuration's every setting ({@link YamlConfigWriter#toTree}) and
   * maps the result. Without the document the configuration was loaded from, an instance listed in
   * {@code instances} holds every setting in force, so a changed default reaches only the instances
   * that are not listed.
   *
   * @param inForce the configuration in force
   * @return the merged configuration
   * @throws ConfigException naming every invalid key, with its line in the patch
   */
  public ResilienceConfig applyTo(ResilienceConfig inForce) {
    Validate.notNull("inForce", inForce);
    return YamlConfigLoader.map(
        applyTo(ConfigNode.of(YamlConfigWriter.toTree(inForce))),
        "the patch",
        Thread.currentThread().getContextClassLoader());
  }

  private static ConfigNode merge(ConfigNode target, ConfigNode patch, boolean named) {
    if (patch.kind() != ConfigNode.Kind.MAP) {
      return patch;
    }
    Map<String, ConfigNode> merged =
        new LinkedHashMap<>(
            target != null && target.kind() == ConfigNode.Kind.MAP ? target.entries() : Map.of());
    for (Map.Entry<String, ConfigNode> e : patch.entries().entrySet()) {
      String key = matching(merged, e.getKey(), named);
      ConfigNode value = e.getValue();
      if (value.kind() == ConfigNode.Kind.SCALAR && value.value() == null) {
        merged.remove(key);
      } else {
        merged.put(key, merge(merged.get(key), value, NAMED.contains(MapReader.relax(key))));
      }
    }
    return ConfigNode.map(merged, patch.line(), patch.column());
  }

  /** The key of {@code entries} the patch's key stands for: itself, or a relaxed match. */
  private static String matching(Map<String, ConfigNode> entries, String key, boolean named) {
    if (named || entries.containsKey(key)) {
      return key;
    }
    String relaxed = MapReader.relax(key);
    for (String k : entries.keySet()) {
      if (MapReader.relax(k).equals(relaxed)) {
        return k;
      }
    }
    return key;
  }
}
