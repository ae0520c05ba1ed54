package io.tailguard.core.http;

import io.tailguard.core.hedge.AttemptContext;
import java.net.URI;

/**
 * What one attempt of a request knows: where to send it ({@link #target()}), its place in the call
 * (the {@linkplain #number() hedge number} within the {@linkplain #retry() try}) and whether it was
 * cancelled because another attempt won or the call ended.
 *
 * <p>Thread-safe: {@link #isCancelled()} may turn true at any time, the rest never changes.
 */
public final class HttpAttempt {

  private final int number;
  private final int retry;
  private final URI target;
  private final String host;
  // Null when the attempt is not hedged: nobody cancels it but the caller's own interrupt.
  private final AttemptContext context;

  HttpAttempt(int number, int retry, URI target, String host, AttemptContext context) {
    this.number = number;
    this.retry = retry;
    this.target = target;
    this.host = host;
    this.context = context;
  }

  /**
   * The attempt's number within its try: 0 for the primary, then 1, 2, ... for the hedges.
   *
   * @return the number
   */
  public int number() {
    return number;
  }

  /**
   * Whether the attempt is a hedge (not the primary of its try).
   *
   * @return {@code true} for a hedge
   */
  public boolean isHedge() {
    return number > 0;
  }

  /**
   * The try the attempt belongs to: 0 for the first, then one more per retry.
   *
   * @return the retry number
   */
  public int retry() {
    return retry;
  }

  /**
   * The URI to send the request to: the request's own, or rewritten onto the chosen endpoint.
   *
   * @return the target
   */
  public URI target() {
    return target;
  }

  /**
   * The target's host tag: {@code host:port}, or {@code other} beyond the client's {@code
   * max-hosts}.
   *
   * @return the tag
   */
  public String host() {
    return host;
  }

  /**
   * Whether the attempt was cancelled (another attempt won, the call failed, timed out or was
   * cancelled): its answer will be discarded, so it may stop.
   *
   * @return {@code true} once cancelled
   */
  public boolean isCancelled() {
    return context != null && context.isCancelled();
  }

  /**
   * The key shared by every attempt of the call, for an {@code Idempotency-Key} header; empty when
   * the call is not hedged.
   *
   * @return the key, or empty
   */
  public java.util.Optional<String> idempotencyKey() {
    return context == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(context.idempotencyKey());
  }

  @Override
  public String toString() {
    return "HttpAttempt[" + target + ", try " + retry + ", attempt " + number + "]";
  }
}
