package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The re-open count and the cooldown it gives; the overflow property is in the transition test. */
class OpenInfoTest {

  @Test
  void reopensCountFromOneAndStopAtTheExponentCap() {
    assertThat(OpenInfo.nextReopens(null)).isEqualTo(1);
    assertThat(OpenInfo.nextReopens(new OpenInfo(4, 0, 1))).isEqualTo(2);
    assertThat(OpenInfo.nextReopens(new OpenInfo(4, 0, OpenInfo.MAX_REOPEN_EXPONENT - 1)))
        .isEqualTo(OpenInfo.MAX_REOPEN_EXPONENT);
    assertThat(OpenInfo.nextReopens(new OpenInfo(4, 0, OpenInfo.MAX_REOPEN_EXPONENT)))
        .isEqualTo(OpenInfo.MAX_REOPEN_EXPONENT);
  }

  @Test
  void theConfigsCooldownDoublesPerReopenUpToItsMaximum() {
    CircuitConfig c =
        CircuitConfig.builder()
            .openCooldown(Duration.ofSeconds(1))
            .maxOpenCooldown(Duration.ofSeconds(10))
            .build();
    assertThat(OpenInfo.cooldownNanos(c, 0)).isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(OpenInfo.cooldownNanos(c, 1)).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(OpenInfo.cooldownNanos(c, 3)).isEqualTo(Duration.ofSeconds(8).toNanos());
    assertThat(OpenInfo.cooldownNanos(c, 4)).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(OpenInfo.cooldownNanos(c, OpenInfo.MAX_REOPEN_EXPONENT))
        .isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(OpenInfo.cooldownNanos(c, -1)).as("never below the base").isEqualTo(1_000_000_000L);
  }
}
