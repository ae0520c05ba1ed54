package io.tailguard.core.retry;

import io.tailguard.core.internal.Failures;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Retrier} learns from a failed attempt: the HTTP status and request method it
 * carries and the {@code Retry-After} it asks for, found by asking each {@link HttpStatusExtractor}
 * about the failure and then about each of its causes; and from them, whether the policy retries
 * it.
 *
 * <p>An extractor that throws counts as having no answer: the fault is counted and logged (a
 * warning the first time, then at debug), never surfaced to the caller.
 *
 * <p>Thread-safe: the extractors are an immutable list and the fault counter a {@link LongAdder};
 * extractors themselves must be thread-safe, as {@link HttpStatusExtractor} requires.
 */
final class FailureClassifier {

  // Logged under the retrier's name: that is the logger users configure.
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final String retrier;
  // Asked in order; the first present answer wins.
  private final List<HttpStatusExtractor> extractors;
  private final LongAdder faults = new LongAdder();

  /**
   * Creates a classifier that asks {@link HttpStatusExtractor#carrier()} first, then {@code
   * extractors} in order.
   *
   * @param retrier the retrier's name, for logs
   * @param extractors the builder's extractors
   */
  FailureClassifier(String retrier, List<HttpStatusExtractor> extractors) {
    this.retrier = retrier;
    HttpStatusExtractor[] all = new HttpStatusExtractor[extractors.size() + 1];
    all[0] = HttpStatusExtractor.carrier();
    for (int i = 0; i < extractors.size(); i++) {
      all[i + 1] = extractors.get(i);
    }
    this.extractors = List.of(all);
  }

  /** Whether {@code policy} retries {@code failure}, given its status and method. */
  boolean isRetryable(RetryPolicy policy, Throwable failure) {
    return policy.isRetryable(failure, statusOf(failure), methodOf(failure));
  }

  /** The first status an extractor finds on the failure or, failing that, on its causes. */
  OptionalInt statusOf(Throwable failure) {
    OptionalInt s = firstAnswer(failure, (e, t) -> e.status(t), OptionalInt::isPresent);
    return s == null ? OptionalInt.empty() : s;
  }

  /** The method of the request that failed, as the first extractor to know it says. */
  Optional<String> methodOf(Throwable failure) {
    Optional<String> m = firstAnswer(failure, (e, t) -> e.method(t), Optional::isPresent);
    return m == null ? Optional.empty() : m;
  }

  /**
   * The Retry-After the failure carries, capped at {@code maxNanos} (a negative one is 0); -1 if
   * none. {@code null} has none.
   */
  long retryAfterNanos(Throwable failure, long maxNanos) {
    Optional<Duration> d = firstAnswer(failure, (e, t) -> e.retryAfter(t), Optional::isPresent);
    return d == null ? -1 : capped(d.get(), maxNanos);
  }

  /** How many times an extractor has thrown. */
  long faults() {
    return faults.sum();
  }

  /**
   * Asks each extractor about the failure, then about each of its causes (at most {@link
   * Failures#MAX_CAUSE_DEPTH} deep, stopping at a cause that is its own cause), and returns the
   * first present answer, or null.
   */
  private <R> R firstAnswer(
      Throwable failure,
      BiFunction<HttpStatusExtractor, Throwable, R> question,
      Predicate<R> present) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < Failures.MAX_CAUSE_DEPTH; depth++) {
      for (int i = 0; i < extractors.size(); i++) {
        try {
          R answer = question.apply(extractors.get(i), t);
          if (answer != null && present.test(answer)) {
            return answer;
          }
        } catch (RuntimeException e) {
          onFault(e);
        }
      }
      Throwable cause = t.getCause();
      t = cause == t ? null : cause;
    }
    return null;
  }

  private static long capped(Duration d, long maxNanos) {
    if (d.isNegative()) {
      return 0;
    }
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException tooLong) {
      return maxNanos;
    }
    return Math.min(nanos, maxNanos);
  }

  private void onFault(RuntimeException e) {
    faults.increment();
    if (faults.sum() == 1) {
      log.warn("Retrier '{}': an HTTP status extractor failed; ignoring its answer", retrier, e);
    } else {
      log.debug("Retrier '{}': an HTTP status extractor failed again", retrier, e);
    }
  }
}
