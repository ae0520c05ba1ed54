package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.GlobalFuse;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link HealthProbe}s on a schedule and reports the health of an application: each probe's
 * status, the live status of circuit breakers, and the worst of them all for a readiness check.
 *
 * <h2>Probes</h2>
 *
 * <p>Every enabled probe runs as soon as it is registered and then every {@code interval}, each run
 * with a {@code timeout}. A run that throws, returns {@code null}, returns DOWN, times out or is
 * refused by the executor is a failure: one failure makes the probe DEGRADED, {@code
 * failureThreshold} failures in a row make it DOWN, and the next UP (or DEGRADED) result sets it to
 * that result and ends the run of failures. A probe that has not finished a run yet is UP.
 *
 * <p>Runs of one probe never overlap: if a run is still going when the next is due, the next is
 * skipped ({@link HealthEvent.RunSkipped}). Since the timeout is shorter than the interval, such a
 * run has always timed out already, and the skip counts as one more failure, so a probe stuck in a
 * check that ignores interrupts goes DOWN instead of staying DEGRADED for ever.
 *
 * <h2>Threads</h2>
 *
 * <p>One {@link Scheduler} drives all probes: it only starts runs, times them out and schedules the
 * next, so a slow probe never delays another. The checks themselves run on a bounded executor: by
 * default {@value #DEFAULT_PROBE_THREADS} daemon threads named {@code tailguard-health-probe-N},
 * created on demand and ended after a minute idle. When a run times out, its thread is interrupted.
 * Both the scheduler and the executor can be injected; tests pass a fake clock as the scheduler and
 * run checks synchronously or on threads they control.
 *
 * <h2>Breakers</h2>
 *
 * <p>{@link #addBreakers(CircuitBreakerRegistry)} and {@link #addBreaker(CircuitBreaker)} make
 * circuit breakers health sources. Their status is read live, whenever {@link #status()} or {@link
 * #describe()} is called: {@link CircuitBreaker#healthStatus()}, which is DEGRADED when half-open
 * or when the health score is below {@code minHealthScore}, and {@code openHealthStatus} (DEGRADED
 * unless the breaker's config says DOWN) when open.
 *
 * <h2>Aggregate</h2>
 *
 * <p>{@link #status()} is the worst status of the enabled probes and the breakers: UP if all are
 * UP, DOWN if any is DOWN, DEGRADED otherwise. DEGRADED sources never make the aggregate DOWN,
 * however many there are, so one open breaker to a minor dependency cannot fail a probe and get a
 * healthy process restarted. Use it for readiness, not liveness.
 *
 * <h2>Shutdown</h2>
 *
 * <p>{@link #close()} stops scheduling, waits up to {@code shutdownGrace} for running checks,
 * interrupts those still running and waits up to {@code shutdownGrace} again. When it returns, no
 * thread the registry created is alive, unless a check ignores interrupts (logged as a warning
 * naming the probe; the thread is a daemon and ends when the check does).
 *
 * <p>{@code docs/health.md} is the full contract.
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.builder()
 *     .config(HealthConfig.builder().interval(Duration.ofSeconds(30)).build())
 *     .probe(HealthProbe.of("orders-db", () -> ping() ? HealthCheckResult.up()
 *                                                     : HealthCheckResult.down("no ping")))
 *     .build();
 * health.addBreakers(breakerRegistry);
 * boolean ready = health.status() != HealthStatus.DOWN;
 * }</pre>
 *
 * <p>This class is thread-safe.
 */
public final class HealthRegistry implements AutoCloseable {

  /*
   * Structure. This class is the facade: it keeps the probes by name, the configuration and the
   * hooks, and delegates the rest. ProbeScheduler runs the probes (schedules, timeouts, threads,
   * the two-phase close); each probe's ProbeState holds the health its runs feed (status, counters,
   * transitions, events); BreakerSources reads the breakers' health live.
   *
   * Concurrency. `probes` (ConcurrentHashMap) and `config` (volatile) are written under
   * `lifecycleLock`, so a probe registered concurrently with a reconfiguration either is in the
   * list the reconfiguration refreshes or was created from the new config. Readers read them
   * lock-free. The scheduler's `closed` flag is set once, under `lifecycleLock` (and the
   * scheduler's runs lock), so after close() has set it no register() succeeds. The protocols of
   * a probe's schedule and runs are in ProbeScheduler, those of its status in ProbeState.
   *
   * Lock order: lifecycleLock -> the scheduler's runs lock; a probe's monitors are never taken
   * under lifecycleLock, and no lock is held while listeners run.
   */

  /**
   * The name of events about the registry rather than one probe ({@link
   * HealthEvent.ConfigChanged}).
   */
  public static final String NAME = "health";

  /** The number of threads of the default probe executor. */
  public static final int DEFAULT_PROBE_THREADS = 4;

  /** The most threads the default probe executor may be given. */
  public static final int MAX_PROBE_THREADS = 256;

  /** How long each phase of {@link #close()} waits, by default. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** The longest shutdown grace accepted. */
  public static final Duration MAX_SHUTDOWN_GRACE = Duration.ofMinutes(5);

  /** The prefix of the default executor's thread names. */
  public static final String THREAD_NAME_PREFIX = "tailguard-health-probe-";

  /** Error texts longer than this are cut, so a hostile exception message cannot flood reports. */
  static final int MAX_ERROR_LENGTH = 1000;

  private static final String ENGINE = "health probe";
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

  private final Clock clock;
  private final Duration shutdownGrace;
  private final EventListeners<HealthEvent> listeners = new EventListeners<>();
  private final ConcurrentMap<String, ProbeScheduler.Probe> probes = new ConcurrentHashMap<>();
  private final BreakerSources breakers = new BreakerSources();
  private final ProbeScheduler scheduler;
  private final Object lifecycleLock = new Object();

  // Told the names of probes as they are registered and removed; copy-on-write.
  private final CopyOnWriteArrayList<Consumer<? super String>> addedHooks =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<? super String>> removedHooks =
      new CopyOnWriteArrayList<>();

  private volatile HealthConfig config;

  private HealthRegistry(Builder b) {
    this.clock = b.clock;
    this.config = b.config;
    this.shutdownGrace = b.shutdownGrace;
    this.scheduler =
        new ProbeScheduler(
            b.clock, b.scheduler, b.executor, b.probeThreads, b.shutdownGrace, () -> config);
  }

  /**
   * Returns a builder with the default config, the system clock, a scheduler thread and a probe
   * pool of its own.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------------------
  // Probes

  /**
   * Registers a probe. If it is enabled, its first run starts at once.
   *
   * @param probe the probe
   * @throws IllegalArgumentException if the probe is {@code null}, its name is invalid, or a probe
   *     of that name is registered already
   * @throws IllegalStateException if the registry is closed
   */
  public void register(HealthProbe probe) {
    String name = nameOf(probe);
    ProbeScheduler.Probe p;
    synchronized (lifecycleLock) {
      if (scheduler.isClosed()) {
        throw new IllegalStateException(
            "the health registry is closed; health probe '" + name + "' was not registered");
      }
      if (probes.containsKey(name)) {
        throw new IllegalArgumentException("health probe '" + name + "' is already registered");
      }
      p = scheduler.probe(probe, new ProbeState(name, config.settingsFor(name), clock, listeners));
      probes.put(name, p);
    }
    p.start();
    for (Consumer<? super String> hook : addedHooks) {
      hook.accept(name);
    }
  }

  /**
   * Calls {@code hook} with the name of every probe registered now and later, for example to
   * register its metrics.
   *
   * @param hook called once per probe, on the registering thread
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super String> hook) {
    Validate.notNull("hook", hook);
    addedHooks.add(hook);
    names().forEach(hook);
    return () -> addedHooks.remove(hook);
  }

  /**
   * Calls {@code hook} with the name of every probe removed from now on.
   *
   * @param hook called once per removed probe
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super String> hook) {
    Validate.notNull("hook", hook);
    removedHooks.add(hook);
    return () -> removedHooks.remove(hook);
  }

  private static String nameOf(HealthProbe probe) {
    Validate.notNull("probe", probe);
    String name;
    try {
      name = probe.name();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "name() of health probe " + probe.getClass().getName() + " threw " + e, e);
    }
    return InstanceNames.check(ENGINE, name);
  }

  /**
   * Removes a probe: it runs no more and no longer counts. A run in progress is left to finish.
   *
   * @param name the probe's name
   * @return the removed probe, or empty if there was none
   */
  public Optional<HealthProbe> remove(String name) {
    if (name == null) {
      return Optional.empty();
    }
    ProbeScheduler.Probe p;
    synchronized (lifecycleLock) {
      p = probes.remove(name);
    }
    if (p == null) {
      return Optional.empty();
    }
    p.stopScheduling(true);
    for (Consumer<? super String> hook : removedHooks) {
      hook.accept(name);
    }
    return Optional.of(p.check);
  }

  /**
   * Returns the names of the registered probes.
   *
   * @return an unmodifiable live view
   */
  public Set<String> names() {
    return Collections.unmodifiableSet(probes.keySet());
  }

  /**
   * Returns a snapshot of one probe.
   *
   * @param name the probe's name
   * @return its report
   * @throws UnknownInstanceException if no probe of that name is registered
   * @throws IllegalArgumentException if the name is invalid
   */
  public ProbeReport report(String name) {
    ProbeScheduler.Probe p = probes.get(name == null ? "" : name);
    if (p == null) {
      InstanceNames.check(ENGINE, name);
      throw new UnknownInstanceException(ENGINE, name, probes.keySet());
    }
    return p.report();
  }

  /**
   * Returns a snapshot of one probe if it is registered.
   *
   * @param name the probe's name
   * @return its report, or empty
   */
  public Optional<ProbeReport> find(String name) {
    ProbeScheduler.Probe p = name == null ? null : probes.get(name);
    return p == null ? Optional.empty() : Optional.of(p.report());
  }

  /**
   * Returns a snapshot of every probe, sorted by name.
   *
   * @return the reports
   */
  public List<ProbeReport> reports() {
    List<ProbeReport> all = new ArrayList<>();
    new TreeMap<>(probes).values().forEach(p -> all.add(p.report()));
    return all;
  }

  // ---------------------------------------------------------------------------------------------
  // Breakers

  /**
   * Makes every breaker of a registry, present and future, and its global fuse ({@value
   * GlobalFuse#NAME}, DEGRADED while open) health sources. Their status is read live.
   *
   * @param registry the breaker registry
   * @return a subscription that removes the source again
   * @throws IllegalArgumentException if {@code registry} is {@code null} or added already
   */
  public Subscription addBreakers(CircuitBreakerRegistry registry) {
    Validate.notNull("registry", registry);
    return breakers.add(registry);
  }

  /**
   * Makes one breaker a health source. Its status is read live.
   *
   * @param breaker the breaker
   * @return a subscription that removes the source again
   * @throws IllegalArgumentException if {@code breaker} is {@code null} or added already
   */
  public Subscription addBreaker(CircuitBreaker breaker) {
    Validate.notNull("breaker", breaker);
    return breakers.add(breaker);
  }

  /**
   * Returns the live health of every breaker source, sorted by name. If two sources hold breakers
   * of the same name, the later ones are listed as {@code name#2}, {@code name#3}, ...
   *
   * @return the statuses
   */
  public Map<String, HealthStatus> breakerStatuses() {
    Map<String, HealthStatus> statuses = new TreeMap<>();
    breakers.statuses(statuses::put);
    return statuses;
  }

  // ---------------------------------------------------------------------------------------------
  // Status and reporting

  /**
   * Returns the aggregate status: the worst of every enabled probe and every breaker source; UP if
   * there are none. DEGRADED sources make it DEGRADED, never DOWN.
   *
   * @return the aggregate status
   */
  public HealthStatus status() {
    HealthStatus worst = HealthStatus.UP;
    for (ProbeScheduler.Probe p : probes.values()) {
      ProbeReport r = p.state.snapshot();
      if (r.enabled()) {
        worst = worst.worst(r.status());
      }
    }
    return breakers.worst(worst);
  }

  /**
   * Returns one probe's status.
   *
   * @param name the probe's name
   * @return its status
   * @throws UnknownInstanceException if no probe of that name is registered
   */
  public HealthStatus status(String name) {
    return report(name).status();
  }

  /**
   * Returns the configuration in force.
   *
   * @return the configuration
   */
  public HealthConfig config() {
    return config;
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return scheduler.isClosed();
  }

  /**
   * Returns the aggregate status, every probe's report, every breaker's live health, the
   * configuration and the overrides that name no registered probe, as an ordered map of plain
   * values, for reports and the Actuator endpoint.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("status", status().name());
    Map<String, Object> probeMaps = new LinkedHashMap<>();
    for (ProbeReport r : reports()) {
      probeMaps.put(r.name(), r.toMap());
    }
    d.put("probes", probeMaps);
    Map<String, Object> breakerMaps = new TreeMap<>();
    breakers.descriptions(breakerMaps::put);
    d.put("breakers", breakerMaps);
    HealthConfig c = config;
    Set<String> unmatched = new TreeSet<>(c.probes().keySet());
    unmatched.removeAll(probes.keySet());
    d.put("unmatchedOverrides", List.copyOf(unmatched));
    d.put("closed", scheduler.isClosed());
    d.put("shutdownGrace", Durations.format(shutdownGrace));
    d.put("config", c.toMap());
    return d;
  }

  /**
   * Adds a listener for the events of every probe and of the registry.
   *
   * <p>Listeners run on the scheduler thread or a probe thread and must be quick.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super HealthEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Returns how many times a listener has thrown.
   *
   * @return the number of listener failures
   */
  public long listenerFailures() {
    return listeners.failures();
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /**
   * Replaces the configuration. Each probe takes its new settings at once: a newly disabled probe
   * runs no more (a run in progress finishes and is recorded), a newly enabled one runs at once, a
   * new interval counts from the probe's last due time (or now, if that is already past), a new
   * timeout applies from the next run, and a new failure threshold re-derives the status of a
   * failing probe ({@link HealthReason#THRESHOLD_CHANGED}).
   *
   * @param next the new configuration
   * @throws IllegalArgumentException if {@code next} is {@code null}; the old one stays in force
   */
  public void reconfigure(HealthConfig next) {
    Validate.notNull("config", next);
    HealthConfig previous;
    List<ProbeScheduler.Probe> affected;
    synchronized (lifecycleLock) {
      previous = config;
      config = next;
      affected = List.copyOf(probes.values());
    }
    if (previous.equals(next)) {
      return;
    }
    log.atInfo()
        .addKeyValue("name", NAME)
        .setMessage("Health registry reconfigured: {}")
        .addArgument(next)
        .log();
    if (!listeners.isEmpty()) {
      // Before the probes take it, so the status changes it causes follow it.
      listeners.publish(new HealthEvent.ConfigChanged(NAME, clock.instant(), previous, next));
    }
    for (ProbeScheduler.Probe p : affected) {
      p.refresh();
    }
  }

  /**
   * Sets the override of one probe (registered or not yet), keeping every other setting; the same
   * as {@code reconfigure(b -> b.probe(name, override))}.
   *
   * @param name the probe's name
   * @param override its override, for example {@code ProbeOverride.enabled(false)}
   * @throws IllegalArgumentException if an argument is invalid, or the override's timeout is not
   *     shorter than its interval; the old configuration stays in force
   */
  public void reconfigure(String name, HealthConfig.ProbeOverride override) {
    InstanceNames.check(ENGINE, name);
    Validate.notNull("probes." + name, override);
    reconfigure(b -> b.probe(name, override));
  }

  /**
   * Changes some settings, keeping the others. The builder validates each change; if one is
   * refused, nothing changes.
   *
   * @param changes edits a builder that starts from the current configuration
   * @throws IllegalArgumentException if a change is invalid; the old configuration stays in force
   */
  public void reconfigure(UnaryOperator<HealthConfig.Builder> changes) {
    Validate.notNull("changes", changes);
    HealthConfig.Builder edited = changes.apply(config.toBuilder());
    reconfigure(Validate.notNull("the builder returned by changes", edited).build());
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Shuts down in two phases. First it stops scheduling (no run starts any more; runs still waiting
   * for a thread are dropped) and waits up to {@code shutdownGrace} for running checks to return.
   * Then it interrupts the checks still running and waits up to {@code shutdownGrace} again.
   * Finally it stops the scheduler and executor it created (an injected one is left running) and
   * waits for their threads to end.
   *
   * <p>When it returns, no thread the registry created is alive, unless a check ignores interrupts
   * for longer than the second phase: that is logged as a warning naming the probe, and the daemon
   * thread ends when the check returns. Reports stay readable after closing; registering does not.
   * Calling it again does nothing. If the calling thread is interrupted, the waits are cut short
   * and the interrupt status is kept.
   */
  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (!scheduler.markClosed()) {
        return;
      }
    }
    scheduler.shutdown(probes.values());
  }

  @Override
  public String toString() {
    return "HealthRegistry[" + probes.size() + " probes, " + status() + "]";
  }

  /**
   * Builds a {@link HealthRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private HealthConfig config = HealthConfig.defaults();
    private final Map<String, HealthProbe> probes = new LinkedHashMap<>();
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private Executor executor;
    private int probeThreads = DEFAULT_PROBE_THREADS;
    private boolean probeThreadsSet;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

    private Builder() {}

    /**
     * Sets the configuration; default {@link HealthConfig#defaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(HealthConfig config) {
      this.config = Validate.notNull("config", config);
      return this;
    }

    /**
     * Adds a probe, registered when the registry is built.
     *
     * @param probe the probe
     * @return this builder
     * @throws IllegalArgumentException if the probe is {@code null}, its name invalid or taken
     */
    public Builder probe(HealthProbe probe) {
      String name = nameOf(probe);
      if (probes.containsKey(name)) {
        throw new IllegalArgumentException("health probe '" + name + "' is already registered");
      }
      probes.put(name, probe);
      return this;
    }

    /**
     * Sets the clock for due times, durations and timestamps; default {@link Clock#system()}. Tests
     * pass a fake clock, and the same object as {@link #scheduler(Scheduler)}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the scheduler that starts runs and times them out. Default: a {@link DefaultScheduler}
     * of the registry's own (thread {@code tailguard-health-N}), stopped by {@link #close()}. An
     * injected scheduler is not stopped.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor that runs checks. Default: a pool of its own of {@link #probeThreads(int)}
     * daemon threads, stopped by {@link #close()}. An injected executor is not stopped; the
     * registry still interrupts its own running checks on close. Each probe occupies at most one of
     * its threads at a time.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Validate.notNull("executor", executor);
      return this;
    }

    /**
     * Sets the size of the default executor, in [1, 256]; default {@value
     * HealthRegistry#DEFAULT_PROBE_THREADS}. Up to this many probes can hang at once without
     * delaying the others. Not allowed together with {@link #executor(Executor)}.
     *
     * @param threads the number of threads
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder probeThreads(int threads) {
      this.probeThreads = Validate.inRange("probeThreads", threads, 1, MAX_PROBE_THREADS);
      this.probeThreadsSet = true;
      return this;
    }

    /**
     * Sets how long each phase of {@link HealthRegistry#close()} waits, in [0, 5m]; default 5s.
     *
     * @param grace the grace period
     * @return this builder
     * @throws IllegalArgumentException if {@code null} or out of range
     */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace =
          Validate.inRange("shutdownGrace", grace, Duration.ZERO, MAX_SHUTDOWN_GRACE);
      return this;
    }

    /**
     * Creates the registry and starts its probes.
     *
     * @return the registry
     * @throws IllegalArgumentException if both an executor and a thread count were given
     */
    public HealthRegistry build() {
      if (executor != null && probeThreadsSet) {
        throw new IllegalArgumentException(
            "probeThreads sizes the default executor and must not be set together with an"
                + " executor, was probeThreads="
                + probeThreads);
      }
      HealthRegistry registry = new HealthRegistry(this);
      for (HealthProbe p : probes.values()) {
        registry.register(p);
      }
      return registry;
    }
  }
}
