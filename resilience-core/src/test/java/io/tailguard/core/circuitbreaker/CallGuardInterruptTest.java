package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A failure reported while the thread is interrupted means the caller gave up: not counted. */
class CallGuardInterruptTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void anyFailureReportedOnAnInterruptedThreadReleasesThePermit() {
    CircuitBreaker b = CircuitBreaker.builder("i").clock(new FakeClock()).build();
    CallGuard g = b.acquire();
    Thread.currentThread().interrupt();
    g.failure(new IllegalStateException("wrapped an InterruptedException"));
    assertThat(Thread.currentThread().isInterrupted()).isTrue(); // the flag is left alone
    CircuitMetrics m = b.metrics();
    assertThat(m.failedCalls()).isZero();
    assertThat(m.windowCalls()).isZero();
  }

  @Test
  void aFailureOnAThreadThatIsNotInterruptedCounts() {
    CircuitBreaker b = CircuitBreaker.builder("i").clock(new FakeClock()).build();
    b.acquire().failure(new IllegalStateException("real failure"));
    assertThat(b.metrics().failedCalls()).isEqualTo(1);
  }
}
