package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.lang.reflect.Field;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The breaker's 31-bit generation: serial-number ordering across the wrap, and a breaker that
 * crosses the wrap. The late-write race on the open record is covered by the jcstress test {@code
 * ResetVsTripTest}.
 */
class CircuitBreakerGenerationTest {

  private static final long LAST = (1L << 31) - 1;

  @Test
  void laterFollowsSerialNumberArithmetic() {
    assertThat(StateWord.isLater(1, 0)).isTrue();
    assertThat(StateWord.isLater(0, 1)).isFalse();
    assertThat(StateWord.isLater(5, 5)).isFalse();
    assertThat(StateWord.isLater(0, LAST)).as("across the wrap").isTrue();
    assertThat(StateWord.isLater(LAST, 0)).isFalse();
    assertThat(StateWord.isLater(3, LAST - 2)).isTrue();
    assertThat(StateWord.isLater((1L << 30) - 1, 0)).as("just under half the space").isTrue();
    assertThat(StateWord.isLater(0, (1L << 30) - 1)).isFalse();
    assertThat(StateWord.isLater(1L << 30, 0)).as("exactly half: not ordered").isFalse();
    assertThat(StateWord.isLater(0, 1L << 30)).isFalse();
  }

  @Test
  void aBreakerWhoseGenerationWrapsStillLeavesOpenAndResetForgetsTheOldOpen() throws Exception {
    FakeClock clock = new FakeClock();
    CircuitBreaker breaker =
        CircuitBreaker.builder("wrap")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .consecutiveFailuresThreshold(1)
                    .openCooldown(Duration.ofSeconds(1))
                    .halfOpenRequiredSuccesses(1)
                    .halfOpenAllowedFailures(0)
                    .build())
            .build();
    // 2^31 - 2 transitions would take a while; start just before the wrap instead.
    setGeneration(breaker, LAST - 1);

    breaker.acquire().failure(); // CLOSED -> OPEN, generation LAST
    clock.advance(Duration.ofSeconds(1));
    breaker.acquire().failure(); // OPEN -> HALF_OPEN (0) -> OPEN (1), re-opened once: 2s
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.remainingCooldown()).isEqualTo(Duration.ofSeconds(2));

    clock.advance(Duration.ofSeconds(2));
    CallGuard trial = breaker.acquire();
    assertThat(trial.isTrial()).isTrue();
    trial.success();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);

    breaker.reset(); // forgets the re-open history of the open from before the wrap
    assertThat(breaker.describe()).containsEntry("reopens", 0);
  }

  private static void setGeneration(CircuitBreaker breaker, long generation) throws Exception {
    Field state = CircuitBreaker.class.getDeclaredField("state");
    state.setAccessible(true);
    state.setLong(breaker, generation << 33 | CircuitState.CLOSED.ordinal());
  }
}
