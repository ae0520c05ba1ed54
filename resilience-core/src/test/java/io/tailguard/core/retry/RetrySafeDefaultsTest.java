package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.hedge.HedgeTimeoutException;
import io.tailguard.core.ratelimiter.RateLimitDecision;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

  // ---------------------------------------------------------------------------------------------
  // HTTP methods

  /** A client failure that knows its status and the method of the request that failed. */
  static final class HttpFailure extends RuntimeException implements HttpStatusCarrier {
    private static final long serialVersionUID = 1L;
    final int status;
    final String method;

    HttpFailure(int status, String method) {
      super(method + " answered " + status);
      this.status = status;
      this.method = method;
    }

    @Override
    public int httpStatus() {
      return status;
    }

    @Override
    public Optional<String> httpMethod() {
      return Optional.ofNullable(method);
    }
  }

  static final OptionalInt S503 = OptionalInt.of(503);

  @Test
  void theDefaultPolicyRetriesOnlyIdempotentMethodsWhenTheMethodIsKnown() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.retryableMethods())
        .containsExactly("DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE");
    IOException e = new IOException("reset");
    for (String m : List.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "get")) {
      assertThat(p.isRetryable(e, S503, Optional.of(m))).as(m).isTrue();
    }
    for (String m : List.of("POST", "PATCH", "CONNECT", "post", "PURGE")) {
      assertThat(p.isRetryable(e, S503, Optional.of(m))).as(m).isFalse();
      // a connection reset on a POST is no safer than a 503: the request may have been processed
      assertThat(p.isRetryable(e, OptionalInt.empty(), Optional.of(m))).as(m).isFalse();
    }
    // an unknown method is judged as before
    assertThat(p.isRetryable(e, S503, Optional.empty())).isTrue();
    assertThat(p.isRetryable(e, S503)).isTrue();
  }

  @Test
  void aRetrierReadsTheMethodFromCarriersAndExtractorsOnTheFailureOrItsCauses() throws Exception {
    Retrier r = retrier(quick().build());
    assertThat(attemptsUntilGivingUp(r, new HttpFailure(503, "POST"))).isEqualTo(1);
    assertThat(attemptsUntilGivingUp(r, new HttpFailure(503, "PATCH"))).isEqualTo(1);
    assertThat(attemptsUntilGivingUp(r, new HttpFailure(503, "GET"))).isEqualTo(3);
    assertThat(attemptsUntilGivingUp(r, new HttpFailure(503, null))).isEqualTo(3);
    assertThat(
            attemptsUntilGivingUp(
                r, new IllegalStateException("wrapped", new HttpFailure(503, "POST"))))
        .isEqualTo(1);

    // a foreign exception, read by an extractor: the status on the outer one, the method on a cause
    final class RequestFailed extends RuntimeException {
      private static final long serialVersionUID = 1L;
      final String method;

      RequestFailed(String method, Throwable cause) {
        super(method, cause);
        this.method = method;
      }
    }
    HttpStatusExtractor extractor =
        new HttpStatusExtractor() {
          @Override
          public OptionalInt status(Throwable failure) {
            return failure instanceof UncheckedIOException ? S503 : OptionalInt.empty();
          }

          @Override
          public Optional<String> method(Throwable failure) {
            return failure instanceof RequestFailed f ? Optional.of(f.method) : Optional.empty();
          }
        };
    Retrier x =
        Retrier.builder("x")
            .policy(quick().build())
            .clock(clock)
            .scheduler(clock)
            .statusExtractor(extractor)
            .build();
    UncheckedIOException post =
        new UncheckedIOException(new IOException("io", new RequestFailed("POST", null)));
    assertThat(attemptsUntilGivingUp(x, post)).isEqualTo(1);
    UncheckedIOException get =
        new UncheckedIOException(new IOException("io", new RequestFailed("GET", null)));
    assertThat(attemptsUntilGivingUp(x, get)).isEqualTo(3);
    assertThat(
            HttpStatusExtractor.composite(List.of(HttpStatusExtractor.carrier(), extractor))
                .method(new RequestFailed("PUT", null)))
        .hasValue("PUT");
  }

  @Test
  void retryableMethodsLetsAPolicyRetryWritesItKnowsAreIdempotent() {
    RetryPolicy p = quick().retryableMethods(List.of("get", " post ", "GET")).build();
    assertThat(p.retryableMethods()).containsExactly("GET", "POST");
    assertThat(p.isRetryable(new IOException(), S503, Optional.of("POST"))).isTrue();
    assertThat(p.isRetryable(new IOException(), S503, Optional.of("PUT"))).isFalse();
    assertThat(attemptsUntilGivingUp(retrier(p), new HttpFailure(503, "POST"))).isEqualTo(3);
    // empty: no request whose method is known is retried
    RetryPolicy none = quick().retryableMethods(List.of()).build();
    assertThat(none.isRetryable(new IOException(), S503, Optional.of("GET"))).isFalse();
    assertThat(none.isRetryable(new IOException(), S503, Optional.empty())).isTrue();
    assertThat(p.toMap()).containsEntry("retryableMethods", List.of("GET", "POST"));
    assertThat(p).isNotEqualTo(quick().build());
    assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
  }
}
