package io.tailguard.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between two configurations, as lines such as {@code
 * resilience.hedge.instances.search.max-hedges: 1 -> 2}, {@code
 * resilience.circuit-breaker.instances.orders: added} or {@code ...: removed}. A URI's password is
 * masked ({@link Secrets#maskUriPasswords}).
 *
 * <p>This class is stateless and thread-safe.
 */
public final class ConfigDiff {

  private ConfigDiff() {}

  /**
   * Compares two configurations setting by setting.
   *
   * @param before the old configuration
   * @param after the new one
   * @return the changes, sorted by path; empty if equal
   */
  public static List<String> between(ResilienceConfig before, ResilienceConfig after) {
    List<String> changes = new ArrayList<>();
    diff("", YamlConfigWriter.toTree(before), YamlConfigWriter.toTree(after), changes);
    return changes;
  }

  @SuppressWarnings("unchecked")
  private static void diff(String path, Object a, Object b, List<String> out) {
    if (a instanceof Map && b instanceof Map) {
      Map<String, Object> ma = (Map<String, Object>) a;
      Map<String, Object> mb = (Map<String, Object>) b;
      TreeSet<String> keys = new TreeSet<>(ma.keySet());
      keys.addAll(mb.keySet());
      for (String k : keys) {
        String p = path.isEmpty() ? k : path + "." + k;
        if (!ma.containsKey(k)) {
          out.add(p + ": added");
        } else if (!mb.containsKey(k)) {
          out.add(p + ": removed");
        } else {
          diff(p, ma.get(k), mb.get(k), out);
        }
      }
    } else if (!Objects.equals(a, b)) {
      // A URI's password stays out of the line: it is logged, published and answered.
      out.add(path + ": " + Secrets.maskUriPasswords(a + " -> " + b));
    }
  }
}
