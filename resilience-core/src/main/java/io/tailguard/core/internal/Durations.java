package io.tailguard.core.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads and writes durations the way configuration files spell them: {@code 500ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, {@code 2d}, {@code 250us}, {@code 100ns}, or ISO-8601 ({@code PT10S}).
 *
 * <p>Not part of the public API. This class is stateless and thread-safe.
 */
public final class Durations {

  private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};
  private static final long[] NANOS = {
    86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
  };

  private Durations() {}

  /**
   * Writes a duration in the largest unit that represents it exactly, for example {@code 1500ms}
   * for 1.5 seconds. Durations too long for a {@code long} of nanoseconds are written in ISO-8601.
   *
   * @param duration the duration
   * @return its text
   */
  public static String format(Duration duration) {
    if (duration == null) {
      return "null";
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return duration.toString();
    }
    if (nanos == 0) {
      return "0ms";
    }
    for (int i = 0; i < UNITS.length; i++) {
      if (nanos % NANOS[i] == 0) {
        return (nanos / NANOS[i]) + UNITS[i];
      }
    }
    throw new AssertionError("unreachable: every duration is a whole number of nanoseconds");
  }

  /**
   * Reads a duration written as a whole number and a unit ({@code ns}, {@code us}, {@code ms},
   * {@code s}, {@code m}, {@code h}, {@code d}) or in ISO-8601.
   *
   * @param field the field name for the error message
   * @param text the text
   * @return the duration
   * @throws IllegalArgumentException naming the field and the accepted forms if the text is not a
   *     duration
   */
  public static Duration parse(String field, String text) {
    if (text == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("p") || s.startsWith("-p")) {
      try {
        return Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw invalid(field, text);
      }
    }
    int digits = 0;
    while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
      digits++;
    }
    if (digits == 0) {
      throw invalid(field, text);
    }
    long amount;
    try {
      amount = Long.parseLong(s.substring(0, digits));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " is too long, was '" + text + "'", e);
    }
    String unit = s.substring(digits).trim();
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) {
        try {
          return Duration.ofNanos(Math.multiplyExact(amount, NANOS[i]));
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException(field + " is too long, was '" + text + "'", e);
        }
      }
    }
    throw invalid(field, text);
  }

  private static IllegalArgumentException invalid(String field, String text) {
    return new IllegalArgumentException(
        field
            + " must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), was '"
            + text
            + "'");
  }
}
