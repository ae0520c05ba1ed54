package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** {@link RetryAfter}: the one parser of {@code Retry-After} for the guard and the starter. */
class HttpRetryAfterTest {

  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void parsesSecondsOrAnHttpDate() {
    assertThat(RetryAfter.parse("120", now)).hasValue(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 7 ", now)).hasValue(Duration.ofSeconds(7));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));
    assertThat(RetryAfter.parse(date, now)).hasValue(Duration.ofSeconds(30));
    String past =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(30).atOffset(ZoneOffset.UTC));
    assertThat(RetryAfter.parse(past, now)).hasValue(Duration.ZERO);
  }

  @Test
  void badValuesGiveNoDelay() {
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
    assertThat(RetryAfter.parse(" ", now)).isEmpty();
    assertThat(RetryAfter.parse(null, now)).isEmpty();
    assertThat(RetryAfter.parse("-5", now)).isEmpty();
    assertThat(RetryAfter.parse("1.5", now)).isEmpty();
    // RFC 9110's DIGIT is ASCII: other scripts' digits are no delta-seconds.
    assertThat(RetryAfter.parse("\u0661\u0662\u0660", now)).isEmpty();
  }

  @Test
  void aNumberTooLargeIsTheLongestDelayForMaxDelayToCap() {
    assertThat(RetryAfter.parse("99999999999999999999999", now))
        .hasValue(Duration.ofSeconds(Long.MAX_VALUE));
  }
}
