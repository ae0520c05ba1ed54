package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tailguard.core.event.Subscription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps the meters of each instance of one engine in step with its registry: registered when an
 * instance is added, removed from the meter registry when it is removed.
 *
 * <p>Thread-safe.
 *
 * @param <T> the instance type
 */
final class InstanceMeters<T> {

  // Meters registered per instance name, so removal can unregister them.
  private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

  /**
   * Follows an engine registry.
   *
   * @param registry where meters go
   * @param onAdded the engine registry's added hook
   * @param onRemoved the engine registry's removed hook
   * @param name an instance's name
   * @param bind registers an instance's meters and returns them
   */
  void follow(
      MeterRegistry registry,
      Function<Consumer<T>, Subscription> onAdded,
      Function<Consumer<T>, Subscription> onRemoved,
      Function<T, String> name,
      Function<T, List<Meter>> bind) {
    onAdded.apply(i -> meters.put(name.apply(i), bind.apply(i)));
    onRemoved.apply(
        i -> {
          List<Meter> m = meters.remove(name.apply(i));
          if (m != null) {
            m.forEach(registry::remove);
          }
        });
  }
}
