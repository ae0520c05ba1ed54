package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tailguard.core.HealthStatus;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitEvent;
import io.tailguard.core.breaker.CircuitMetrics;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.breaker.GlobalFuse;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.telemetry.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Exports the engines' state as Micrometer meters, under the names of the design (as scraped by
 * Prometheus):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>tags</th></tr>
 *   <tr><td>{@code resilience_circuit_state} (0 closed, 1 open, 2 half-open, 3 forced-open, 4
 *       disabled; the global fuse as {@code __global__})</td><td>name</td></tr>
 *   <tr><td>{@code resilience_circuit_state_active} (1 for the state the breaker is in, 0 for the
 *       others; the global fuse too)</td><td>name, state = closed, open, half-open, forced-open,
 *       disabled</td></tr>
 *   <tr><td>{@code resilience_circuit_calls_total}</td><td>name, outcome = success, failure, slow,
 *       ignored, rejected</td></tr>
 *   <tr><td>{@code resilience_circuit_transitions_total}</td><td>name, from, to</td></tr>
 *   <tr><td>{@code resilience_circuit_health_score}, {@code resilience_circuit_success_ratio}</td>
 *       <td>name</td></tr>
 *   <tr><td>{@code resilience_circuit_last_opened_seconds} (unix time, 0 if never)</td>
 *       <td>name</td></tr>
 *   <tr><td>{@code resilience_call_duration_seconds} (a timer; buckets for percentiles when
 *       {@code management.metrics.distribution.percentiles-histogram.resilience.call.duration} is
 *       true)</td><td>name, engine, outcome</td></tr>
 *   <tr><td>{@code resilience_hedge_calls_total}</td><td>name, winner = primary, hedge,
 *       none</td></tr>
 *   <tr><td>{@code resilience_hedge_attempts_total}, {@code
 *       resilience_hedge_budget_exhausted_total}, {@code resilience_hedge_executor_refusals_total}
 *       (attempts the hedge executor refused: a primary then runs on the caller's thread, a hedge
 *       is not sent)</td><td>name</td></tr>
 *   <tr><td>{@code resilience_hedge_delay_seconds} (current delay)</td><td>name</td></tr>
 *   <tr><td>{@code resilience_health_status} (1 up, 0.5 degraded, 0 down)</td><td>probe</td></tr>
 * </table>
 *
 * <p>The state is exported twice: {@code resilience_circuit_state} is one number per breaker, handy
 * on a state timeline, but an aggregate over instances ({@code max}, {@code avg}) mixes the codes
 * (an OPEN instance hides behind a HALF_OPEN one); {@code resilience_circuit_state_active} has one
 * 0/1 series per state, so {@code max by (name, state)} tells whether any instance is in each.
 *
 * <p>Call durations are one timer per call, {@code resilience_call_duration_seconds}: it times
 * every call the engines record, observed or not. The {@code resilience.call} observation's own
 * timer would time the same calls again, so the starter's auto-configuration denies it. Percentile
 * histograms are opt-in, the Spring Boot way: each adds dozens of bucket series per instance,
 * engine and outcome.
 *
 * <p>Tags carry instance names only, never user keys, so cardinality stays bounded. Counters read
 * the engines' own lifetime totals at scrape time, so the call path pays nothing for them; only
 * transitions (an event listener) and call durations (a telemetry subscriber) are pushed. Meters
 * follow instances as they are added and removed.
 *
 * <p>Thread-safe.
 */
public final class ResilienceMetrics implements MeterBinder {

  private static final String STATE_DESCRIPTION =
      "Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 forced-open, 4 disabled";

  private static final TimeUnit NANOS = TimeUnit.NANOSECONDS;

  private final CircuitBreakerRegistry breakers;
  private final HedgerRegistry hedgers;
  private final HealthRegistry health;
  private final Telemetry telemetry;
  // Call-duration timers by instance name, then by engine and outcome; slots filled lazily (a
  // racy fill is harmless: registering the same id twice returns the same timer).
  private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
  // Meters registered per instance, so removal can unregister them.
  private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

