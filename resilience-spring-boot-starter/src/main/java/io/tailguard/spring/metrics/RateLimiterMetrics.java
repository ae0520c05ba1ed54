package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tailguard.core.ratelimit.RateLimiter;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import io.tailguard.core.ratelimit.redis.RedisRateLimiterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.util.ClassUtils;

/**
 * Exports the rate limiters as {@code resilience_ratelimiter_requests_total} (tags name, result =
 * permitted, rejected), {@code resilience_ratelimiter_keys} (tag name: keys tracked now) and, for a
 * limiter on Redis, {@code resilience_ratelimiter_redis_fallbacks_total} (tags name, policy =
 * fail-open, fail-closed, local: requests decided by the failure policy because Redis could not
 * answer). Tags carry limiter names, never keys. Counters read the limiters' own totals at scrape
 * time; meters follow limiters as they are added and removed.
 *
 * <p>Thread-safe.
 */
public final class RateLimiterMetrics implements MeterBinder {

  /**
   * Whether Lettuce is on the class path: without it no limiter can be on Redis, and the Redis
   * store's class, whose fields are Lettuce's types, is better left unloaded.
   */
  private static final boolean LETTUCE =
      ClassUtils.isPresent(
          "io.lettuce.core.api.async.RedisScriptingAsyncCommands",
          RateLimiterMetrics.class.getClassLoader());

  private final RateLimiterRegistry limiters;
  private final InstanceMeters<RateLimiter> meters = new InstanceMeters<>();

  /**
   * Creates the binder.
   *
   * @param limiters the limiters
   */
  public RateLimiterMetrics(RateLimiterRegistry limiters) {
    this.limiters = limiters;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    meters.follow(
        registry,
        limiters::onAdded,
        limiters::onRemoved,
        RateLimiter::name,
        l -> bind(registry, l));
  }

  private static List<Meter> bind(MeterRegistry registry, RateLimiter l) {
    List<Meter> m = new ArrayList<>(4);
    m.addAll(
        List.of(
            FunctionCounter.builder(
                    "resilience.ratelimiter.requests", l, x -> (double) x.permittedCount())
                .description("Requests a rate limiter answered, by result")
                .tags("name", l.name(), "result", "permitted")
                .register(registry),
            FunctionCounter.builder(
                    "resilience.ratelimiter.requests", l, x -> (double) x.rejectedCount())
                .description("Requests a rate limiter answered, by result")
                .tags("name", l.name(), "result", "rejected")
                .register(registry),
            Gauge.builder("resilience.ratelimiter.keys", l, x -> (double) x.keyCount())
                .description("Keys a rate limiter tracks now")
                .tags("name", l.name())
                .register(registry)));
    if (LETTUCE && RedisFallbacks.isRedis(l)) {
      m.add(RedisFallbacks.bind(registry, l));
    }
    return m;
  }

  /** The meter of a limiter on Redis, in a class of its own so it is loaded only with Lettuce. */
  private static final class RedisFallbacks {

    static boolean isRedis(RateLimiter l) {
      return l.store() instanceof RedisRateLimiterStore;
    }

    static Meter bind(MeterRegistry registry, RateLimiter l) {
      RedisRateLimiterStore store = (RedisRateLimiterStore) l.store();
      return FunctionCounter.builder(
              "resilience.ratelimiter.redis.fallbacks", store, s -> (double) s.fallbacks())
          .description(
              "Requests a rate limiter decided by its failure policy because Redis could not"
                  + " answer")
          .tags(
              "name",
              l.name(),
              "policy",
              store.failurePolicy().name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .register(registry);
    }
  }
}
