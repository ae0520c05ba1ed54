package io.tailguard.spring.actuate;

import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the rate limiters' Redis stores ({@code rate-limiter.backend: redis}), the entry
 * {@value #NAME} of the {@code resilience} component: UP while Redis decides, DEGRADED while any
 * limiter's store is on its failure policy (Redis did not answer it last time). Read live.
 *
 * <p>Thread-safe: it holds no state of its own.
 */
public final class RedisStoreHealthIndicator implements HealthIndicator {

  /** The entry's name in the {@code resilience} component. */
  public static final String NAME = "rate-limiting-redis";

  private final RateLimiterRegistry limiters;
  private final String connection;

  /**
   * Creates the indicator.
   *
   * @param limiters the registry whose stores are Redis stores
   * @param connection where they connect, for the details
   */
  public RedisStoreHealthIndicator(RateLimiterRegistry limiters, String connection) {
    this.limiters = limiters;
    this.connection = connection;
  }

  @Override
  public Health health() {
    List<String> degraded = new ArrayList<>();
    long fallbacks = 0;
    long episodes = 0;
    int stores = 0;
    String policy = null;
    for (RateLimiter l : limiters.limiters()) {
      if (l.store() instanceof RedisRateLimiterStore s) {
        stores++;
        fallbacks += s.fallbacks();
        episodes += s.fallbackEpisodes();
        policy = s.failurePolicy().name();
        if (s.isDegraded()) {
          degraded.add(l.name());
        }
      }
    }
    Health.Builder h =
        Health.status(
                degraded.isEmpty()
                    ? org.springframework.boot.health.contributor.Status.UP
                    : ResilienceHealthContributor.DEGRADED)
            .withDetail("connection", connection)
            .withDetail("stores", stores)
            .withDetail("fallbacks", fallbacks)
            .withDetail("fallbackEpisodes", episodes);
    if (policy != null) {
      h.withDetail("failurePolicy", policy);
    }
    if (!degraded.isEmpty()) {
      h.withDetail("onFailurePolicy", degraded);
    }
    return h.build();
  }
}
