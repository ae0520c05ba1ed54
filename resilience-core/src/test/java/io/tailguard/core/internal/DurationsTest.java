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
}
