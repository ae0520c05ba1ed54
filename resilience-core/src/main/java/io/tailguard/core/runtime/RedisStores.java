package io.tailguard.core.runtime;

import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimiterStore;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import io.tailguard.core.time.Clock;

/**
 * Store factories built from the {@code rate-limiter.redis} group of a {@link ResilienceConfig}:
 * each limiter gets a {@link RedisRateLimiterStore} with key prefix {@code keyPrefix + <limiter> +
 * ":"} and the group's timeout, failure policy and instance count.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class RedisStores {

  private RedisStores() {}

  /**
   * Returns a factory whose stores each own a client of {@code settings.uri()}, closed with the
   * store (so with the registry).
   *
   * @param settings the group
   * @param clock the limiters' clock
   * @return the factory
   * @throws IllegalArgumentException if the group has no URI
   */
  public static RateLimiterStore.Factory fromUri(
      ResilienceConfig.RedisSection settings, Clock clock) {
    Validate.notNull("settings", settings);
    Validate.notNull("clock", clock);
    if (settings.uri() == null) {
      throw new IllegalArgumentException(
          "resilience.rate-limiter.redis.uri must be set when backend is redis (or the runtime"
              + " given a connection)");
    }
    String uri = settings.uri();
    return name ->
        configure(RedisRateLimiterStore.builder(name), name, settings, clock).uri(uri).build();
  }

  /**
   * Returns a factory whose stores use the commands of a connection the caller owns and closes.
   *
   * @param settings the group (its URI is ignored)
   * @param commands the commands, of a String codec
   * @param clock the limiters' clock
   * @return the factory
   */
  @SuppressWarnings("exports") // Lettuce is optional: a caller with a connection has it
  public static RateLimiterStore.Factory fromCommands(
      ResilienceConfig.RedisSection settings,
      RedisScriptingAsyncCommands<String, String> commands,
      Clock clock) {
    Validate.notNull("settings", settings);
    Validate.notNull("commands", commands);
    Validate.notNull("clock", clock);
    return name ->
        configure(RedisRateLimiterStore.builder(name), name, settings, clock)
            .commands(commands)
            .build();
  }

  private static RedisRateLimiterStore.Builder configure(
      RedisRateLimiterStore.Builder b, String name, ResilienceConfig.RedisSection s, Clock clock) {
    return b.keyPrefix(s.keyPrefix() + name + ":")
        .commandTimeout(s.commandTimeout())
        .failurePolicy(s.failurePolicy())
        .instanceCount(s.instanceCount())
        .clock(clock);
  }
}
