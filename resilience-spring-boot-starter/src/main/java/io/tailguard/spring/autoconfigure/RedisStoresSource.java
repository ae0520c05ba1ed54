package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.ratelimiter.RateLimiterStore;
import io.tailguard.core.time.Clock;

/**
 * Gives the rate limiters' Redis stores a connection the application already has; free of Lettuce
 * types, so that configurations naming it load without Lettuce on the class path.
 */
interface RedisStoresSource {

  /**
   * Returns the factory of stores.
   *
   * @param settings the {@code rate-limiter.redis} group (its URI is ignored)
   * @param clock the limiters' clock
   * @return the factory
   */
  RateLimiterStore.Factory stores(ResilienceConfig.RedisSection settings, Clock clock);

  /**
   * Returns where the connection goes, for the health entry.
   *
   * @return host:port, or {@code cluster}
   */
  String description();
}
