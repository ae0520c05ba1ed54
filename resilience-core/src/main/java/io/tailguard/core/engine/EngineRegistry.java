package io.tailguard.core.engine;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.ResilienceEvent;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.InstanceTable;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The named instances of one engine (breakers, hedgers, limiters, retriers), created from {@code
 * defaults} merged with per-instance settings and built with one {@link EngineContext}: what every
 * registry shares. A subclass says how an instance is created, reconfigured, described, retired and
 * closed, and names its lookups after its engine ({@code hedger(name)}, {@code hedgers()}).
 *
 * <p>Instances named in the builder exist from the start. Any other name looked up gets an instance
 * with the defaults, unless the registry is {@linkplain Builder#strict strict}, which refuses it
 * with {@link UnknownInstanceException}.
 *
 * <p>One rule for every engine on reconfiguration and removal: an instance whose settings do not
 * change on a reload ({@link #apply}) is not touched; one given new settings is reconfigured in
 * place and keeps its state as far as they allow; one whose own settings are taken away ({@link
 * #useDefaults}) goes on with the defaults; one removed is no longer served, its calls in flight
 * run to their end, and then it is closed. {@link #close()} refuses new names and {@code
 * reconfigure}, closes every instance, served or retiring (ending their calls in flight), and then
 * closes the context if the registry made it; a context given to the builder is left to its owner.
 *
 * <p>This class is thread-safe.
 *
 * @param <I> the instance type
 * @param <C> the settings type
 * @param <E> the event type of the instances
 */
public abstract class EngineRegistry<I, C, E extends ResilienceEvent> implements AutoCloseable {

  // The instances, their own settings, the defaults and the hooks; thread-safe on its own.
  private final InstanceTable<I, C> table;
  private final EventListeners<E> listeners = new EventListeners<>();
  private final EngineContext context;
  // Whether the registry made the context, and so closes it.
  private final boolean ownsContext;
  // The builder's customizers composed in order, or null; immutable.
  private final BiFunction<String, C, C> customizer;

  /**
   * Creates the registry, empty: the subclass calls {@link #preload()} once its own fields are set.
   *
   * @param b the builder
   * @param engine what the instances are, for messages (for example {@code hedger})
   * @param registry what the registry is, for messages (for example {@code hedger registry})
   * @param configField the name of the settings argument in messages (for example {@code policy})
   */
  // The table keeps method references to this registry's hooks but calls none of them until
  // preload(), which the subclass runs once its own fields are set (JDK 21+ lint: this-escape).
  @SuppressWarnings("this-escape")
  protected EngineRegistry(Builder<C, ?> b, String engine, String registry, String configField) {
    if (b.context != null && b.contextSet != null) {
      throw new IllegalArgumentException(
          "context: the "
              + registry
              + " was given a context and "
              + b.contextSet
              + "; set "
              + b.contextSet
              + " on the EngineContext instead");
    }
    this.ownsContext = b.context == null;
    this.context = ownsContext ? b.contextBuilder.build() : b.context;
    this.customizer = b.customizer;
    this.table =
        InstanceTable.<I, C>builder(engine, registry)
            .strict(b.strict)
            .defaults(b.defaults)
            .configField(configField)
            .factory((name, config) -> create(name, customized(engine, name, config)))
            .reconfigurer(
                (instance, config) ->
                    reconfigureInstance(instance, customized(engine, nameOf(instance), config)))
            .afterCreate(this::added)
            .retire(this::retire)
            .close(this::closeInstance)
            .build();
  }

  // The settings an instance gets: the configured ones passed through the customizers. The table
  // keeps the configured ones, so a reload that does not change them leaves the instance alone, and
  // one that does is customized again.
  private C customized(String engine, String name, C config) {
    if (customizer == null) {
      return config;
    }
    C c = customizer.apply(name, config);
    if (c == null) {
      throw new IllegalStateException(
          "a customizer returned no settings for " + engine + " " + name);
    }
    return c;
  }

  /** Creates the instances named in the builder; call once, at the end of the constructor. */
  protected void preload(Builder<C, ?> b) {
    b.instances.forEach(
        (name, config) -> {
          if (b.onDemand.contains(name)) {
            table.preloadOnDemand(name, config);
          } else {
            table.preload(name, config);
          }
        });
  }

  /**
   * Returns the table, for subclasses with lookups of their own.
   *
   * @return the table
   */
  // For the core's own registries, which live in other packages of the module; InstanceTable is
  // internal, so a subclass outside the core cannot use this.
  @SuppressWarnings("exports")
  protected InstanceTable<I, C> table() {
    return table;
  }

  /**
   * Returns the listeners every instance passes its events to.
   *
   * @return the listeners
   */
  protected EventListeners<E> listeners() {
    return listeners;
  }

  /**
   * Creates an instance; called holding the table's lock, so it must not call back into the
   * registry.
   *
   * @param name the name
   * @param config its settings
   * @return the instance
   */
  protected abstract I create(String name, C config);

  /**
   * Returns an instance's name.
   *
   * @param instance the instance
   * @return its name
   */
  protected abstract String nameOf(I instance);

  /**
   * Gives an existing instance new settings, keeping its state as far as they allow.
   *
   * @param instance the instance
   * @param config the settings
   */
  protected abstract void reconfigureInstance(I instance, C config);

  /**
   * Describes one instance: its settings and live state as plain values.
   *
   * @param instance the instance
   * @return the description
   */
  protected abstract Map<String, Object> describeInstance(I instance);

  /**
   * Called for every instance added after the registry was built, before the added hooks; default
   * nothing.
   *
   * @param instance the new instance
   */
  protected void added(I instance) {}

  /**
   * Retires a removed instance: closes it once its calls in flight have ended, without cancelling
   * or waiting for them. Default: closes it at once.
   *
   * @param instance the removed instance
   * @return a stage that completes once it is closed
   */
  protected CompletionStage<?> retire(I instance) {
    closeInstance(instance);
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Closes an instance as the registry closes: ends its calls in flight; default nothing.
   *
   * @param instance the instance
   */
  protected void closeInstance(I instance) {}

  /**
   * Returns the instance with this name, creating it with the defaults unless the registry is
   * strict.
   *
   * @param name the name
   * @return the instance
   * @throws UnknownInstanceException if strict and the name was not configured
   * @throws IllegalArgumentException if the name is invalid
   * @throws IllegalStateException if the registry is closed and the name is new
   */
  public I get(String name) {
    return table.get(name);
  }

  /**
   * Returns the instance with this name if it exists; never creates one.
   *
   * @param name the name
   * @return the instance, or empty
   */
  public Optional<I> find(String name) {
    return table.find(name);
  }

  /**
   * Returns the instance with this name if it exists or is configured to be created on demand
   * ({@link Builder#onDemand}), creating it then with its own settings; never creates one with the
   * defaults.
   *
   * @param name the name
   * @return the instance, or empty
   */
  public Optional<I> findOrCreateOnDemand(String name) {
    return table.findOrCreateHeld(name);
  }

  /**
   * Returns the instances served now (not those removed and still retiring).
   *
   * @return an unmodifiable live view
   */
  public Collection<I> instances() {
    return table.values();
  }

  /**
   * Returns the names of the instances served now.
   *
   * @return an unmodifiable live view
   */
  public Set<String> names() {
    return table.names();
  }

  /**
   * Returns the defaults.
   *
   * @return the settings of instances without their own
   */
  public C defaults() {
    return table.defaults();
  }

  /**
   * Returns the context the instances are built with.
   *
   * @return the context
   */
  public EngineContext context() {
    return context;
  }

  /**
   * Returns every instance's description, sorted by name.
   *
   * @return the descriptions
   */
  public Map<String, Map<String, Object>> describe() {
    return table.describe(this::describeInstance);
  }

  /**
   * Gives one instance its own settings, creating it if needed; an existing one is reconfigured in
   * place and keeps its state as far as they allow.
   *
   * @param name the name
   * @param config the settings
   * @return the instance
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the registry is closed
   */
  public I reconfigure(String name, C config) {
    return table.reconfigure(name, config);
  }

  /**
   * Replaces the defaults and applies them to every instance without settings of its own.
   *
   * @param config the new defaults
   * @throws IllegalArgumentException if {@code config} is {@code null}
   */
  public void reconfigureDefaults(C config) {
    table.reconfigureDefaults(config);
  }

  /**
   * Applies a whole new configuration, as a reload does, by the rule of the class description: an
   * instance whose settings do not change is not touched; one whose settings change is reconfigured
   * in place; a new name gets an instance; a name no longer configured goes on with the defaults
   * ({@link #useDefaults}).
   *
   * @param defaults the new defaults
   * @param instances every name's own settings
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the registry is closed and a name's settings changed
   */
  public void apply(C defaults, Map<String, C> instances) {
    table.apply(defaults, instances);
  }

  /**
   * Applies a whole new configuration as {@link #apply(Object, Map)} does, except that the names of
   * {@code onDemand} are created only when looked up, with their own settings in force then (see
   * {@link Builder#onDemand}); one already created is reconfigured in place, and a name no longer
   * among them gets its instance now.
   *
   * @param defaults the new defaults
   * @param instances every name's own settings
   * @param onDemand the names of {@code instances} created only when looked up
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the registry is closed and a name's settings changed
   */
  public void apply(C defaults, Map<String, C> instances, Set<String> onDemand) {
    table.apply(defaults, instances, onDemand);
  }

  /**
   * Takes away one instance's own settings, as a configuration that no longer names it does. The
   * instance goes on with the defaults and keeps its state as far as they allow; in a strict
   * registry, where the name is then unknown, it is removed instead.
   *
   * @param name the name
   * @return the instance now on the defaults, or empty if there is none
   */
  public Optional<I> useDefaults(String name) {
    return table.useDefaults(name);
  }

  /**
   * Removes an instance: the registry stops serving it at once (a later lookup of a non-strict
   * registry creates a new one), its calls in flight run to their end, and then it is closed; if
   * the registry closes first, they end then.
   *
   * @param name the name
   * @return the removed instance, or empty
   */
  public Optional<I> remove(String name) {
    return table.remove(name);
  }

  /**
   * Calls {@code hook} for every instance present now and every one added later (by name lookup,
   * {@code reconfigure} or a configuration reload), for example to register its metrics.
   *
   * @param hook called once per instance, on the thread that added it
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super I> hook) {
    return table.onAdded(hook);
  }

  /**
   * Calls {@code hook} for every instance removed from now on.
   *
   * @param hook called once per removed instance
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super I> hook) {
    return table.onRemoved(hook);
  }

  /**
   * Adds a listener for the events of every instance, present and future.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super E> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return table.isClosed();
  }

  /**
   * Closes the registry: refuses new names and {@code reconfigure}, closes every instance, served
   * or retiring, and then the context if the registry made it (stopping the threads it owns,
   * gracefully, then by interrupting after the grace period). Calling it again does nothing.
   */
  @Override
  public void close() {
    try {
      table.close();
    } finally {
      if (ownsContext) {
        context.close();
      }
    }
  }

  /**
   * Returns whether the threads the registry's own context started have ended; {@code true} if it
   * was given its context.
   *
   * @return {@code true} once they have
   */
  public boolean isTerminated() {
    return !ownsContext || context.isTerminated();
  }

  /**
   * The settings every registry builder shares: the defaults, the named instances, strictness, and
   * the engine context (given whole, or made from the clock, scheduler, executor, recorder and
   * grace period set here).
   *
   * <p>This class is not thread-safe.
   *
   * @param <C> the settings type
   * @param <B> the concrete builder
   */
  public abstract static class Builder<C, B extends Builder<C, B>> {
    private final String engine;
    private C defaults;
    private final Map<String, C> instances = new LinkedHashMap<>();
    private final Set<String> onDemand = new HashSet<>();
    private boolean strict;
    private final EngineContext.Builder contextBuilder = EngineContext.builder();
    private EngineContext context;
    // The first setter of contextBuilder called, so that it and context() are not both used.
    private String contextSet;
    private BiFunction<String, C, C> customizer;

    /**
     * Creates a builder.
     *
     * @param engine what the instances are, for messages
     * @param threadNames the word in the names of the threads an own context starts
     * @param defaults the initial defaults
     */
    protected Builder(String engine, String threadNames, C defaults) {
      this.engine = engine;
      this.defaults = defaults;
      contextBuilder.threadNames(threadNames);
    }

    /**
     * Returns this builder as its concrete type.
     *
     * @return this builder
     */
    @SuppressWarnings("unchecked")
    protected final B self() {
      return (B) this;
    }

    /**
     * Sets the settings of instances not configured by name.
     *
     * @param defaults the defaults
     * @return this builder
     */
    public B defaults(C defaults) {
      this.defaults = Validate.notNull("defaults", defaults);
      return self();
    }

    /**
     * Configures a named instance; it exists from the start unless named in {@link #onDemand}.
     *
     * @param name the name
     * @param config its settings, typically {@code defaults.toBuilder()...build()}
     * @return this builder
     */
    public B instance(String name, C config) {
      InstanceNames.check(engine, name);
      instances.put(name, Validate.notNull("instances." + name, config));
      return self();
    }

    /**
     * Makes these configured instances exist only once something looks them up by name, rather than
     * from the start: their settings serve something else too (an HTTP client's per-host breakers
     * take a breaker instance's), and an instance nobody calls would show up in health and meters.
     * The first lookup creates the instance with its own settings, not the defaults; a strict
     * registry knows the name. Names not configured by {@link #instance} are ignored.
     *
     * @param names the names
     * @return this builder
     */
    public B onDemand(Collection<String> names) {
      Validate.notNull("onDemand", names).forEach(n -> onDemand.add(Validate.notNull("name", n)));
      return self();
    }

    /**
     * Adds a customizer: a function from an instance's name and configured settings to the settings
     * it gets, applied when the instance is created and whenever a reconfiguration or reload gives
     * it new settings, so that no reload drops a customization. The registry's {@link #defaults()}
     * and per-name settings stay as configured; the instance's own settings show the result.
     * Customizers run in the order added, each given the previous one's result, holding the
     * registry's lock: they must be quick and must not call back into the registry.
     *
     * @param customizer returns the settings for a name, typically {@code
     *     config.toBuilder()...build()} or {@code config} unchanged; never {@code null}
     * @return this builder
     */
    public B customizer(BiFunction<String, C, C> customizer) {
      Validate.notNull("customizer", customizer);
      BiFunction<String, C, C> before = this.customizer;
      this.customizer =
          before == null ? customizer : (name, c) -> customizer.apply(name, before.apply(name, c));
      return self();
    }

    /**
     * Makes lookups refuse names that were not configured; default {@code false}.
     *
     * @param strict whether to refuse unknown names
     * @return this builder
     */
    public B strict(boolean strict) {
      this.strict = strict;
      return self();
    }

    /**
     * Builds the instances with a shared context, which its owner closes. The clock, scheduler,
     * executor, recorder and grace period then come from it: setting one of them on this builder
     * too is refused when the registry is built.
     *
     * @param context the context
     * @return this builder
     */
    public B context(EngineContext context) {
      this.context = Validate.notNull("context", context);
      return self();
    }

    /**
     * Sets the clock of every instance; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public B clock(Clock clock) {
      contextBuilder.clock(clock);
      noted("clock");
      return self();
    }

    /**
     * Sets the shared scheduler, owned by the caller; default one owned by the registry, whose
     * thread starts on first use.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public B scheduler(Scheduler scheduler) {
      contextBuilder.scheduler(scheduler);
      noted("scheduler");
      return self();
    }

    /**
     * Sets the shared executor, owned by the caller; default one owned by the registry (virtual
     * threads on JDK 21 and later, else a bounded pool).
     *
     * @param executor the executor
     * @return this builder
     */
    public B executor(Executor executor) {
      contextBuilder.executor(executor);
      noted("executor");
      return self();
    }

    /**
     * Reports every instance's calls to a recorder, such as the telemetry hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public B recorder(CallRecorder recorder) {
      contextBuilder.recorder(recorder);
      noted("recorder");
      return self();
    }

    /**
     * Sets the grace period of each shutdown phase; default 5 s.
     *
     * @param grace the grace period, in [0, 1h]
     * @return this builder
     */
    public B closeGrace(Duration grace) {
      contextBuilder.closeGrace(grace);
      noted("closeGrace");
      return self();
    }

    private void noted(String setting) {
      if (contextSet == null) {
        contextSet = setting;
      }
    }
  }
}
