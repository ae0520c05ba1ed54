package io.tailguard.core.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses a {@code Retry-After} value (RFC 9110 section 10.2.3). Stateless and thread-safe. */
final class RetryAfter {

  private RetryAfter() {}

  /**
   * Parses delta-seconds or an HTTP-date against {@code now}; null if it is neither, zero for a
   * date in the past.
   */
  static Duration parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return Duration.ofSeconds(Long.MAX_VALUE); // the policy's max-delay caps it
      }
    }
    try {
      Duration d =
          Duration.between(
              now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
