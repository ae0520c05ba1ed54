package io.tailguard.core.hedge;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.InstanceTable;
import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The named hedgers of an application, created from {@code defaults} merged with per-instance
 * settings, sharing one scheduler and one executor.
 *
 * <p>Hedgers named in {@link Builder#instance(String, HedgeConfig)} exist from the start. Any other
 * name asked of {@link #hedger(String)} gets a hedger with the defaults, unless the registry is
 * strict. With {@link Builder#breakers(CircuitBreakerRegistry)}, a hedger whose name is also the
 * name of an existing breaker sends every attempt through that breaker.
 *
 * <p>This class is thread-safe. {@link #close()} stops every hedger and the shared threads.
 */
public final class HedgerRegistry implements AutoCloseable {

  private static final String ENGINE = "hedger";

  // The hedgers, their own settings, the defaults and the hooks; thread-safe on its own.
  private final InstanceTable<Hedger, HedgeConfig> table;
  private final EventListeners<HedgeEvent> listeners = new EventListeners<>();
  private final Clock clock;
  private final Scheduler scheduler;
  private final DefaultScheduler ownedScheduler;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final CircuitBreakerRegistry breakers;
  private final Duration closeGrace;
  private final io.tailguard.core.telemetry.CallRecorder recorder;

  private HedgerRegistry(Builder b) {
    this.clock = b.clock;
    this.breakers = b.breakers;
    this.closeGrace = b.closeGrace;
    this.recorder = b.recorder;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedScheduler = null;
    } else {
      this.ownedScheduler = new DefaultScheduler("hedge", b.closeGrace);
      this.scheduler = ownedScheduler;
    }
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = HedgeExecutors.newDefault();
      this.executor = ownedExecutor;
    }
    this.table =
        InstanceTable.<Hedger, HedgeConfig>builder(ENGINE, "hedger registry")
            .strict(b.strict)
            .defaults(b.defaults)
            .factory(this::create)
            .reconfigurer(Hedger::reconfigure)
            .build();
    b.instances.forEach(table::preload);
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  private Hedger create(String name, HedgeConfig config) {
    Hedger.Builder b =
        Hedger.builder(name)
            .config(config)
            .clock(clock)
            .scheduler(scheduler)
            .executor(executor)
            .closeGrace(closeGrace)
            .parent(listeners);
    if (breakers != null) {
      breakers.find(name).ifPresent(b::breaker);
    }
    if (recorder != null) {
      b.recorder(recorder);
    }
    return b.build();
  }

  /**
   * Returns the hedger with this name, creating it with the defaults unless the registry is strict.
   *
   * @param name the name
   * @return the hedger
   * @throws UnknownInstanceException if strict and the name was not configured
   * @throws IllegalStateException if the registry is closed
   */
  public Hedger hedger(String name) {
    return table.get(name);
  }

  /**
   * Returns the hedger with this name if it exists.
   *
   * @param name the name
   * @return the hedger, or empty
   */
  public Optional<Hedger> find(String name) {
    return table.find(name);
  }

  /**
   * Returns the hedgers.
   *
   * @return an unmodifiable live view
   */
  public Collection<Hedger> hedgers() {
    return table.values();
  }

  /**
   * Returns the hedger names.
   *
   * @return an unmodifiable live view
   */
  public Set<String> names() {
    return table.names();
  }

  /**
   * Returns the defaults.
   *
   * @return the defaults
   */
  public HedgeConfig defaults() {
    return table.defaults();
  }

  /**
   * Returns every hedger's {@link Hedger#describe()}, sorted by name.
   *
   * @return the descriptions
   */
  public Map<String, Map<String, Object>> describe() {
    return table.describe(Hedger::describe);
  }

  /**
   * Gives one hedger its own settings, creating it if needed; an existing one keeps its learned
   * state as {@link Hedger#reconfigure(HedgeConfig)} describes.
   *
   * @param name the name
   * @param config the settings
   * @return the hedger
   */
  public Hedger reconfigure(String name, HedgeConfig config) {
    return table.reconfigure(name, config);
  }

  /**
   * Replaces the defaults and applies them to every hedger without its own settings.
   *
   * @param config the new defaults
   */
  public void reconfigureDefaults(HedgeConfig config) {
    table.reconfigureDefaults(config);
  }

  /**
   * Takes away one hedger's own settings, as a configuration that no longer names it does. The
   * hedger goes on with the defaults and keeps what it learnt as {@link
   * Hedger#reconfigure(HedgeConfig)} describes; in a strict registry, where the name is then
   * unknown, it is removed instead.
   *
   * @param name the name
   * @return the hedger now on the defaults, or empty if there is none
   */
  public Optional<Hedger> useDefaults(String name) {
    return table.useDefaults(name);
  }

  /**
   * Removes a hedger: the registry stops serving it (a later lookup of a non-strict registry
   * creates a new one). It is not closed: its calls in flight run to their end, and callers still
   * holding it may go on using it until the registry closes (its threads are the registry's).
   *
   * @param name the name
   * @return the removed hedger, or empty
   */
  public Optional<Hedger> remove(String name) {
    return table.remove(name);
  }

  /**
   * Calls {@code hook} for every hedger present now and every one added later (by name lookup,
   * {@code reconfigure} or a configuration reload), for example to register its metrics.
   *
   * @param hook called once per hedger, on the thread that added it
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super Hedger> hook) {
    return table.onAdded(hook);
  }

  /**
   * Calls {@code hook} for every hedger removed from now on.
   *
   * @param hook called once per removed hedger
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super Hedger> hook) {
    return table.onRemoved(hook);
  }

  /**
   * Adds a listener for the events of every hedger, present and future.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super HedgeEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Closes every hedger, then stops the scheduler and executor the registry owns: gracefully, then
   * by interrupting after the grace period.
   */
  @Override
  public void close() {
    table.close();
    table.values().forEach(Hedger::close);
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    if (ownedExecutor != null) {
      Shutdown.stop(ownedExecutor, closeGrace);
    }
  }

  /**
   * Returns whether the threads the registry owns have ended.
   *
   * @return {@code true} once they have
   */
  public boolean isTerminated() {
    return (ownedScheduler == null || ownedScheduler.isTerminated())
        && (ownedExecutor == null || ownedExecutor.isTerminated());
  }

  /**
   * Builds a {@link HedgerRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private HedgeConfig defaults = HedgeConfig.defaults();
    private final Map<String, HedgeConfig> instances = new LinkedHashMap<>();
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private Executor executor;
    private CircuitBreakerRegistry breakers;
    private Duration closeGrace = Shutdown.DEFAULT_GRACE;
    private boolean strict;
    private io.tailguard.core.telemetry.CallRecorder recorder;

    private Builder() {}

    /**
     * Reports every hedger's calls to a recorder, such as the telemetry hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(io.tailguard.core.telemetry.CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    /**
     * Sets the settings of hedgers not configured by name.
     *
     * @param defaults the defaults
     * @return this builder
     */
    public Builder defaults(HedgeConfig defaults) {
      this.defaults = Validate.notNull("defaults", defaults);
      return this;
    }

    /**
     * Configures a named hedger; it exists from the start.
     *
     * @param name the name
     * @param config its settings
     * @return this builder
     */
    public Builder instance(String name, HedgeConfig config) {
      InstanceNames.check(ENGINE, name);
      instances.put(name, Validate.notNull("instances." + name, config));
      return this;
    }

    /**
     * Sets the clock of every hedger.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the shared scheduler, owned by the caller; default one owned by the registry.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the shared executor, owned by the caller; default one owned by the registry.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Validate.notNull("executor", executor);
      return this;
    }

    /**
     * Sends the attempts of each hedger through the breaker of the same name, where one exists.
     *
     * @param breakers the breakers
     * @return this builder
     */
    public Builder breakers(CircuitBreakerRegistry breakers) {
      this.breakers = Validate.notNull("breakers", breakers);
      return this;
    }

    /**
     * Sets the grace period of each shutdown phase; default 5s.
     *
     * @param grace the grace period, in [0, 1h]
     * @return this builder
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Shutdown.checkGrace(grace);
      return this;
    }

    /**
     * Makes {@link HedgerRegistry#hedger(String)} refuse names that were not configured.
     *
     * @param strict whether to refuse unknown names
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Creates the registry.
     *
     * @return the registry
     */
    public HedgerRegistry build() {
      return new HedgerRegistry(this);
    }
  }
}
