package io.tailguard.core.retry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the HTTP status, the {@code Retry-After} delay and the request's method from an exception
 * thrown by an HTTP client, so that a {@link Retrier} can retry only {@linkplain
 * RetryPolicy#retryableStatuses() retryable statuses} of {@linkplain RetryPolicy#retryableMethods()
 * retryable methods} and wait as long as the server asked. The Spring Boot starter adds one for
 * Spring's HTTP client exceptions; exceptions of your own can implement {@link HttpStatusCarrier}
 * instead, which every retrier reads without an extractor.
 *
 * <p>The retrier asks about the failure and then each of its causes, and takes the first answer. An
 * extractor that throws is treated as having no answer.
 *
 * <p>Implementations must be thread-safe, quick, and must not block.
 */
public interface HttpStatusExtractor {

  /**
   * Returns the HTTP status this exception stands for, if it stands for one.
   *
   * @param failure an exception (never {@code null})
   * @return the status code, or empty
   */
  OptionalInt status(Throwable failure);

  /**
   * Returns the delay the server asked for in a {@code Retry-After} header, if this exception
   * carries one. Default: none.
   *
   * @param failure an exception (never {@code null})
   * @return the delay, or empty
   */
  default Optional<Duration> retryAfter(Throwable failure) {
    return Optional.empty();
  }

  /**
   * Returns the method of the HTTP request this exception stands for (for example {@code POST}), if
   * it knows it. Default: unknown, and the failure is then judged without its method.
   *
   * @param failure an exception (never {@code null})
   * @return the method, or empty
   */
  default Optional<String> method(Throwable failure) {
    return Optional.empty();
  }

  /**
   * Returns the extractor that reads exceptions implementing {@link HttpStatusCarrier}, which every
   * retrier consults first.
   *
   * @return the extractor
   */
  static HttpStatusExtractor carrier() {
    return CarrierExtractor.INSTANCE;
  }

  /**
   * Returns an extractor that asks each of {@code extractors} in order and takes the first answer.
   * An exception thrown by one of them propagates.
   *
   * @param extractors the extractors
   * @return the composite
   * @throws IllegalArgumentException if the list or an element is {@code null}
   */
  static HttpStatusExtractor composite(List<? extends HttpStatusExtractor> extractors) {
    if (extractors == null) {
      throw new IllegalArgumentException("extractors must not be null");
    }
    for (int i = 0; i < extractors.size(); i++) {
      if (extractors.get(i) == null) {
        throw new IllegalArgumentException("extractors must not contain null, was null at " + i);
      }
    }
    List<HttpStatusExtractor> copy = List.copyOf(extractors);
    return new HttpStatusExtractor() {
      @Override
      public OptionalInt status(Throwable failure) {
        for (HttpStatusExtractor e : copy) {
          OptionalInt s = e.status(failure);
          if (s != null && s.isPresent()) {
            return s;
          }
        }
        return OptionalInt.empty();
      }

      @Override
      public Optional<Duration> retryAfter(Throwable failure) {
        for (HttpStatusExtractor e : copy) {
          Optional<Duration> d = e.retryAfter(failure);
          if (d != null && d.isPresent()) {
            return d;
          }
        }
        return Optional.empty();
      }

      @Override
      public Optional<String> method(Throwable failure) {
        for (HttpStatusExtractor e : copy) {
          Optional<String> m = e.method(failure);
          if (m != null && m.isPresent()) {
            return m;
          }
        }
        return Optional.empty();
      }

      @Override
      public String toString() {
        return "HttpStatusExtractor.composite" + copy;
      }
    };
  }
}
