package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitConfig;
import io.tailguard.core.breaker.CircuitMetrics;
import io.tailguard.core.breaker.GlobalFuse;
import io.tailguard.core.event.Subscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The circuit breakers a {@link HealthRegistry} counts as health sources, read live on every call.
 *
 * <p>Thread-safe: sources are held copy-on-write; {@link #add} checks for duplicates under this
 * object's monitor.
 */
final class BreakerSources {

  private final CopyOnWriteArrayList<Source> sources = new CopyOnWriteArrayList<>();

  /** Adds every breaker of a registry, present and future, and its global fuse. */
  Subscription add(CircuitBreakerRegistry registry) {
    return add(new RegistrySource(registry));
  }

  /** Adds one breaker. */
  Subscription add(CircuitBreaker breaker) {
    return add(new SingleSource(breaker));
  }

  private synchronized Subscription add(Source source) {
    for (Source s : sources) {
      if (s.owner() == source.owner()) {
        throw new IllegalArgumentException(source.owner() + " is already a health source");
      }
    }
    sources.add(source);
    return () -> sources.remove(source);
  }

  /**
   * Returns the worst status of every breaker, starting from {@code worst}.
   *
   * @param worst the worst status so far
   */
  HealthStatus worst(HealthStatus worst) {
    for (Source source : sources) {
      for (Entry entry : source.entries()) {
        worst = worst.worst(entry.status);
      }
    }
    return worst;
  }

  /** Calls {@code sink} with each breaker's status under a unique key ({@code name#2}, ...). */
  void statuses(BiConsumer<String, HealthStatus> sink) {
    collect((key, entry) -> sink.accept(key, entry.status));
  }

  /** Calls {@code sink} with each breaker's description under a unique key. */
  void descriptions(BiConsumer<String, Map<String, Object>> sink) {
    collect((key, entry) -> sink.accept(key, entry.describe));
  }

  private void collect(BiConsumer<String, Entry> sink) {
    Set<String> seen = new HashSet<>();
    for (Source source : sources) {
      for (Entry entry : source.entries()) {
        String key = entry.name;
        for (int n = 2; !seen.add(key); n++) {
          key = entry.name + "#" + n;
        }
        sink.accept(key, entry);
      }
    }
  }

  /** One breaker's live health as the registry reports it. */
  private static final class Entry {
    final String name;
    final HealthStatus status;
    final Map<String, Object> describe;

    Entry(String name, HealthStatus status, Map<String, Object> describe) {
      this.name = name;
      this.status = status;
      this.describe = describe;
    }

    static Entry of(CircuitBreaker b) {
      CircuitMetrics m = b.metrics();
      CircuitConfig c = b.config();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("status", m.healthStatus().name());
      d.put("state", m.state().name());
      d.put("healthScore", m.healthScore());
      d.put("minHealthScore", c.minHealthScore());
      d.put("openHealthStatus", c.openHealthStatus().name());
      return new Entry(b.name(), m.healthStatus(), d);
    }

    static Entry of(GlobalFuse fuse) {
      HealthStatus status = fuse.isOpen() ? HealthStatus.DEGRADED : HealthStatus.UP;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("status", status.name());
      d.put("state", fuse.state().name());
      return new Entry(GlobalFuse.NAME, status, d);
    }
  }

  /** Breakers whose health is read live. */
  private interface Source {
    Object owner();

    List<Entry> entries();
  }

  private static final class RegistrySource implements Source {
    final CircuitBreakerRegistry registry;

    RegistrySource(CircuitBreakerRegistry registry) {
      this.registry = registry;
    }

    @Override
    public Object owner() {
      return registry;
    }

    @Override
    public List<Entry> entries() {
      List<Entry> entries = new ArrayList<>();
      entries.add(Entry.of(registry.globalFuse()));
      for (CircuitBreaker b : registry.breakers()) {
        entries.add(Entry.of(b));
      }
      return entries;
    }
  }

  private static final class SingleSource implements Source {
    final CircuitBreaker breaker;

    SingleSource(CircuitBreaker breaker) {
      this.breaker = breaker;
    }

    @Override
    public Object owner() {
      return breaker;
    }

    @Override
    public List<Entry> entries() {
      return List.of(Entry.of(breaker));
    }
  }
}
