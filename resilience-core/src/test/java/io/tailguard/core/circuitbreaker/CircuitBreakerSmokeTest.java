package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerSmokeTest {

  final FakeClock clock = new FakeClock();

  @Test
  void opensAfterFailureRateAndRecovers() {
    CircuitBreaker b =
        CircuitBreaker.builder("x")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(4)
                    .failureRateThreshold(0.5)
                    .openCooldown(Duration.ofSeconds(1))
                    .halfOpenRequiredSuccesses(2)
                    .halfOpenMaxConcurrent(2)
                    .build())
            .build();
    for (int i = 0; i < 2; i++) {
      b.acquire().success();
    }
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(b::acquire)
        .isInstanceOf(CircuitRejectedException.class)
        .extracting(e -> ((CircuitRejectedException) e).retryAfter())
        .isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    CallGuard g1 = b.acquire();
    assertThat(b.state()).isEqualTo(CircuitState.HALF_OPEN);
    CallGuard g2 = b.acquire();
    assertThatThrownBy(b::acquire)
        .isInstanceOf(CircuitRejectedException.class)
        .extracting(e -> ((CircuitRejectedException) e).reason())
        .isEqualTo(CircuitRejectedException.Reason.HALF_OPEN_EXHAUSTED);
    g1.success();
    g2.success();
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(b.metrics().windowCalls()).isZero();
  }
}
