package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.breaker.CircuitRejectedException;
import io.tailguard.core.hedge.HedgeTimeoutException;
import io.tailguard.core.ratelimit.RateLimitDecision;
import io.tailguard.core.ratelimit.RateLimitExceededException;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the default policy declines to retry: Tailguard's own refusals, which say "not now", and
 * requests whose HTTP method is not idempotent.
 */
class RetrySafeDefaultsTest {

  final FakeClock clock = new FakeClock();

  static final CircuitRejectedException CIRCUIT_OPEN =
      new CircuitRejectedException("quotes", CircuitRejectedException.Reason.OPEN, Duration.ZERO);
  static final RateLimitExceededException RATE_LIMITED =
      new RateLimitExceededException(
          "search",
          new RateLimitDecision(
              RateLimitDecision.Reason.RATE_EXCEEDED,
              10,
              0,
              Duration.ofSeconds(1),
              Duration.ofSeconds(1)));
  static final HedgeTimeoutException HEDGE_TIMEOUT =
      new HedgeTimeoutException("quotes", Duration.ofSeconds(5), 3);

  static final List<RuntimeException> REFUSALS = List.of(CIRCUIT_OPEN, RATE_LIMITED, HEDGE_TIMEOUT);

  Retrier retrier(RetryPolicy policy) {
    return Retrier.builder("safe").policy(policy).clock(clock).scheduler(clock).build();
  }

  static RetryPolicy.Builder quick() {
    return RetryPolicy.builder().baseDelay(Duration.ZERO).maxDelay(Duration.ZERO).noBudget();
  }

  /** Fails with {@code failure} every time and counts the attempts. */
  static int attemptsUntilGivingUp(Retrier r, RuntimeException failure) {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                r.call(
                    () -> {
                      attempts.incrementAndGet();
                      throw failure;
                    }))
        .isSameAs(failure);
    return attempts.get();
  }

  @Test
  void theDefaultPolicyDoesNotRetryTailguardsOwnRefusals() {
    RetryPolicy p = RetryPolicy.defaults();
    for (RuntimeException refusal : REFUSALS) {
      assertThat(p.isRetryable(refusal, OptionalInt.empty())).as(refusal.toString()).isFalse();
      // nor when a future wrapped it
      assertThat(p.isRetryable(new CompletionException(refusal), OptionalInt.empty()))
          .as("wrapped " + refusal)
          .isFalse();
    }
    Retrier r = retrier(quick().build());
    for (RuntimeException refusal : REFUSALS) {
      assertThat(attemptsUntilGivingUp(r, refusal)).as(refusal.toString()).isEqualTo(1);
    }
    assertThat(r.metrics().notRetryable()).isEqualTo(3);
    // everything else is retried as before
    assertThat(p.isRetryable(new IOException("down"), OptionalInt.empty())).isTrue();
    assertThat(p.isRetryable(new IllegalStateException("flaky"), OptionalInt.empty())).isTrue();
  }

  @Test
  void aRefusalListedByItsOwnTypeInRetryableExceptionsIsRetried() {
    RetryPolicy p =
        quick()
            .retryableExceptions(List.of(IOException.class, CircuitRejectedException.class))
            .build();
    assertThat(p.isRetryable(CIRCUIT_OPEN, OptionalInt.empty())).isTrue();
    assertThat(p.isRetryable(new CompletionException(CIRCUIT_OPEN), OptionalInt.empty())).isTrue();
    assertThat(attemptsUntilGivingUp(retrier(p), CIRCUIT_OPEN)).isEqualTo(3);
    // the other refusals are still not: only the type listed opts in
    assertThat(p.isRetryable(RATE_LIMITED, OptionalInt.empty())).isFalse();
    assertThat(p.isRetryable(HEDGE_TIMEOUT, OptionalInt.empty())).isFalse();
  }

  @Test
  void aBroadSupertypeInRetryableExceptionsDoesNotOptRefusalsIn() {
    RetryPolicy p =
        quick().retryableExceptions(List.of(RuntimeException.class, Exception.class)).build();
    for (RuntimeException refusal : REFUSALS) {
      assertThat(p.isRetryable(refusal, OptionalInt.empty())).as(refusal.toString()).isFalse();
    }
    assertThat(p.isRetryable(new IllegalStateException("flaky"), OptionalInt.empty())).isTrue();
  }

  @Test
  void nonRetryableStillWinsOverARefusalListedAsRetryable() {
    assertThatThrownBy(
            () ->
                quick()
                    .retryableExceptions(List.of(HedgeTimeoutException.class))
                    .nonRetryableExceptions(List.of(HedgeTimeoutException.class))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both retryable and non-retryable");
    RetryPolicy p =
        quick()
            .retryableExceptions(List.of(HedgeTimeoutException.class))
            .nonRetryableExceptions(List.of(RuntimeException.class))
            .build();
    assertThat(p.isRetryable(HEDGE_TIMEOUT, OptionalInt.empty())).isFalse();
  }
}
