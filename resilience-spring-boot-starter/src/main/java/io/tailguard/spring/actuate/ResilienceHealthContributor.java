package io.tailguard.spring.actuate;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitMetrics;
import io.tailguard.core.breaker.GlobalFuse;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.health.ProbeReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code resilience} health component: one entry per circuit breaker (and the global fuse as
 * {@code __global__}) and per health probe, read live when the endpoint is called.
 *
 * <p>Statuses map one to one; Tailguard's DEGRADED is a status of its own, {@link #DEGRADED}, which
 * the starter orders between DOWN and UP by default and which answers HTTP 200 (one ailing
 * dependency must not fail a probe). The component is in neither the liveness nor the readiness
 * group unless the application adds it ({@code management.endpoint.health.group.readiness.include},
 * best with the entries the instance cannot serve without, such as {@code resilience/local-cache}):
 * a DOWN probe of a dependency that every instance shares would otherwise take every instance out
 * of service at once.
 *
 * <p>Thread-safe: it holds no state of its own.
 */
public final class ResilienceHealthContributor implements CompositeHealthContributor {

  /** The status of an impaired component. */
  public static final Status DEGRADED = new Status("DEGRADED", "working, but impaired");

  private final CircuitBreakerRegistry breakers;
  private final HealthRegistry probes;
  private final Map<String, HealthIndicator> extra;

  /**
   * Creates the contributor.
   *
   * @param breakers the breakers, or {@code null}
   * @param probes the health probes, or {@code null}
   */
  public ResilienceHealthContributor(CircuitBreakerRegistry breakers, HealthRegistry probes) {
    this(breakers, probes, Map.of());
  }

  /**
   * Creates the contributor with entries of its own after the breakers and probes (such as {@link
   * RedisStoreHealthIndicator}).
   *
   * @param breakers the breakers, or {@code null}
   * @param probes the health probes, or {@code null}
   * @param extra more entries by name
   */
  public ResilienceHealthContributor(
      CircuitBreakerRegistry breakers, HealthRegistry probes, Map<String, HealthIndicator> extra) {
    this.breakers = breakers;
    this.probes = probes;
    this.extra = new TreeMap<>(extra);
  }

  /**
   * Maps a Tailguard status onto an Actuator status.
   *
   * @param status the status
   * @return UP, DEGRADED or DOWN
   */
  public static Status status(HealthStatus status) {
    switch (status) {
      case UP:
        return Status.UP;
      case DEGRADED:
        return DEGRADED;
      default:
        return Status.DOWN;
    }
  }

  @Override
  public HealthContributor getContributor(String name) {
    if (breakers != null) {
      if (GlobalFuse.NAME.equals(name)) {
        return fuse(breakers.globalFuse());
      }
      var b = breakers.find(name);
      if (b.isPresent()) {
        return breaker(b.get());
      }
    }
    if (probes != null && probes.find(name).isPresent()) {
      return probe(name);
    }
    return extra.get(name);
  }

  @Override
  public Stream<Entry> stream() {
    List<Entry> entries = new ArrayList<>();
    if (breakers != null) {
      entries.add(new Entry(GlobalFuse.NAME, fuse(breakers.globalFuse())));
      breakers.breakers().stream()
          .sorted(java.util.Comparator.comparing(CircuitBreaker::name))
          .forEach(b -> entries.add(new Entry(b.name(), breaker(b))));
    }
    if (probes != null) {
      probes.names().stream()
          .sorted()
          .filter(n -> breakers == null || breakers.find(n).isEmpty())
          .forEach(n -> entries.add(new Entry(n, probe(n))));
    }
    extra.forEach(
        (n, indicator) -> {
          if (getContributor(n) == indicator) {
            entries.add(new Entry(n, indicator));
          }
        });
    return entries.stream();
  }

  private static HealthIndicator breaker(CircuitBreaker b) {
    return () -> {
      CircuitMetrics m = b.metrics();
      Health.Builder h =
          Health.status(status(m.healthStatus()))
              .withDetail("state", m.state().name())
              .withDetail("failureRate", m.failureRate())
              .withDetail("slowCallRate", m.slowCallRate())
              .withDetail("healthScore", m.healthScore())
              .withDetail("windowCalls", m.windowCalls());
      if (m.state().isOpen()) {
        h.withDetail("remainingCooldownMillis", b.remainingCooldown().toMillis());
      }
      if (b.lastOpenedAt() != null) {
        h.withDetail("lastOpenedAt", b.lastOpenedAt().toString());
      }
      return h.build();
    };
  }

  private static HealthIndicator fuse(GlobalFuse fuse) {
    return () ->
        Health.status(fuse.isOpen() ? DEGRADED : Status.UP)
            .withDetail("state", fuse.state().name())
            .withDetails(fuse.describe())
            .build();
  }

  private HealthIndicator probe(String name) {
    return () -> {
      ProbeReport r = probes.report(name);
      Health.Builder h =
          Health.status(status(r.status()))
              .withDetail("consecutiveFailures", r.consecutiveFailures())
              .withDetails(r.details());
      if (r.lastCheckedAt() != null) {
        h.withDetail("lastCheckedAt", r.lastCheckedAt().toString());
      }
      if (r.lastError() != null) {
        h.withDetail("lastError", r.lastError());
      }
      if (!r.enabled()) {
        h.withDetail("enabled", false);
      }
      return h.build();
    };
  }
}
