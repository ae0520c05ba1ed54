package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tailguard.core.ratelimit.RateLimiter;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import java.util.List;

/**
 * Exports the rate limiters as {@code resilience_ratelimiter_requests_total} (tags name, result =
 * permitted, rejected) and {@code resilience_ratelimiter_keys} (tag name: keys tracked now). Tags
 * carry limiter names, never keys. Counters read the limiters' own totals at scrape time; meters
 * follow limiters as they are added and removed.
 *
 * <p>Thread-safe.
 */
public final class RateLimiterMetrics implements MeterBinder {

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
    return List.of(
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
            .register(registry));
  }
}
