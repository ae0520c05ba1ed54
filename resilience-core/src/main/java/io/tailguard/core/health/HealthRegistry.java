package io.tailguard.core.health;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitConfig;
import io.tailguard.core.breaker.CircuitMetrics;
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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
   * Concurrency.
   *
   * Threads: the scheduler thread runs ticks (start a run, schedule the next tick) and timeouts;
   * probe threads run checks; callers register, remove, reconfigure, read and close.
   *
   * Registry fields:
   * - `probes` (ConcurrentHashMap) and `config` (volatile) are written under `lifecycleLock`, so
   *   a probe registered concurrently with a reconfiguration either is in the list the
   *   reconfiguration refreshes or was created from the new config. Readers read them lock-free.
   * - `closed` (volatile) is set once, under `lifecycleLock` and `runsLock` both, so that after
   *   close() has set it no register() succeeds and no run is tracked (track() checks it under
   *   `runsLock`).
   * - `inFlight` (guarded by `runsLock`) holds every run from the moment it is started until its
   *   check returns or it is cancelled before starting; `runsEnded` is signalled when it empties.
   *
   * Per probe (class Probe), every mutable field is guarded by the Probe's monitor: its settings,
   * its scheduling (`scheduleGeneration`, `nextTask`, due times), its status and counters and its
   * pending events. `snapshot` (volatile) is an immutable ProbeReport rebuilt under the monitor
   * after every change, so readers never lock. A tick carries the generation it was scheduled in
   * and does nothing if the generation moved on (reconfigured, disabled, removed, closed), so a
   * cancelled tick that was already running cannot schedule a second chain.
   * `current` (AtomicReference) is the run in flight; only a tick sets it (from null), and the
   * run clears it when its check returns or it is cancelled before starting. That is the whole
   * no-overlap rule: a tick that finds it non-null skips.
   *
   * Per run (class Run): `settled` (AtomicBoolean) decides who records the run's outcome: the
   * check returning, the timeout, or the executor refusing it; the first compareAndSet wins and the
   * others record nothing. `state` and `thread` are guarded by the Run's monitor and make the
   * interrupt safe: the timeout interrupts `thread` only while the check is still inside the Run
   * (state RUNNING), and the Run, when the check returns, clears the interrupt it was sent before
   * its thread goes back to the pool. So an interrupt meant for one check can never hit a later
   * task on the same thread (the protocol of FutureTask.cancel(true)).
   *
   * Events: state changes enqueue their events under the Probe's monitor; deliver() then hands
   * them to the listeners outside any lock, one thread at a time per probe (`delivering`), so the
   * events of one probe arrive in order and a listener may call back into the registry.
   *
   * Lock order: lifecycleLock -> runsLock. A Probe's monitor and a Run's monitor are never held
   * together, and neither is held while listeners run.
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

  /** Idle threads of the default executor end after this long. */
  private static final long THREAD_KEEP_ALIVE_SECONDS = 60;

  /** How long close() waits for a thread of the default executor that has already finished. */
  private static final long THREAD_EXIT_JOIN_MILLIS = 1000;

  private static final String ENGINE = "health probe";
  private static final long NEVER = Long.MIN_VALUE;
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);
  private static final AtomicInteger THREAD_SEQUENCE = new AtomicInteger();

  private final Clock clock;
  private final Scheduler scheduler;
  private final DefaultScheduler ownedScheduler; // null when the scheduler was injected
  private final Executor executor;
  private final ThreadPoolExecutor ownedExecutor; // null when the executor was injected
  private final Set<Thread> ownedThreads = ConcurrentHashMap.newKeySet();
  private final Duration shutdownGrace;
  private final EventListeners<HealthEvent> listeners = new EventListeners<>();
  private final ConcurrentMap<String, Probe> probes = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<BreakerSource> breakerSources = new CopyOnWriteArrayList<>();
  private final Object lifecycleLock = new Object();
  private final ReentrantLock runsLock = new ReentrantLock();
  private final Condition runsEnded = runsLock.newCondition();

  // Guarded by runsLock.
  private final Set<Run> inFlight = new HashSet<>();

  private volatile HealthConfig config;
  private volatile boolean closed;

  private HealthRegistry(Builder b) {
    this.clock = b.clock;
    this.config = b.config;
    this.shutdownGrace = b.shutdownGrace;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedScheduler = null;
    } else {
      this.ownedScheduler = new DefaultScheduler("health", b.shutdownGrace);
      this.scheduler = ownedScheduler;
    }
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      // The queue is unbounded in type but holds at most one run per probe: runs never overlap.
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              b.probeThreads,
              b.probeThreads,
              THREAD_KEEP_ALIVE_SECONDS,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              new ProbeThreadFactory(ownedThreads));
      pool.allowCoreThreadTimeOut(true);
      this.ownedExecutor = pool;
      this.executor = pool;
    }
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
    Probe p;
    synchronized (lifecycleLock) {
      if (closed) {
        throw new IllegalStateException(
            "the health registry is closed; health probe '" + name + "' was not registered");
      }
      if (probes.containsKey(name)) {
        throw new IllegalArgumentException("health probe '" + name + "' is already registered");
      }
      p = new Probe(name, probe, config.settingsFor(name));
      probes.put(name, p);
    }
    p.start();
    for (Consumer<? super String> hook : addedHooks) {
      hook.accept(name);
    }
  }

  // Told the names of probes as they are registered and removed; copy-on-write.
  private final java.util.concurrent.CopyOnWriteArrayList<Consumer<? super String>> addedHooks =
      new CopyOnWriteArrayList<>();
  private final java.util.concurrent.CopyOnWriteArrayList<Consumer<? super String>> removedHooks =
      new CopyOnWriteArrayList<>();

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
    Probe p;
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
    Probe p = probes.get(name == null ? "" : name);
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
    Probe p = name == null ? null : probes.get(name);
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
    return addSource(new RegistrySource(registry));
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
    return addSource(new SingleSource(breaker));
  }

  private Subscription addSource(BreakerSource source) {
    synchronized (lifecycleLock) {
      for (BreakerSource s : breakerSources) {
        if (s.owner() == source.owner()) {
          throw new IllegalArgumentException(source.owner() + " is already a health source");
        }
      }
      breakerSources.add(source);
    }
    return () -> breakerSources.remove(source);
  }

  /**
   * Returns the live health of every breaker source, sorted by name. If two sources hold breakers
   * of the same name, the later ones are listed as {@code name#2}, {@code name#3}, ...
   *
   * @return the statuses
   */
  public Map<String, HealthStatus> breakerStatuses() {
    Map<String, HealthStatus> statuses = new TreeMap<>();
    collectBreakers((key, entry) -> statuses.put(key, entry.status));
    return statuses;
  }

  private void collectBreakers(java.util.function.BiConsumer<String, BreakerEntry> sink) {
    Set<String> seen = new HashSet<>();
    for (BreakerSource source : breakerSources) {
      for (BreakerEntry entry : source.entries()) {
        String key = entry.name;
        for (int n = 2; !seen.add(key); n++) {
          key = entry.name + "#" + n;
        }
        sink.accept(key, entry);
      }
    }
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
    for (Probe p : probes.values()) {
      ProbeReport r = p.snapshot;
      if (r.enabled()) {
        worst = worst.worst(r.status());
      }
    }
    for (BreakerSource source : breakerSources) {
      for (BreakerEntry entry : source.entries()) {
        worst = worst.worst(entry.status);
      }
    }
    return worst;
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
    return closed;
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
    collectBreakers((key, entry) -> breakerMaps.put(key, entry.describe));
    d.put("breakers", breakerMaps);
    HealthConfig c = config;
    Set<String> unmatched = new TreeSet<>(c.probes().keySet());
    unmatched.removeAll(probes.keySet());
    d.put("unmatchedOverrides", List.copyOf(unmatched));
    d.put("closed", closed);
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
    List<Probe> affected;
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
    for (Probe p : affected) {
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
      if (closed) {
        return;
      }
      runsLock.lock();
      try {
        closed = true;
      } finally {
        runsLock.unlock();
      }
    }
    // Phase 1: stop scheduling, drop runs that have not started, wait for running checks.
    for (Probe p : probes.values()) {
      p.stopScheduling(false);
    }
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    for (Run run : inFlightRuns()) {
      if (run.cancelIfQueued()) {
        run.settled.set(true);
        run.end();
      }
    }
    boolean interrupted = false;
    boolean idle;
    try {
      idle = awaitRuns(shutdownGrace);
    } catch (InterruptedException e) {
      interrupted = true;
      idle = false;
    }
    // Phase 2: interrupt what is still running and wait again.
    if (!idle) {
      for (Run run : inFlightRuns()) {
        run.settled.set(true); // the outcome of a check cut short by shutdown is not recorded
        if (run.stop() == Run.QUEUED) {
          run.end();
        }
      }
      if (!interrupted) {
        try {
          idle = awaitRuns(shutdownGrace);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (ownedExecutor != null) {
      if (idle) {
        ownedExecutor.shutdown();
      } else {
        ownedExecutor.shutdownNow();
      }
      if (idle && !interrupted) {
        try {
          if (ownedExecutor.awaitTermination(shutdownGrace.toNanos(), TimeUnit.NANOSECONDS)) {
            joinOwnedThreads();
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (!idle) {
      List<String> stuck = new ArrayList<>();
      for (Run run : inFlightRuns()) {
        stuck.add(run.probe.name);
      }
      log.atWarn()
          .addKeyValue("name", NAME)
          .addKeyValue("probes", stuck)
          .setMessage(
              "Health probes {} did not return within {} after an interrupt; their checks ignore"
                  + " interrupts and their threads outlive close()")
          .addArgument(stuck)
          .addArgument(Durations.format(shutdownGrace))
          .log();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void joinOwnedThreads() throws InterruptedException {
    // awaitTermination() returns once the last worker has left its loop, a moment before its
    // thread ends; joining makes "no thread outlives close()" exact.
    for (Thread t : ownedThreads) {
      if (t != Thread.currentThread()) {
        t.join(THREAD_EXIT_JOIN_MILLIS);
      }
    }
  }

  private List<Run> inFlightRuns() {
    runsLock.lock();
    try {
      return new ArrayList<>(inFlight);
    } finally {
      runsLock.unlock();
    }
  }

  private boolean awaitRuns(Duration grace) throws InterruptedException {
    runsLock.lock();
    try {
      long nanos = grace.toNanos();
      while (!inFlight.isEmpty()) {
        if (nanos <= 0) {
          return false;
        }
        nanos = runsEnded.awaitNanos(nanos);
      }
      return true;
    } finally {
      runsLock.unlock();
    }
  }

  private boolean track(Run run) {
    runsLock.lock();
    try {
      if (closed) {
        return false;
      }
      inFlight.add(run);
      return true;
    } finally {
      runsLock.unlock();
    }
  }

  private void untrack(Run run) {
    runsLock.lock();
    try {
      if (inFlight.remove(run) && inFlight.isEmpty()) {
        runsEnded.signalAll();
      }
    } finally {
      runsLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "HealthRegistry[" + probes.size() + " probes, " + status() + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  /** Starts one run of a probe; called by its tick on the scheduler thread. */
  private void startRun(Probe p, HealthConfig.ProbeSettings settings) {
    long start = clock.nanoTime();
    Run running = p.current.get();
    if (running != null) {
      p.skip(running, start);
      return;
    }
    Run run = new Run(p, settings, start);
    if (!p.current.compareAndSet(null, run)) {
      p.skip(p.current.get(), start);
      return;
    }
    if (!track(run)) {
      p.current.compareAndSet(run, null); // closed meanwhile
      return;
    }
    try {
      run.timeoutTask = scheduler.schedule(() -> onTimeout(run), settings.timeout());
    } catch (RejectedExecutionException e) {
      refused(run, "the scheduler refused the run's timeout", e);
      return;
    }
    try {
      executor.execute(run);
    } catch (RuntimeException e) { // RejectedExecutionException, or a broken injected executor
      refused(run, "the probe executor refused the run", e);
    }
  }

  private void refused(Run run, String what, RuntimeException e) {
    if (run.settled.compareAndSet(false, true)) {
      run.cancelIfQueued();
      if (!closed) {
        run.probe.recordFailure(
            run, HealthReason.REJECTED, what + ": " + text(e), e, clock.nanoTime());
      }
    }
    run.end();
  }

  private void onTimeout(Run run) {
    if (!run.settled.compareAndSet(false, true)) {
      return;
    }
    run.timedOut = true;
    int was = run.stop();
    boolean interrupted = was == Run.RUNNING || was == Run.INTERRUPTED;
    run.probe.recordTimeout(run, interrupted, clock.nanoTime());
    if (was == Run.QUEUED) {
      run.end();
    }
  }

  private static String text(Throwable t) {
    String s;
    try {
      s = t.toString();
    } catch (RuntimeException e) {
      s = t.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
    }
    return s.length() > MAX_ERROR_LENGTH ? s.substring(0, MAX_ERROR_LENGTH) + "..." : s;
  }

  private static Instant instant(long millis) {
    return millis == NEVER ? null : Instant.ofEpochMilli(millis);
  }

  /** One run of one probe: from its due time until its check returns or it is cancelled. */
  private final class Run implements Runnable {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int INTERRUPTED = 2;
    static final int DONE = 3;
    static final int CANCELLED = 4;

    final Probe probe;
    final HealthConfig.ProbeSettings settings;
    final long startNanos;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile boolean timedOut;
    volatile Scheduler.ScheduledTask timeoutTask;

    // Guarded by this Run's monitor.
    private int state = QUEUED;
    private Thread thread;

    Run(Probe probe, HealthConfig.ProbeSettings settings, long startNanos) {
      this.probe = probe;
      this.settings = settings;
      this.startNanos = startNanos;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (state != QUEUED) {
          return; // cancelled before it started; whoever cancelled it ended it
        }
        state = RUNNING;
        thread = Thread.currentThread();
      }
      HealthCheckResult result = null;
      Throwable failure = null;
      try {
        result = probe.check.check();
      } catch (Throwable t) {
        failure = t;
      }
      boolean interruptedByUs;
      synchronized (this) {
        interruptedByUs = state == INTERRUPTED;
        state = DONE;
        thread = null;
      }
      if (interruptedByUs) {
        Thread.interrupted(); // the interrupt was for this check; the thread goes back clean
      }
      try {
        if (settled.compareAndSet(false, true)) {
          probe.recordResult(this, result, failure, clock.nanoTime());
        }
      } finally {
        end();
      }
      if (failure instanceof VirtualMachineError) {
        throw (VirtualMachineError) failure;
      }
    }

    /** Cancels the run if its check has not started. */
    synchronized boolean cancelIfQueued() {
      if (state == QUEUED) {
        state = CANCELLED;
        return true;
      }
      return false;
    }

    /**
     * Cancels the run if it has not started, interrupts its check if it is running.
     *
     * @return the state before
     */
    synchronized int stop() {
      int was = state;
      if (was == QUEUED) {
        state = CANCELLED;
      } else if (was == RUNNING || was == INTERRUPTED) {
        state = INTERRUPTED;
        thread.interrupt();
      }
      return was;
    }

    /** Ends the run: called once, by its thread when the check returns or by who cancelled it. */
    void end() {
      Scheduler.ScheduledTask t = timeoutTask;
      if (t != null) {
        t.cancel();
      }
      probe.current.compareAndSet(this, null);
      untrack(this);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Probes

  /** A registered probe: its schedule, status and counters. See the concurrency comment. */
  private final class Probe {
    final String name;
    final HealthProbe check;
    final AtomicReference<Run> current = new AtomicReference<>();
    volatile ProbeReport snapshot;

    // Guarded by this Probe's monitor.
    private HealthConfig.ProbeSettings settings;
    private long scheduleGeneration;
    private Scheduler.ScheduledTask nextTask;
    private long nextDueNanos;
    private long lastDueNanos;
    private boolean hasRun;
    private boolean removed;
    private HealthStatus status = HealthStatus.UP;
    private int consecutiveFailures;
    private HealthReason lastReason;
    private Map<String, Object> details = Map.of();
    private long lastCheckedAtMillis = NEVER;
    private long lastSuccessAtMillis = NEVER;
    private String lastError;
    private long lastDurationNanos = NEVER;
    private long runs;
    private long failures;
    private long timeouts;
    private long skippedRuns;
    private final ArrayDeque<HealthEvent> pending = new ArrayDeque<>();
    private boolean delivering;

    Probe(String name, HealthProbe check, HealthConfig.ProbeSettings settings) {
      this.name = name;
      this.check = check;
      this.settings = settings;
      this.snapshot = buildSnapshot();
    }

    ProbeReport report() {
      ProbeReport r = snapshot;
      Run run = current.get();
      if (run == null) {
        return r;
      }
      return new ProbeReport(
          r.name(),
          r.settings(),
          r.status(),
          r.consecutiveFailures(),
          r.lastReason(),
          r.details(),
          r.lastCheckedAt(),
          r.lastSuccessAt(),
          r.lastError(),
          r.lastDuration(),
          Duration.ofNanos(Math.max(0, clock.nanoTime() - run.startNanos)),
          r.runs(),
          r.failures(),
          r.timeouts(),
          r.skippedRuns());
    }

    // Called with the monitor held.
    private ProbeReport buildSnapshot() {
      return new ProbeReport(
          name,
          settings,
          status,
          consecutiveFailures,
          lastReason,
          details,
          instant(lastCheckedAtMillis),
          instant(lastSuccessAtMillis),
          lastError,
          lastDurationNanos == NEVER ? null : Duration.ofNanos(lastDurationNanos),
          null,
          runs,
          failures,
          timeouts,
          skippedRuns);
    }

    // -- scheduling

    synchronized void start() {
      if (settings.enabled() && !closed && !removed) {
        scheduleAt(clock.nanoTime());
      }
    }

    void stopScheduling(boolean remove) {
      synchronized (this) {
        if (remove) {
          removed = true;
        }
        scheduleGeneration++;
        cancelNext();
      }
    }

    // Called with the monitor held.
    private void scheduleAt(long dueNanos) {
      long generation = ++scheduleGeneration;
      cancelNext();
      nextDueNanos = dueNanos;
      long delay = Math.max(0, dueNanos - clock.nanoTime());
      try {
        nextTask = scheduler.schedule(() -> tick(generation, dueNanos), Duration.ofNanos(delay));
      } catch (RejectedExecutionException e) {
        nextTask = null;
        if (!closed) {
          log.atWarn()
              .addKeyValue("name", name)
              .setMessage("Health probe '{}' cannot be scheduled and will not run again: {}")
              .addArgument(name)
              .addArgument(text(e))
              .log();
        }
      }
    }

    // Called with the monitor held.
    private void cancelNext() {
      if (nextTask != null) {
        nextTask.cancel();
        nextTask = null;
      }
    }

    /** Runs on the scheduler thread when a run is due. */
    void tick(long generation, long dueNanos) {
      HealthConfig.ProbeSettings s;
      synchronized (this) {
        if (generation != scheduleGeneration || removed || closed || !settings.enabled()) {
          return;
        }
        nextTask = null;
        s = settings;
        hasRun = true;
        lastDueNanos = dueNanos;
        long intervalNanos = s.interval().toNanos();
        long next = dueNanos + intervalNanos;
        long now = clock.nanoTime();
        if (next - now <= 0) {
          next =
              now + intervalNanos; // fell behind by a whole interval: missed runs are not made up
        }
        scheduleAt(next);
      }
      startRun(this, s);
    }

    /** Takes the current config's settings for this probe; see reconfigure(). */
    void refresh() {
      synchronized (this) {
        if (removed) {
          return;
        }
        HealthConfig.ProbeSettings next = config.settingsFor(name);
        HealthConfig.ProbeSettings prev = settings;
        if (next.equals(prev)) {
          return;
        }
        settings = next;
        if (!closed) {
          if (!next.enabled()) {
            scheduleGeneration++;
            cancelNext();
          } else if (!prev.enabled()) {
            scheduleAt(clock.nanoTime());
          } else if (!next.interval().equals(prev.interval())) {
            long now = clock.nanoTime();
            long due = hasRun ? lastDueNanos + next.interval().toNanos() : nextDueNanos;
            scheduleAt(due - now < 0 ? now : due);
          }
        }
        if (next.failureThreshold() != prev.failureThreshold() && consecutiveFailures > 0) {
          HealthStatus from = status;
          status =
              consecutiveFailures >= next.failureThreshold()
                  ? HealthStatus.DOWN
                  : HealthStatus.DEGRADED;
          announce(from, HealthReason.THRESHOLD_CHANGED);
        }
        snapshot = buildSnapshot();
      }
      deliver();
    }

    // -- outcomes

    void recordResult(Run run, HealthCheckResult result, Throwable failure, long endNanos) {
      if (failure != null) {
        recordFailure(run, HealthReason.PROBE_ERROR, text(failure), failure, endNanos);
      } else if (result == null) {
        recordFailure(
            run,
            HealthReason.PROBE_ERROR,
            "check() returned null instead of a HealthCheckResult",
            null,
            endNanos);
      } else if (result.status() == HealthStatus.DOWN) {
        Object reason = result.details().get("reason");
        recordFailure(
            run,
            HealthReason.PROBE_DOWN,
            "the probe reported DOWN" + (reason == null ? "" : ": " + reason),
            null,
            endNanos,
            result.details());
      } else {
        synchronized (this) {
          HealthStatus from = status;
          endRun(run, endNanos);
          HealthReason reason =
              result.status() == HealthStatus.UP
                  ? HealthReason.PROBE_UP
                  : HealthReason.PROBE_DEGRADED;
          lastReason = reason;
          details = result.details();
          consecutiveFailures = 0;
          lastSuccessAtMillis = lastCheckedAtMillis;
          status = result.status();
          announce(from, reason);
          snapshot = buildSnapshot();
        }
        deliver();
      }
    }

    void recordFailure(
        Run run, HealthReason reason, String error, Throwable failure, long endNanos) {
      recordFailure(run, reason, error, failure, endNanos, Map.of());
    }

    private void recordFailure(
        Run run,
        HealthReason reason,
        String error,
        Throwable failure,
        long endNanos,
        Map<String, Object> resultDetails) {
      synchronized (this) {
        HealthStatus from = status;
        endRun(run, endNanos);
        details = resultDetails;
        fail(reason, error);
        if (!listeners.isEmpty()) {
          pending.add(
              new HealthEvent.ProbeFailed(
                  name, clock.instant(), reason, error, failure, consecutiveFailures));
        }
        log.atDebug()
            .addKeyValue("name", name)
            .addKeyValue("reason", reason)
            .addKeyValue("consecutive_failures", consecutiveFailures)
            .setMessage("Health probe '{}' failed: {}")
            .addArgument(name)
            .addArgument(error)
            .log();
        announce(from, reason);
        snapshot = buildSnapshot();
      }
      deliver();
    }

    void recordTimeout(Run run, boolean interrupted, long endNanos) {
      synchronized (this) {
        HealthStatus from = status;
        endRun(run, endNanos);
        timeouts++;
        details = Map.of();
        String error =
            "no result within "
                + Durations.format(run.settings.timeout())
                + (interrupted
                    ? "; the check was interrupted"
                    : "; the run was still waiting for a probe thread and was dropped");
        fail(HealthReason.TIMEOUT, error);
        if (!listeners.isEmpty()) {
          pending.add(
              new HealthEvent.ProbeTimedOut(
                  name, clock.instant(), run.settings.timeout(), interrupted, consecutiveFailures));
        }
        log.atDebug()
            .addKeyValue("name", name)
            .addKeyValue("reason", HealthReason.TIMEOUT)
            .addKeyValue("consecutive_failures", consecutiveFailures)
            .setMessage("Health probe '{}' timed out: {}")
            .addArgument(name)
            .addArgument(error)
            .log();
        announce(from, HealthReason.TIMEOUT);
        snapshot = buildSnapshot();
      }
      deliver();
    }

    /** A tick found the previous run still going. */
    void skip(Run running, long now) {
      synchronized (this) {
        HealthStatus from = status;
        skippedRuns++;
        Duration runningFor =
            running == null
                ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, now - running.startNanos));
        boolean counted = running != null && running.timedOut;
        if (counted) {
          lastReason = HealthReason.STILL_RUNNING;
          fail(
              HealthReason.STILL_RUNNING,
              "the run due "
                  + Durations.format(runningFor)
                  + " ago is still going after its timeout of "
                  + Durations.format(running.settings.timeout())
                  + "; its check ignores the interrupt");
        }
        if (!listeners.isEmpty()) {
          pending.add(
              new HealthEvent.RunSkipped(
                  name, clock.instant(), runningFor, counted, consecutiveFailures));
        }
        log.atDebug()
            .addKeyValue("name", name)
            .addKeyValue("running_for_ms", runningFor.toMillis())
            .setMessage("Health probe '{}' run skipped: the previous run is still going")
            .addArgument(name)
            .log();
        if (counted) {
          announce(from, HealthReason.STILL_RUNNING);
        }
        snapshot = buildSnapshot();
      }
      deliver();
    }

    // Called with the monitor held: the common part of every run's end.
    private void endRun(Run run, long endNanos) {
      runs++;
      lastCheckedAtMillis = clock.currentTimeMillis();
      lastDurationNanos = Math.max(0, endNanos - run.startNanos);
    }

    // Called with the monitor held.
    private void fail(HealthReason reason, String error) {
      failures++;
      if (consecutiveFailures < Integer.MAX_VALUE) {
        consecutiveFailures++;
      }
      lastReason = reason;
      lastError = error;
      status =
          consecutiveFailures >= settings.failureThreshold()
              ? HealthStatus.DOWN
              : HealthStatus.DEGRADED;
    }

    // Called with the monitor held, after `status` was updated: logs and queues a change.
    private void announce(HealthStatus from, HealthReason reason) {
      if (from == status) {
        return;
      }
      String transition = from + " -> " + status;
      (status == HealthStatus.UP ? log.atInfo() : log.atWarn())
          .addKeyValue("name", name)
          .addKeyValue("transition", transition)
          .addKeyValue("reason", reason)
          .addKeyValue("consecutive_failures", consecutiveFailures)
          .addKeyValue("error", reason.isFailure() ? lastError : null)
          .setMessage("Health probe '{}' {} ({})")
          .addArgument(name)
          .addArgument(transition)
          .addArgument(reason)
          .log();
      if (!listeners.isEmpty()) {
        pending.add(
            new HealthEvent.StatusChanged(
                name, clock.instant(), from, status, reason, consecutiveFailures));
      }
    }

    /** Delivers the queued events, in order, outside the monitor, one thread at a time. */
    void deliver() {
      synchronized (this) {
        if (delivering || pending.isEmpty()) {
          return; // the thread delivering now (possibly this one, re-entered) takes them
        }
        delivering = true;
      }
      boolean done = false;
      try {
        for (; ; ) {
          HealthEvent e;
          synchronized (this) {
            e = pending.poll();
            if (e == null) {
              delivering = false;
              done = true;
              return;
            }
          }
          listeners.publish(e);
        }
      } finally {
        if (!done) {
          synchronized (this) {
            delivering = false;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Breaker sources

  /** One breaker's live health as the registry reports it. */
  private static final class BreakerEntry {
    final String name;
    final HealthStatus status;
    final Map<String, Object> describe;

    BreakerEntry(String name, HealthStatus status, Map<String, Object> describe) {
      this.name = name;
      this.status = status;
      this.describe = describe;
    }

    static BreakerEntry of(CircuitBreaker b) {
      CircuitMetrics m = b.metrics();
      CircuitConfig c = b.config();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("status", m.healthStatus().name());
      d.put("state", m.state().name());
      d.put("healthScore", m.healthScore());
      d.put("minHealthScore", c.minHealthScore());
      d.put("openHealthStatus", c.openHealthStatus().name());
      return new BreakerEntry(b.name(), m.healthStatus(), d);
    }

    static BreakerEntry of(GlobalFuse fuse) {
      HealthStatus status = fuse.isOpen() ? HealthStatus.DEGRADED : HealthStatus.UP;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("status", status.name());
      d.put("state", fuse.state().name());
      return new BreakerEntry(GlobalFuse.NAME, status, d);
    }
  }

  /** Breakers whose health is read live. */
  private interface BreakerSource {
    Object owner();

    List<BreakerEntry> entries();
  }

  private static final class RegistrySource implements BreakerSource {
    final CircuitBreakerRegistry registry;

    RegistrySource(CircuitBreakerRegistry registry) {
      this.registry = registry;
    }

    @Override
    public Object owner() {
      return registry;
    }

    @Override
    public List<BreakerEntry> entries() {
      List<BreakerEntry> entries = new ArrayList<>();
      entries.add(BreakerEntry.of(registry.globalFuse()));
      for (CircuitBreaker b : registry.breakers()) {
        entries.add(BreakerEntry.of(b));
      }
      return entries;
    }
  }

  private static final class SingleSource implements BreakerSource {
    final CircuitBreaker breaker;

    SingleSource(CircuitBreaker breaker) {
      this.breaker = breaker;
    }

    @Override
    public Object owner() {
      return breaker;
    }

    @Override
    public List<BreakerEntry> entries() {
      return List.of(BreakerEntry.of(breaker));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Threads and builder

  /** Names the default executor's threads and remembers them, so close() can join them. */
  private static final class ProbeThreadFactory implements ThreadFactory {
    private final Set<Thread> threads;

    ProbeThreadFactory(Set<Thread> threads) {
      this.threads = threads;
    }

    @Override
    public Thread newThread(Runnable r) {
      threads.removeIf(t -> !t.isAlive()); // forget threads that ended after idling
      Thread t = new Thread(r, THREAD_NAME_PREFIX + THREAD_SEQUENCE.incrementAndGet());
      t.setDaemon(true);
      threads.add(t);
      return t;
    }
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
