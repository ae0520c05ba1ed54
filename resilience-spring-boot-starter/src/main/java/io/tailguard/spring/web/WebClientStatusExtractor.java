package io.tailguard.spring.web;

import io.tailguard.core.retry.HttpStatusExtractor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Reads the status and {@code Retry-After} of the exceptions of Spring's reactive HTTP client,
 * {@code WebClient} ({@link WebClientResponseException} and its subclasses).
 *
 * <p>Stateless and thread-safe.
 */
public final class WebClientStatusExtractor implements HttpStatusExtractor {

  @Override
  public OptionalInt status(Throwable failure) {
    return failure instanceof WebClientResponseException e
        ? OptionalInt.of(e.getStatusCode().value())
        : OptionalInt.empty();
  }

  @Override
  public Optional<Duration> retryAfter(Throwable failure) {
    if (failure instanceof WebClientResponseException e) {
      return RetryAfterHeader.parse(
          e.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), Instant.now());
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "WebClientStatusExtractor";
  }
}
