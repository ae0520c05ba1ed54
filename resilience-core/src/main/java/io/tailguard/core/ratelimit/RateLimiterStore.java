package io.tailguard.core.ratelimit;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link io.tailguard.core.ratelimit.RateLimiter} keeps the state of its keys: in memory by
 * default ({@link InMemoryRateLimiterStore}), or in a shared server so that several instances of a
 * service share one limit. A store serves one limiter; the limiter passes the configuration in
 * force with every request, and tells the store of a reconfiguration ({@link #reconfigured}).
 *
 * <p>Keys reach the store already checked (not null, at most {@link RateLimitConfig#MAX_KEY_LENGTH}
 * characters), and {@code permits} is in {@code [1, capacity]}.
 *
 * <p>Implementations must be thread-safe and must not block for long: a store that talks to a
 * server bounds its calls with a timeout, and answers {@link #acquireAsync} without blocking.
 */
public interface RateLimiterStore extends AutoCloseable {

  /** What {@link #acquire} returns when a new key is refused because the store is full. */
  long KEY_LIMIT = Long.MIN_VALUE;

  /**
   * Takes {@code permits} for {@code key} if they are available now or within {@code maxWaitNanos}
   * (a reservation: the caller then waits the returned time before it proceeds). This is the hot
   * path and allocates nothing in the in-memory store.
   *
   * @param key the key
   * @param permits the permits wanted
   * @param maxWaitNanos the longest wait the caller accepts, 0 for none
   * @param config the configuration in force
   * @return {@code >= 0}: permitted, after waiting that many nanoseconds; {@link #KEY_LIMIT}: a new
   *     key refused; otherwise refused, and the negation is the nanoseconds until the request would
   *     be permitted
   */
  long acquire(String key, int permits, long maxWaitNanos, RateLimitConfig config);

  /**
   * Like {@link #acquire}, without blocking the calling thread: a store that talks to a server
   * sends the request and completes the stage when the server answers (on the client's thread), or
   * with the answer of its failure policy when it cannot. The default answers at once with {@link
   * #acquire}, which is right for a store that never waits (in memory).
   *
   * <p>A key the store refuses (such as a Redis key rule) throws at once, as with {@link #acquire};
   * the stage itself never fails for a server's fault, which is the failure policy's to decide.
   *
   * @param key the key
   * @param permits the permits wanted
   * @param maxWaitNanos the longest wait the caller accepts, 0 for none
   * @param config the configuration in force
   * @return a stage of what {@link #acquire} returns
   */
  default CompletionStage<Long> acquireAsync(
      String key, int permits, long maxWaitNanos, RateLimitConfig config) {
    return CompletableFuture.completedFuture(acquire(key, permits, maxWaitNanos, config));
  }

  /**
   * Like {@link #acquire} without waiting, but answers with everything a response header needs.
   *
   * @param key the key
   * @param permits the permits wanted
   * @param config the configuration in force
   * @return the decision
   */
  RateLimitDecision decide(String key, int permits, RateLimitConfig config);

  /**
   * Gives back permits taken by a successful {@link #acquire} whose caller then gave up waiting
   * (for example it was interrupted). Best effort; a store may ignore it.
   *
   * @param key the key
   * @param permits the permits to give back
   * @param config the configuration in force
   */
  default void release(String key, int permits, RateLimitConfig config) {}

  /**
   * Tells the store that its limiter's settings changed, so that it can carry its keys over. A
   * key's state is how far it has drawn ahead of the clock, at most one window; the in-memory store
   * rescales it by the ratio of the windows, so each key keeps the share of its allowance it has
   * used. The default does nothing: keys keep their state as time, so after a shorter window a key
   * may wait up to what it owed under the old one (the Redis store does this: its keys are not
   * scanned).
   *
   * @param previous the settings replaced
   * @param next the settings in force from now
   */
  default void reconfigured(RateLimitConfig previous, RateLimitConfig next) {}

  /**
   * Returns the number of keys tracked now, or -1 if the store cannot tell cheaply.
   *
   * @return the key count
   */
  long keyCount();

  /**
   * Returns the store's kind and counters for reports.
   *
   * @return an ordered map
   */
  Map<String, Object> describe();

  /** Releases the store's resources. The default does nothing. */
  @Override
  default void close() {}

  /**
   * Creates the store of each limiter.
   *
   * <p>Implementations must be thread-safe.
   */
  @FunctionalInterface
  interface Factory {
    /**
     * Creates the store of the limiter with this name.
     *
     * @param limiterName the limiter
     * @return a new store
     */
    RateLimiterStore create(String limiterName);
  }
}
