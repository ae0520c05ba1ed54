package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.retry.RetryResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports the retriers as {@code resilience_retry_calls_total} (tags name, result = success_first,
 * success_retry, exhausted, not_retryable, budget_exhausted) and {@code
 * resilience_retry_retries_total} (tag name: attempts after the first). Counters read the retriers'
 * own totals at scrape time; meters follow retriers as they are added and removed.
 *
 * <p>Thread-safe.
 */
public final class RetrierMetrics implements MeterBinder {

  private final RetryRegistry retriers;
  private final InstanceMeters<Retrier> meters = new InstanceMeters<>();

  /**
   * Creates the binder.
   *
   * @param retriers the retriers
   */
  public RetrierMetrics(RetryRegistry retriers) {
    this.retriers = retriers;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    meters.follow(
        registry, retriers::onAdded, retriers::onRemoved, Retrier::name, r -> bind(registry, r));
  }

  private static List<Meter> bind(MeterRegistry registry, Retrier r) {
    List<Meter> m = new ArrayList<>();
    for (RetryResult result : RetryResult.values()) {
      m.add(
          FunctionCounter.builder(
                  "resilience.retry.calls", r, x -> (double) x.metrics().count(result))
              .description("Calls a retrier ended, by result")
              .tags("name", r.name(), "result", result.label())
              .register(registry));
    }
    m.add(
        FunctionCounter.builder("resilience.retry.retries", r, x -> (double) x.metrics().retries())
            .description("Attempts a retrier made after the first")
            .tags("name", r.name())
            .register(registry));
    return m;
  }
}
