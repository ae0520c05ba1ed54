package io.tailguard.core.internal.settings;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A rule between settings of one group, such as {@code max-delay must be at least base-delay},
 * stated over the group's {@link SettingGroup.Values}, so that a builder checks it on the config it
 * built and the YAML mapper on the values it read. Its message is written once against a {@link
 * Names} function, so YAML users read YAML keys and builder callers read setter names.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <C> the config type
 */
public final class Rule<C> {

  /** Names a setting in a message: by YAML key or by Java setter name. */
  @FunctionalInterface
  public interface Names extends Function<Setting<?, ?>, String> {}

  /** YAML keys. */
  public static final Names YAML = Setting::key;

  /** Java setter names. */
  public static final Names JAVA = Setting::javaName;

  /**
   * YAML keys, for a whole sentence: unlike {@link #YAML}, a rule reported {@linkplain #at at} a
   * setting keeps that setting's name, as it is reported at the group when the key is absent.
   */
  public static final Names YAML_SENTENCE = Setting::key;

  private final String doc;
  private final Predicate<SettingGroup.Values<C>> holds;
  private final BiFunction<SettingGroup.Values<C>, Names, String> message;
  // The setting a broken rule is reported at by the YAML mapper, or null for the group.
  private final Setting<C, ?> at;

  private Rule(
      String doc,
      Predicate<SettingGroup.Values<C>> holds,
      BiFunction<SettingGroup.Values<C>, Names, String> message,
      Setting<C, ?> at) {
    this.doc = doc;
    this.holds = holds;
    this.message = message;
    this.at = at;
  }

  /**
   * Declares a rule over the values of a group.
   *
   * @param doc the rule in YAML keys, for docs ({@code max-delay >= base-delay})
   * @param holds whether a set of values obeys it
   * @param message the message for values that do not, given how to name settings
   * @param <C> the config type
   * @return the rule
   */
  public static <C> Rule<C> of(
      String doc,
      Predicate<SettingGroup.Values<C>> holds,
      BiFunction<SettingGroup.Values<C>, Names, String> message) {
    return new Rule<>(doc, holds, message, null);
  }

  /**
   * Declares {@code low <= high}, reported as {@code low must be at most high (h), was l}.
   *
   * @param low the setting that must not be larger
   * @param high the setting it is compared with
   * @param <C> the config type
   * @param <V> the value type
   * @return the rule
   */
  public static <C, V extends Comparable<? super V>> Rule<C> atMost(
      Setting<C, V> low, Setting<C, V> high) {
    return compare(low, high, "<=", "at most");
  }

  /**
   * Declares {@code high >= low}, reported as {@code high must be at least low (l), was h}.
   *
   * @param high the setting that must not be smaller
   * @param low the setting it is compared with
   * @param <C> the config type
   * @param <V> the value type
   * @return the rule
   */
  public static <C, V extends Comparable<? super V>> Rule<C> atLeast(
      Setting<C, V> high, Setting<C, V> low) {
    return compare(high, low, ">=", "at least");
  }

  /**
   * Declares that no exception type stands in both of two lists, reported as {@code an exception
   * type must not be both <both>, was T in first and second}.
   *
   * @param first the first list, as the message names it
   * @param second the second list
   * @param both what being in both means, such as {@code retryable and fatal}
   * @param scanned {@code first} or {@code second}: the list searched, in order, for the type to
   *     report
   * @param <C> the config type
   * @return the rule
   */
  public static <C> Rule<C> disjoint(
      Setting<C, List<Class<? extends Throwable>>> first,
      Setting<C, List<Class<? extends Throwable>>> second,
      String both,
      Setting<C, List<Class<? extends Throwable>>> scanned) {
    Setting<C, List<Class<? extends Throwable>>> other = scanned == first ? second : first;
    Function<SettingGroup.Values<C>, Class<? extends Throwable>> inBoth =
        c -> {
          for (Class<? extends Throwable> type : c.get(scanned)) {
            if (c.get(other).contains(type)) {
              return type;
            }
          }
          return null;
        };
    return of(
        "no exception type in both " + first.key() + " and " + second.key(),
        c -> inBoth.apply(c) == null,
        (c, n) ->
            "an exception type must not be both "
                + both
                + ", was "
                + inBoth.apply(c).getName()
                + " in "
                + n.apply(first)
                + " and "
                + n.apply(second));
  }

  // One message shape for both directions: "a must be <words> b (b's value), was a's value".
  private static <C, V extends Comparable<? super V>> Rule<C> compare(
      Setting<C, V> a, Setting<C, V> b, String op, String words) {
    boolean atMost = op.equals("<=");
    return of(
        a.key() + " " + op + " " + b.key(),
        c -> {
          int cmp = c.get(a).compareTo(c.get(b));
          return atMost ? cmp <= 0 : cmp >= 0;
        },
        (c, n) ->
            n.apply(a)
                + " must be "
                + words
                + " "
                + n.apply(b)
                + " ("
                + Range.text(c.get(b))
                + "), was "
                + Range.text(c.get(a)));
  }

  /**
   * Returns this rule reported at one setting (its message then starts with that setting's name,
   * which the YAML mapper leaves out, as the error's path names it).
   *
   * @param setting the setting
   * @return a copy
   */
  public Rule<C> at(Setting<C, ?> setting) {
    return new Rule<>(doc, holds, message, setting);
  }

  /** The rule in YAML keys, for docs. */
  public String doc() {
    return doc;
  }

  /** The setting a broken rule is reported at, or null for the group. */
  public Setting<C, ?> at() {
    return at;
  }

  /**
   * Returns what is wrong, naming settings as told, or null if the values obey the rule.
   *
   * @param values the values
   * @param names how to name settings
   * @return the problem, or null
   */
  public String problem(SettingGroup.Values<C> values, Names names) {
    if (holds.test(values)) {
      return null;
    }
    String m = message.apply(values, names);
    if (at != null && names == YAML && m.startsWith(at.key() + " ")) {
      return m.substring(at.key().length() + 1);
    }
    return m;
  }
}
