package io.tailguard.core.config;

import io.tailguard.core.internal.Validate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of what the library prints: the password of a URI's user information
 * ({@code redis://user:password@host}) is replaced with {@value #MASK}, the user name, host and
 * everything else kept, so a log line still says which server and which user. A user information
 * without a colon is all masked: Redis clients read {@code redis://secret@host} as a password.
 *
 * <p>Used for the lines that say what a reload changed ({@link ConfigDiff}), and so for the log
 * line, the event and the answer of every reload path.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class Secrets {

  /** What a password is replaced with (as Spring Boot's Actuator shows a sanitized value). */
  public static final String MASK = "******";

  /** A scheme, then the user information: anything up to an '@' before the authority ends. */
  private static final Pattern USER_INFO =
      Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#@\\s]*)@");

  private Secrets() {}

  /**
   * Masks the password of every URI in a text.
   *
   * @param text any text, such as a URI or a line naming two
   * @return the text with each URI's password replaced by {@value #MASK}
   */
  public static String maskUriPasswords(String text) {
    Validate.notNull("text", text);
    Matcher m = USER_INFO.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    do {
      String userInfo = m.group(2);
      int colon = userInfo.indexOf(':');
      String masked = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked + "@"));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }
}
