package io.tailguard.core.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses a {@code Retry-After} header value (RFC 9110 section 10.2.3): delta-seconds (ASCII digits)
 * or an HTTP-date. The guard reads retried responses with it, and the starter's status extractors
 * read the headers of {@code RestClient} and {@code WebClient} exceptions with it.
 *
 * <p>Stateless and thread-safe.
 */
public final class RetryAfter {

  private RetryAfter() {}

  /**
   * Parses a value against {@code now}.
   *
   * @param value the header's value, or null if absent
   * @param now the time an HTTP-date is measured from
   * @return the delay: empty if the value is absent or neither form, zero for a date in the past,
   *     {@code Long.MAX_VALUE} seconds for a number too large (a retry policy's {@code max-delay}
   *     caps it)
   */
  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException e) {
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE));
      }
    }
    try {
      Duration d =
          Duration.between(
              now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
