package io.tailguard.core.internal;

import java.util.regex.Pattern;

/**
 * The rule for instance names (breakers, hedgers, limiters, policies, probes): 1 to 128 letters,
 * digits, {@code . _ - : /}, starting with a letter or digit. Names become metric labels, log
 * fields and configuration keys, so they are kept short and plain.
 *
 * <p>Not part of the public API. This class is stateless and thread-safe.
 */
public final class InstanceNames {

  /** The longest name accepted. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

  private InstanceNames() {}

  /**
   * Checks a name.
   *
   * @param what what the name is of, for the message (for example {@code circuit breaker})
   * @param name the name
   * @return the name
   * @throws IllegalArgumentException naming the rule and the value if the name is invalid
   */
  public static String check(String what, String name) {
    if (name == null) {
      throw new IllegalArgumentException(what + " name must not be null");
    }
    if (!VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " name must be 1 to "
              + MAX_LENGTH
              + " letters, digits or . _ - : / starting with a letter or digit, was '"
              + abbreviate(name)
              + "'");
    }
    return name;
  }

  /**
   * Returns whether a name follows the rule, for callers that word their own message.
   *
   * @param name the name, not null
   * @return {@code true} if {@link #check} would accept it
   */
  public static boolean isValid(String name) {
    return VALID.matcher(name).matches();
  }

  private static String abbreviate(String name) {
    String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    StringBuilder b = new StringBuilder(shown.length());
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }
}
