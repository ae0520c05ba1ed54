package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Status, method and Retry-After read off failures, and the retry decision made from them. */
class FailureClassifierTest {

  static final long MAX = Duration.ofSeconds(5).toNanos();

  /** A failure that carries its HTTP answer itself. */
  static final class HttpFailure extends IOException implements HttpStatusCarrier {
    final int status;
    final Duration retryAfter;
    final String method;

    HttpFailure(int status, Duration retryAfter, String method) {
      super("HTTP " + status);
      this.status = status;
      this.retryAfter = retryAfter;
      this.method = method;
    }

    @Override
    public int httpStatus() {
      return status;
    }

    @Override
    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }

    @Override
    public Optional<String> httpMethod() {
      return Optional.ofNullable(method);
    }
  }

  /** An extractor that knows one exception type's status. */
  static HttpStatusExtractor statusOfMessage() {
    return t ->
        t instanceof IllegalStateException && t.getMessage() != null
            ? OptionalInt.of(Integer.parseInt(t.getMessage()))
            : OptionalInt.empty();
  }

  static HttpStatusExtractor broken() {
    return t -> {
      throw new UnsupportedOperationException("broken extractor");
    };
  }

  @Test
  void readsWhatACarrierSaysOnTheFailureOrOneOfItsCauses() {
    FailureClassifier c = new FailureClassifier("r", List.of());
    HttpFailure direct = new HttpFailure(503, Duration.ofSeconds(2), "GET");
    assertThat(c.statusOf(direct)).hasValue(503);
    assertThat(c.methodOf(direct)).hasValue("GET");
    assertThat(c.retryAfterNanos(direct, MAX)).isEqualTo(Duration.ofSeconds(2).toNanos());

    RuntimeException wrapped = new RuntimeException(new RuntimeException(direct));
    assertThat(c.statusOf(wrapped)).hasValue(503);
    assertThat(c.methodOf(wrapped)).hasValue("GET");
  }

  @Test
  void nothingToReadGivesEmptyAnswersAndMinusOne() {
    FailureClassifier c = new FailureClassifier("r", List.of());
    IOException plain = new IOException("reset");
    assertThat(c.statusOf(plain)).isEmpty();
    assertThat(c.methodOf(plain)).isEmpty();
    assertThat(c.retryAfterNanos(plain, MAX)).isEqualTo(-1);
    assertThat(c.retryAfterNanos(null, MAX)).as("an unacceptable result").isEqualTo(-1);
    assertThat(c.methodOf(new HttpFailure(500, null, null))).isEmpty();
  }

  @Test
  void theCarrierIsAskedFirstThenTheBuildersExtractorsInOrder() {
    HttpStatusExtractor always418 = t -> OptionalInt.of(418);
    FailureClassifier c = new FailureClassifier("r", List.of(statusOfMessage(), always418));
    assertThat(c.statusOf(new HttpFailure(502, null, null))).hasValue(502);
    assertThat(c.statusOf(new IllegalStateException("429"))).hasValue(429);
    assertThat(c.statusOf(new IOException("no status"))).hasValue(418);
  }

  @Test
  void theFailureItselfIsAskedBeforeItsCauses() {
    FailureClassifier c = new FailureClassifier("r", List.of(statusOfMessage()));
    IllegalStateException outer =
        new IllegalStateException("500", new HttpFailure(429, null, null));
    assertThat(c.statusOf(outer)).as("the outer failure answers for itself").hasValue(500);
  }

  @Test
  void aThrowingExtractorIsSkippedAndCounted() {
    FailureClassifier c = new FailureClassifier("r", List.of(broken(), statusOfMessage()));
    assertThat(c.statusOf(new IllegalStateException("503"))).hasValue(503);
    assertThat(c.faults()).isEqualTo(1);
    assertThat(c.statusOf(new IOException("x", new IOException("y")))).isEmpty();
    assertThat(c.faults()).as("asked about the failure and its cause").isEqualTo(3);
  }

  @Test
  void retryAfterIsCappedAndNeverNegative() {
    FailureClassifier c = new FailureClassifier("r", List.of());
    assertThat(c.retryAfterNanos(new HttpFailure(429, Duration.ofMinutes(10), null), MAX))
        .isEqualTo(MAX);
    assertThat(c.retryAfterNanos(new HttpFailure(429, Duration.ofSeconds(-3), null), MAX)).isZero();
    assertThat(
            c.retryAfterNanos(new HttpFailure(429, Duration.ofSeconds(Long.MAX_VALUE), null), MAX))
        .as("too long for nanoseconds")
        .isEqualTo(MAX);
  }

  @Test
  void aCauseLoopOrADeepChainEndsTheSearch() {
    FailureClassifier c = new FailureClassifier("r", List.of());
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(c.statusOf(a)).isEmpty();

    Throwable deep = new HttpFailure(503, null, null);
    for (int i = 0; i < 100; i++) {
      deep = new RuntimeException(deep);
    }
    assertThat(c.statusOf(deep)).as("beyond the cause depth limit").isEmpty();
  }

  @Test
  void theRetryDecisionUsesTheStatusAndMethodFound() {
    FailureClassifier c = new FailureClassifier("r", List.of());
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(c.isRetryable(p, new HttpFailure(503, null, null))).isTrue();
    assertThat(c.isRetryable(p, new HttpFailure(400, null, null))).isFalse();
    assertThat(c.isRetryable(p, new RuntimeException(new HttpFailure(404, null, null)))).isFalse();
    assertThat(c.isRetryable(p, new HttpFailure(503, null, "POST")))
        .as("not an idempotent method")
        .isFalse();
    assertThat(c.isRetryable(p, new HttpFailure(503, null, "GET"))).isTrue();
    assertThat(c.isRetryable(p, new IOException("reset"))).isTrue();
  }
}
