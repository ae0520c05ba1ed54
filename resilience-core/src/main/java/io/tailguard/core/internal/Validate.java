package io.tailguard.core.internal;

import java.time.Duration;

/**
 * Argument checks shared by every config builder. Each failure is an {@link
 * IllegalArgumentException} whose message names the field, the allowed values and the value given,
 * for example {@code failureRateThreshold must be in (0, 1], was 1.5}.
 *
 * <p>Not part of the public API. This class is stateless and thread-safe.
 */
public final class Validate {

  private Validate() {}

  /**
   * Refuses {@code null}.
   *
   * @param field the field name for the message
   * @param value the value
   * @param <T> the type
   * @return the value
   */
  public static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    return value;
  }

  /**
   * Requires {@code lo < value <= hi}.
   *
   * @param field the field name
   * @param value the value
   * @param lo the exclusive lower bound
   * @param hi the inclusive upper bound
   * @return the value
   */
  public static double inOpenClosed(String field, double value, double lo, double hi) {
    if (!(value > lo && value <= hi)) {
      throw new IllegalArgumentException(
          field + " must be in (" + num(lo) + ", " + num(hi) + "], was " + num(value));
    }
    return value;
  }

  /**
   * Requires {@code lo <= value <= hi}.
   *
   * @param field the field name
   * @param value the value
   * @param lo the inclusive lower bound
   * @param hi the inclusive upper bound
   * @return the value
   */
  public static double inClosed(String field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(
          field + " must be in [" + num(lo) + ", " + num(hi) + "], was " + num(value));
    }
    return value;
  }

  /**
   * Requires {@code lo <= value <= hi}.
   *
   * @param field the field name
   * @param value the value
   * @param lo the inclusive lower bound
   * @param hi the inclusive upper bound
   * @return the value
   */
  public static int inRange(String field, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      throw new IllegalArgumentException(
          field + " must be in [" + lo + ", " + hi + "], was " + value);
    }
    return value;
  }

  /**
   * Requires {@code lo <= value <= hi}.
   *
   * @param field the field name
   * @param value the value
   * @param lo the inclusive lower bound
   * @param hi the inclusive upper bound
   * @return the value
   */
  public static long inRange(String field, long value, long lo, long hi) {
    if (value < lo || value > hi) {
      throw new IllegalArgumentException(
          field + " must be in [" + lo + ", " + hi + "], was " + value);
    }
    return value;
  }

  /**
   * Requires a non-null duration with {@code min <= value <= max}.
   *
   * @param field the field name
   * @param value the value
   * @param min the inclusive lower bound
   * @param max the inclusive upper bound
   * @return the value
   */
  public static Duration inRange(String field, Duration value, Duration min, Duration max) {
    notNull(field, value);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          field
              + " must be in ["
              + Durations.format(min)
              + ", "
              + Durations.format(max)
              + "], was "
              + Durations.format(value));
    }
    return value;
  }

  /**
   * Formats a bound or a value for a message: whole numbers without a fraction, others in full.
   *
   * @param value the number
   * @return its text
   */
  public static String num(double value) {
    if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
