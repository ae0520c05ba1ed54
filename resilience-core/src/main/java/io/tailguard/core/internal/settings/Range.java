package io.tailguard.core.internal.settings;

import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.Validate;
import java.time.Duration;

/**
 * The allowed values of a numeric or duration setting: an interval whose ends are each open or
 * closed.
 *
 * @param lo the lower bound (a {@link Number} or a {@link Duration})
 * @param loOpen whether the lower bound is excluded
 * @param hi the upper bound
 * @param hiOpen whether the upper bound is excluded
 */
public record Range(Comparable<?> lo, boolean loOpen, Comparable<?> hi, boolean hiOpen) {

  /**
   * {@code [lo, hi]}.
   *
   * @param lo the lower bound
   * @param hi the upper bound
   * @return the range
   */
  public static Range closed(double lo, double hi) {
    return new Range(lo, false, hi, false);
  }

  /**
   * {@code (lo, hi]}.
   *
   * @param lo the lower bound
   * @param hi the upper bound
   * @return the range
   */
  public static Range openClosed(double lo, double hi) {
    return new Range(lo, true, hi, false);
  }

  /**
   * {@code (lo, hi)}.
   *
   * @param lo the lower bound
   * @param hi the upper bound
   * @return the range
   */
  public static Range open(double lo, double hi) {
    return new Range(lo, true, hi, true);
  }

  /**
   * {@code [lo, hi]} of whole numbers.
   *
   * @param lo the lower bound
   * @param hi the upper bound
   * @return the range
   */
  public static Range ints(long lo, long hi) {
    return new Range(lo, false, hi, false);
  }

  /**
   * {@code [min, max]} of durations.
   *
   * @param min the shortest
   * @param max the longest
   * @return the range
   */
  public static Range durations(Duration min, Duration max) {
    return new Range(min, false, max, false);
  }

  /**
   * Returns whether the value lies in the range.
   *
   * @param value a number or a duration
   * @return whether it is allowed
   */
  public boolean contains(Object value) {
    if (value instanceof Duration d) {
      int a = d.compareTo((Duration) lo);
      int b = d.compareTo((Duration) hi);
      return (loOpen ? a > 0 : a >= 0) && (hiOpen ? b < 0 : b <= 0);
    }
    double v = ((Number) value).doubleValue();
    double l = ((Number) lo).doubleValue();
    double h = ((Number) hi).doubleValue();
    if (value instanceof Long || value instanceof Integer) {
      long x = ((Number) value).longValue();
      return x >= ((Number) lo).longValue() && x <= ((Number) hi).longValue();
    }
    return (loOpen ? v > l : v >= l) && (hiOpen ? v < h : v <= h);
  }

  /** Interval notation, such as {@code (0, 1]} or {@code [1ms, 1d]}. */
  @Override
  public String toString() {
    return (loOpen ? "(" : "[") + text(lo) + ", " + text(hi) + (hiOpen ? ")" : "]");
  }

  /**
   * Formats a bound or value as messages show it: {@code 10s}, {@code 3}, {@code 0.5}.
   *
   * @param value a number or a duration
   * @return its text
   */
  public static String text(Object value) {
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    if (value instanceof Long || value instanceof Integer) {
      return value.toString();
    }
    if (value instanceof Number n) {
      return Validate.num(n.doubleValue());
    }
    return String.valueOf(value);
  }
}
