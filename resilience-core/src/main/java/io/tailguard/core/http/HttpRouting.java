package io.tailguard.core.http;

/**
 * How a call's attempts are spread over a client's {@linkplain HttpClientConfig#endpoints()
 * endpoints}: attempt {@code i} (the primary, then each hedge) goes to the {@code i}-th endpoint of
 * the call's order, skipping endpoints whose per-host breaker is open.
 *
 * <p>Constants are immutable and thread-safe.
 */
public enum HttpRouting {
  /** The endpoints in their configured order: the first is the primary, the next get the hedges. */
  ORDERED,
  /**
   * A weighted draw without replacement per call: an endpoint of weight {@code w} comes first with
   * probability {@code w / sum(weights)}, and so on for the rest.
   */
  WEIGHTED
}
