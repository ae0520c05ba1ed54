package io.tailguard.core.http;

import io.tailguard.core.retry.HttpStatusCarrier;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Carries a response whose status the retry policy finds worth another attempt through the {@link
 * io.tailguard.core.retry.Retrier}, which reads its status and {@code Retry-After} as an {@link
 * HttpStatusCarrier}. An {@link IOException}, so a policy that lists {@code java.io.IOException} as
 * retryable retries it. When the retrier gives up, the guard returns the response it carries; it
 * never reaches the caller.
 *
 * <p>Immutable apart from the stack trace it does not fill; thread-safe.
 */
final class RetryableResponseException extends IOException implements HttpStatusCarrier {

  private static final long serialVersionUID = 1L;

  // The response, for the guard alone; transient: never serialised.
  private final transient Object response;
  private final int status;
  private final transient Duration retryAfter;

  RetryableResponseException(Object response, int status, Duration retryAfter) {
    super("retryable HTTP status " + status);
    this.response = response;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  Object response() {
    return response;
  }

  @Override
  public int httpStatus() {
    return status;
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  // Thrown once per retried response on the request path: a stack trace would cost without telling
  // anything (the guard makes it, the guard consumes it).
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
