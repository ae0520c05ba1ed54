package io.tailguard.core.ratelimiter;

/**
 * Thrown when a rate-limit key breaks a key rule: it is null, longer than {@link
 * RateLimitConfig#MAX_KEY_LENGTH} characters, or (on the Redis backend) holds {@code '{'}, {@code
 * '}'} or an unpaired surrogate. Keys often come from the client (an API key, a user id), so a web
 * layer answers this as the client's error (400), not the server's.
 *
 * <p>The message names the rule, never the key, so it is safe to show and to log. Instances are
 * immutable and thread-safe.
 */
public final class InvalidRateLimitKeyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String limiterName;

  /**
   * Creates the exception.
   *
   * @param limiterName the limiter whose key rule was broken
   * @param rule which rule, without the key, such as {@code "key must be at most 256 characters,
   *     was 300 characters"}
   */
  public InvalidRateLimitKeyException(String limiterName, String rule) {
    super(rule);
    this.limiterName = limiterName;
  }

  /**
   * Returns the name of the limiter whose key rule was broken.
   *
   * @return the limiter name
   */
  public String limiterName() {
    return limiterName;
  }
}
