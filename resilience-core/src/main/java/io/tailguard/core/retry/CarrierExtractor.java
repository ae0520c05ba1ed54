package io.tailguard.core.retry;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads {@link HttpStatusCarrier}. Stateless. */
enum CarrierExtractor implements HttpStatusExtractor {
  INSTANCE;

  @Override
  public OptionalInt status(Throwable failure) {
    return failure instanceof HttpStatusCarrier c
        ? OptionalInt.of(c.httpStatus())
        : OptionalInt.empty();
  }

  @Override
  public Optional<Duration> retryAfter(Throwable failure) {
    return failure instanceof HttpStatusCarrier c ? c.retryAfter() : Optional.empty();
  }

  @Override
  public Optional<String> method(Throwable failure) {
    return failure instanceof HttpStatusCarrier c ? c.httpMethod() : Optional.empty();
  }
}