  /**
   * Creates the binder; any engine may be {@code null}.
   *
   * @param breakers the breakers
   * @param hedgers the hedgers
   * @param health the health probes
   * @param telemetry the telemetry hub, for call durations
   */
  public ResilienceMetrics(
      CircuitBreakerRegistry breakers,
      HedgerRegistry hedgers,
      HealthRegistry health,
      Telemetry telemetry) {
    this.breakers = breakers;
    this.hedgers = hedgers;
    this.health = health;
    this.telemetry = telemetry;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    if (breakers != null) {
      // The global fuse is derived, never added: its state is listed like a breaker's.
      GlobalFuse fuse = breakers.globalFuse();
      Gauge.builder("resilience.circuit.state", fuse, f -> f.state().code())
          .description(STATE_DESCRIPTION)
          .tags("name", GlobalFuse.NAME)
          .register(registry);
      for (CircuitState s : CircuitState.values()) {
        stateActive(registry, GlobalFuse.NAME, fuse, f -> f.state() == s ? 1 : 0, s);
      }
      breakers.onAdded(b -> bindBreaker(registry, b));
      breakers.onRemoved(b -> unbind(registry, "circuit:" + b.name()));
      breakers.subscribe(
          e -> {
            if (e instanceof CircuitEvent.StateTransition t) {
              Counter.builder("resilience.circuit.transitions")
                  .description("Circuit breaker state transitions")
                  .tags("name", t.name(), "from", lower(t.from()), "to", lower(t.to()))
                  .register(registry)
                  .increment();
            }
          });
    }
    if (hedgers != null) {
      hedgers.onAdded(h -> bindHedger(registry, h));
      hedgers.onRemoved(h -> unbind(registry, "hedge:" + h.name()));
    }
    if (health != null) {
      health.onAdded(n -> bindProbe(registry, n));
      health.onRemoved(n -> unbind(registry, "probe:" + n));
    }
    if (telemetry != null) {
      telemetry.subscribe(
          e -> timer(registry, e.name(), e.engine(), e.outcome()).record(e.latencyNanos(), NANOS));
    }
  }

  /**
   * The call-duration timer of one instance, engine and outcome. Every protected call records into
   * one, so it is looked up in a map of arrays rather than built and registered per call.
   */
  private Timer timer(MeterRegistry registry, String name, EngineType engine, CallOutcome outcome) {
    Timer[] byKind =
        timers.computeIfAbsent(
            name, n -> new Timer[EngineType.values().length * CallOutcome.values().length]);
    int i = engine.ordinal() * CallOutcome.values().length + outcome.ordinal();
    Timer t = byKind[i];
    if (t == null) {
      // Racy on purpose: two threads may both register, and Micrometer returns the same timer.
      t =
          Timer.builder("resilience.call.duration")
              .description("Duration of protected calls")
              .tags("name", name, "engine", lower(engine), "outcome", lower(outcome))
              // Bounds of the buckets when an application turns percentile histograms on.
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(60))
              .register(registry);
      byKind[i] = t;
    }
    return t;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private void bindBreaker(MeterRegistry registry, CircuitBreaker b) {
    List<Meter> m = new CopyOnWriteArrayList<>();
    Tags tags = Tags.of("name", b.name());
    m.add(
        Gauge.builder("resilience.circuit.state", b, x -> x.state().code())
            .description(STATE_DESCRIPTION)
            .tags(tags)
            .register(registry));
    for (CircuitState s : CircuitState.values()) {
      m.add(stateActive(registry, b.name(), b, x -> x.state() == s ? 1 : 0, s));
    }
    outcome(registry, m, b, "success", CircuitMetrics::successfulCalls);
    outcome(registry, m, b, "failure", CircuitMetrics::failedCalls);
    outcome(registry, m, b, "slow", CircuitMetrics::slowCalls);
    outcome(registry, m, b, "ignored", CircuitMetrics::ignoredCalls);
    outcome(registry, m, b, "rejected", CircuitMetrics::rejectedCalls);
    m.add(
        Gauge.builder("resilience.circuit.health.score", b, x -> x.healthScore())
            .description("Health score of the breaker's dependency, in [0, 1]")
            .tags(tags)
            .register(registry));
    m.add(
        Gauge.builder("resilience.circuit.success.ratio", b, x -> x.metrics().successRate())
            .description("Share of successful calls in the breaker's window")
            .tags(tags)
            .register(registry));
    m.add(
        Gauge.builder("resilience.circuit.last.opened", b, ResilienceMetrics::lastOpened)
            .description("When the breaker last opened, as unix time; 0 if never")
            .baseUnit("seconds")
            .tags(tags)
            .register(registry));
    meters.put("circuit:" + b.name(), m);
  }

