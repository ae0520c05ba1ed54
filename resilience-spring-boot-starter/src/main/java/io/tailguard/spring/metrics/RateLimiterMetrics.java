package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tailguard.core.ratelimit.RateLimiter;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  // Meters registered per limiter, so removal can unregister them.
  private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

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
    limiters.onAdded(l -> bind(registry, l));
    limiters.onRemoved(
        l -> {
          List<Meter> m = meters.remove(l.name());
          if (m != null) {
            m.forEach(registry::remove);
          }
        });
  }

  private void bind(MeterRegistry registry, RateLimiter l) {
    meters.put(
        l.name(),
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
  }
}
