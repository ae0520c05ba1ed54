package io.tailguard.spring.actuate;

import io.tailguard.core.config.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Sanitizes what {@link ResilienceEndpoint} answers, leaf by leaf, with Spring Boot's own rules:
 *
 * <ol>
 *   <li>every {@link SanitizingFunction} bean applies to every value, by its key (the property name
 *       for the configuration, such as {@code resilience.rate-limiter.redis.uri}; the path in the
 *       answer otherwise, such as {@code rate-limiters.search.store.connection});
 *   <li>unless values are shown ({@code management.endpoint.resilience.show-values}), the value of
 *       a key Boot deems likely sensitive ({@link SanitizingFunction#ifLikelySensitive()}: URIs and
 *       addresses, passwords, secrets, keys, tokens, credentials) is {@value
 *       SanitizableData#SANITIZED_VALUE};
 *   <li>whatever the setting, a URI's password is masked ({@link Secrets#maskUriPasswords}).
 * </ol>
 *
 * <p>Unlike Boot's {@code env} endpoint it does not hide every value when they are not shown: the
 * rest of the answer is counts, states and settings that are the endpoint's purpose.
 *
 * <p>Thread-safe: immutable, and the functions are expected to be (as Boot's endpoints expect).
 */
final class ValueSanitizer {

  private static final Predicate<SanitizableData> LIKELY_SENSITIVE =
      SanitizingFunction.sanitizeValue().ifLikelySensitive().filter();

  private final Sanitizer sanitizer;

  ValueSanitizer(Iterable<SanitizingFunction> functions) {
    this.sanitizer = new Sanitizer(functions);
  }

  /**
   * Sanitizes a tree of maps, lists and scalars.
   *
   * @param key the key of {@code value}; a map's entries get {@code key.entry} (or {@code entry} at
   *     the root, an empty key), a list's items the list's key
   * @param value the value
   * @param showUnsanitized whether values of likely sensitive keys are shown
   * @return a sanitized copy
   */
  Object sanitize(String key, Object value, boolean showUnsanitized) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            String child = key.isEmpty() ? String.valueOf(k) : key + "." + k;
            out.put(String.valueOf(k), sanitize(child, v, showUnsanitized));
          });
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(sanitize(key, v, showUnsanitized)));
      return out;
    }
    if (value == null) {
      return null;
    }
    SanitizableData data = new SanitizableData(null, key, value);
    Object out = sanitizer.sanitize(data, showUnsanitized || !LIKELY_SENSITIVE.test(data));
    return out instanceof String s ? Secrets.maskUriPasswords(s) : out;
  }

  /**
   * Sanitizes a map at a key.
   *
   * @param key its key
   * @param map the map, or null
   * @param showUnsanitized whether values of likely sensitive keys are shown
   * @return a sanitized copy, or null
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> map(String key, Map<String, ?> map, boolean showUnsanitized) {
    return map == null ? null : (Map<String, Object>) sanitize(key, map, showUnsanitized);
  }

  /**
   * Sanitizes the lines that say what a reload changed ({@code path: before -> after}): the part
   * after the path is the value of the path's key.
   *
   * @param changes the lines
   * @param showUnsanitized whether values of likely sensitive keys are shown
   * @return the sanitized lines
   */
  List<String> changes(List<String> changes, boolean showUnsanitized) {
    List<String> out = new ArrayList<>(changes.size());
    for (String line : changes) {
      int colon = line.indexOf(": ");
      if (colon < 0) {
        out.add(line);
        continue;
      }
      String key = line.substring(0, colon);
      Object value = sanitize(key, line.substring(colon + 2), showUnsanitized);
      out.add(key + ": " + value);
    }
    return out;
  }
}
