package io.tailguard.spring.web;

import io.tailguard.core.http.RetryAfter;
import io.tailguard.core.retry.HttpStatusExtractor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Reads the status and {@code Retry-After} of the exceptions of Spring's reactive HTTP client,
 * {@code WebClient} ({@link WebClientResponseException} and its subclasses), and the method of the
 * request that failed, from a response exception (when it was created with its request, as
 * WebClient does) and from a {@link WebClientRequestException} (the request could not be sent or no
 * response came), so that a failed POST, PATCH or CONNECT is not sent again by default.
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
      return RetryAfter.parse(e.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), Instant.now());
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> method(Throwable failure) {
    HttpMethod method = null;
    if (failure instanceof WebClientResponseException e) {
      HttpRequest request = e.getRequest();
      method = request == null ? null : request.getMethod();
    } else if (failure instanceof WebClientRequestException e) {
      method = e.getMethod();
    }
    return method == null ? Optional.empty() : Optional.of(method.name());
  }

  @Override
  public String toString() {
    return "WebClientStatusExtractor";
  }
}