  private static <T> Gauge stateActive(
      MeterRegistry registry, String name, T breaker, ToDoubleFunction<T> active, CircuitState s) {
    return Gauge.builder("resilience.circuit.state.active", breaker, active)
        .description("1 if the circuit breaker is in the state of the state tag, else 0")
        .tags("name", name, "state", lower(s))
        .register(registry);
  }

  private static double lastOpened(CircuitBreaker b) {
    Instant at = b.lastOpenedAt();
    return at == null ? 0 : at.toEpochMilli() / 1000.0;
  }

  private static void outcome(
      MeterRegistry registry,
      List<Meter> m,
      CircuitBreaker b,
      String outcome,
      ToDoubleFunction<CircuitMetrics> total) {
    m.add(
        FunctionCounter.builder(
                "resilience.circuit.calls", b, x -> total.applyAsDouble(x.metrics()))
            .description("Calls through the circuit breaker, by outcome")
            .tags("name", b.name(), "outcome", outcome)
            .register(registry));
  }

  private void bindHedger(MeterRegistry registry, Hedger h) {
    List<Meter> m = new CopyOnWriteArrayList<>();
    m.add(hedgeCalls(registry, h, "primary", x -> x.metrics().primaryWins()));
    m.add(hedgeCalls(registry, h, "hedge", x -> x.metrics().hedgeWins()));
    m.add(hedgeCalls(registry, h, "none", x -> x.metrics().failedCalls()));
    m.add(
        FunctionCounter.builder("resilience.hedge.attempts", h, x -> x.metrics().attempts())
            .description("Attempts started by the hedger, primaries and hedges")
            .tags("name", h.name())
            .register(registry));
    m.add(
        FunctionCounter.builder(
                "resilience.hedge.budget.exhausted", h, x -> x.metrics().budgetExhausted())
            .description("Hedges wanted but refused by the budget")
            .tags("name", h.name())
            .register(registry));
    m.add(
        FunctionCounter.builder(
                "resilience.hedge.executor.refusals", h, x -> x.metrics().executorRefusals())
            .description(
                "Attempts the hedge executor refused: a primary then runs on the caller's thread,"
                    + " a hedge is not sent")
            .tags("name", h.name())
            .register(registry));
    m.add(
        Gauge.builder("resilience.hedge.delay", h, x -> x.metrics().currentDelayNanos() / 1e9)
            .description("The delay the next first hedge would wait")
            .baseUnit("seconds")
            .tags("name", h.name())
            .register(registry));
    meters.put("hedge:" + h.name(), m);
  }

  private static Meter hedgeCalls(
      MeterRegistry registry, Hedger h, String winner, ToDoubleFunction<Hedger> count) {
    return FunctionCounter.builder("resilience.hedge.calls", h, count)
        .description("Hedged calls, by which attempt answered")
        .tags("name", h.name(), "winner", winner)
        .register(registry);
  }

  private void bindProbe(MeterRegistry registry, String probe) {
    HealthRegistry r = health;
    Meter g =
        Gauge.builder("resilience.health.status", r, x -> value(x, probe))
            .description("Health of the probe: 1 up, 0.5 degraded, 0 down")
            .tags("probe", probe)
            .register(registry);
    meters.put("probe:" + probe, List.of(g));
  }

  private static double value(HealthRegistry r, String probe) {
    HealthStatus s = r.find(probe).map(p -> p.status()).orElse(HealthStatus.DOWN);
    return s == HealthStatus.UP ? 1.0 : s == HealthStatus.DEGRADED ? 0.5 : 0.0;
  }

  private void unbind(MeterRegistry registry, String key) {
    List<Meter> m = meters.remove(key);
    if (m != null) {
      m.forEach(registry::remove);
    }
  }
}
