package io.tailguard.core.http;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt's response inside a hedged call. The hedger closes the results no caller will see
 * (losers, late answers); closing discards the response through {@link HttpResponses#discard}
 * unless the guard took it for the caller first.
 *
 * <p>Thread-safe: {@code done} is claimed by CAS, so a response is either taken or discarded, once.
 */
final class Holder<R> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Holder.class);

  private final R response;
  private final HttpResponses<R> responses;
  private final AtomicBoolean done = new AtomicBoolean();

  Holder(R response, HttpResponses<R> responses) {
    this.response = response;
    this.responses = responses;
  }

  /** Takes the response for the caller; null if it was discarded already. */
  R take() {
    return done.compareAndSet(false, true) ? response : null;
  }

  @Override
  public void close() {
    if (done.compareAndSet(false, true)) {
      discard(responses, response);
    }
  }

  /** Discards a response nobody will see; a failure is logged at debug, never thrown. */
  static <R> void discard(HttpResponses<R> responses, R response) {
    if (response == null) {
      return;
    }
    try {
      responses.discard(response);
    } catch (RuntimeException e) {
      log.debug("Discarding an HTTP response failed", e);
    }
  }
}
