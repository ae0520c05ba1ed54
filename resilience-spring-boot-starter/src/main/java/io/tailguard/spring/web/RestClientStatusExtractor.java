package io.tailguard.spring.web;

import io.tailguard.core.http.RetryAfter;
import io.tailguard.core.retry.HttpStatusExtractor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClientResponseException;

/**
 * Reads the status and {@code Retry-After} of the exceptions of Spring's blocking HTTP clients,
 * {@code RestClient} and {@code RestTemplate} ({@link RestClientResponseException} and its
 * subclasses), so that {@code @Retried} retries only retryable statuses and waits as long as the
 * server asked.
 *
 * <p>These exceptions do not carry the request's method, nor does the {@code
 * ResourceAccessException} of an I/O error, so a failed POST through {@code RestClient} is judged
 * without its method: it is retried like a GET unless the policy says otherwise (a policy of its
 * own with {@code max-attempts: 1}, or {@code non-retryable-exceptions}), or the application throws
 * an exception implementing {@link io.tailguard.core.retry.HttpStatusCarrier} whose {@code
 * httpMethod()} says it.
 *
 * <p>Stateless and thread-safe.
 */
public final class RestClientStatusExtractor implements HttpStatusExtractor {

  @Override
  public OptionalInt status(Throwable failure) {
    return failure instanceof RestClientResponseException e
        ? OptionalInt.of(e.getStatusCode().value())
        : OptionalInt.empty();
  }

  @Override
  public Optional<Duration> retryAfter(Throwable failure) {
    if (failure instanceof RestClientResponseException e) {
      HttpHeaders headers = e.getResponseHeaders();
      if (headers != null) {
        return RetryAfter.parse(headers.getFirst(HttpHeaders.RETRY_AFTER), Instant.now());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "RestClientStatusExtractor";
  }
}
