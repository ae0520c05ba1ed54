package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void whatFormatWritesParseReads() {
    for (Duration d :
        List.of(
            Duration.ZERO,
            Duration.ofMillis(1500),
            Duration.ofNanos(1_000_000_000_000_000_001L), // 19 digits of nanoseconds
            Duration.ofNanos(Long.MAX_VALUE),
            Duration.ofNanos(Long.MAX_VALUE).plusNanos(1),
            Duration.ofDays(3))) {
      assertThat(Durations.parse("d", Durations.format(d))).as(Durations.format(d)).isEqualTo(d);
    }
  }

  @Test
  void amountsBeyondALongAreTooLong() {
    assertThatThrownBy(() -> Durations.parse("timeout", "9223372036854775808ns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout is too long, was '9223372036854775808ns'");
    assertThatThrownBy(() -> Durations.parse("timeout", "99999999999999999999d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout is too long, was '99999999999999999999d'");
    assertThatThrownBy(() -> Durations.parse("timeout", "ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeout must be a duration such as 500ms");
  }

  @Test
  void formatUsesTheLargestExactUnit() {
    assertThat(Durations.format(null)).isEqualTo("null");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
    assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
    assertThat(Durations.format(Duration.ofHours(25))).isEqualTo("25h");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("250us");
    assertThat(Durations.format(Duration.ofNanos(101))).isEqualTo("101ns");
    assertThat(Durations.format(Duration.ofMillis(-500))).isEqualTo("-500ms");
    assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(Duration.ofSeconds(Long.MAX_VALUE).toString());
  }

  @Test
  void parseReadsEveryUnitAndIso() {
    assertThat(Durations.parse("f", "100ns")).isEqualTo(Duration.ofNanos(100));
    assertThat(Durations.parse("f", "250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Durations.parse("f", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("f", "10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("f", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("f", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("f", "2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("f", " 10 S ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("f", "PT10S")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("f", " pt1m ")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.parse("f", "-PT1S")).isEqualTo(Duration.ofSeconds(-1));
  }

  @Test
  void parseRefusesOtherTextNamingTheField() {
    String accepted =
        " must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), was '";
    for (String text : List.of("500", "5 weeks", "10sec", "", "  ", "-5s", "1.5s", "PT", "P1X")) {
      assertThatThrownBy(() -> Durations.parse("retry.baseDelay", text))
          .as("'%s'", text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("retry.baseDelay" + accepted + text + "'");
    }
    assertThatThrownBy(() -> Durations.parse("retry.baseDelay", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry.baseDelay must not be null");
  }
}
