package io.tailguard.core.internal;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.event.Subscription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The named instances of one registry (breakers, hedgers, limiters, retriers) and their settings:
 * the part every registry shares. It keeps the instances by name, the names given settings of their
 * own, and the defaults for every other name; it looks names up leniently (creating an instance
 * with the defaults) or strictly, reconfigures one instance or the defaults, removes instances, and
 * tells hooks about instances added and removed. The registry supplies what differs: how an
 * instance is created and reconfigured, and what else happens when one is created or retired
 * (linking it to a global fuse, closing its store).
 *
 * <h2>Names held on demand</h2>
 *
 * <p>A name may have settings of its own but no instance yet: one {@linkplain #preloadOnDemand
 * preloaded on demand}, or given settings by {@link #apply(Object, Map, Set)} while held on demand,
 * such as a breaker instance whose settings only serve HTTP clients' per-host breakers. It is known
 * (a strict table serves it) but not created, listed or described until a lookup asks for it by
 * name; that lookup creates it with its own settings in force then, not the defaults. Once created
 * it is an instance like any other, reconfigured in place by later reloads.
 *
 * <h2>Reloads and retirement: one rule for every registry</h2>
 *
 * <p>{@link #apply} takes a whole new configuration (the defaults and every name's own settings)
 * and follows these rules:
 *
 * <ul>
 *   <li>An instance whose settings do not change is not touched: it keeps its state.
 *   <li>An instance whose settings change is reconfigured in place: it keeps its state as far as
 *       its new settings allow (each engine's {@code reconfigure} says how far).
 *   <li>An instance whose own settings are taken away ({@link #useDefaults}) is reconfigured to the
 *       defaults in place if the table is lenient, since its name is still served; so an open
 *       breaker stays open, a hedger keeps what it learnt and a limiter its keys. In a strict table
 *       the name is then unknown, and the instance is removed.
 *   <li>A removed instance ({@link #remove}) is retired: the table stops serving it at once (a
 *       lenient lookup then creates a new instance), nothing running on it is cancelled, and the
 *       registry's {@linkplain Builder#retire retire action} closes it once its calls in flight
 *       have ended. Until then the table keeps it among the retiring instances, so that {@link
 *       #close()} closes it with the others: no call outlives the table.
 *   <li>A closed table ({@link #close()}) refuses lenient lookups of new names and {@link
 *       #reconfigure}, and closes every instance, served or retiring, with the registry's
 *       {@linkplain Builder#close close action}.
 * </ul>
 *
 * <p>Not part of the public API. This class is thread-safe.
 *
 * @param <I> the instance type
 * @param <C> the settings type
 */
public final class InstanceTable<I, C> {

  /*
   * Concurrency. A lookup of an existing name is a plain get. A lookup of a missing name (lenient,
   * or held on demand) inserts with ConcurrentMap.computeIfAbsent and takes no lock, so lookups
   * never wait for each other; it reads the name's own settings (else the defaults) inside
   * computeIfAbsent. Every insert made holding `lock` once the registry is built (preload runs
   * before any lookup) is a computeIfAbsent too, so the map's atomic per-key operations order
   * inserts against each other. A lookup that created its instance with the defaults then reads
   * the defaults again (catchUpWithDefaults): reconfigureDefaults writes them before it iterates
   * the map, so either its iteration sees the new instance or the lookup sees the new defaults
   * (both are synchronization actions, totally ordered). Whoever gives a name settings
   * (reconfigure, holdOnDemand) first
   * puts them in `ownConfigs`, then finds the instance with an atomic map operation, which waits
   * for an insert of that name in progress: either the insert read the new settings, or its
   * instance is found and reconfigured to them. So an instance held on demand gets the settings in
   * force when it is created. Every other change to `instances`, every change to `ownConfigs`,
   * `defaults` and `closed`, and every addition to `retiring`, is made holding `lock` (an instance
   * leaves `retiring` when its retirement ends, on any thread), so that reconfigure(name, config),
   * reconfigureDefaults, remove and close see one consistent pair of maps: an instance
   * reconfigured to the defaults is one without its own settings at the moment the defaults
   * change, and an instance removed is in `retiring` before close() can look for it.
   * Instances are reconfigured, retired and closed, and hooks run, after the lock is released.
   * Hooks are called on the thread that added or removed the instance.
   */

  private final String engine;
  private final String closedMessage;
  private final String configField;
  private final boolean strict;
  private final BiFunction<String, C, I> factory;
  private final BiConsumer<I, C> reconfigurer;
  private final Consumer<? super I> afterCreate;
  private final Function<? super I, ? extends CompletionStage<?>> retire;
  private final Consumer<? super I> closer;

  private final Object lock = new Object();
  // The instances by name. Guarded by `lock` for writes, except the lock-free computeIfAbsent of
  // a lookup of a missing name; read freely.
  private final ConcurrentMap<String, I> instances = new ConcurrentHashMap<>();
  // The names given settings of their own, and those settings; a name held on demand is here
  // without an instance until looked up. Guarded by `lock` for writes; read freely, also inside
  // a lookup's computeIfAbsent.
  private final ConcurrentMap<String, C> ownConfigs = new ConcurrentHashMap<>();
  // Told about instances as they are added and removed; copy-on-write, called outside any lock.
  private final CopyOnWriteArrayList<Consumer<? super I>> addedHooks = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<? super I>> removedHooks =
      new CopyOnWriteArrayList<>();
  private final Collection<I> valuesView = Collections.unmodifiableCollection(instances.values());
  private final Set<String> namesView = Collections.unmodifiableSet(instances.keySet());
  private final Map<String, C> ownConfigsView = Collections.unmodifiableMap(ownConfigs);
  // Removed instances not closed yet. Added under `lock`; removed by their retirement's end.
  private final Set<I> retiring = ConcurrentHashMap.newKeySet();
  // Written under `lock`; read freely.
  private volatile C defaults;
  // Written under `lock`, once, to true; read freely.
  private volatile boolean closed;

  private InstanceTable(Builder<I, C> b) {
    this.engine = b.engine;
    this.closedMessage = "the " + b.registry + " is closed";
    this.configField = b.configField;
    this.strict = b.strict;
    this.factory = Validate.notNull("factory", b.factory);
    this.reconfigurer = Validate.notNull("reconfigurer", b.reconfigurer);
    this.afterCreate = b.afterCreate;
    this.retire = b.retire;
    this.closer = b.closer;
    this.defaults = Validate.notNull("defaults", b.defaults);
  }

  /**
   * Returns a builder.
   *
   * @param engine what the instances are, for messages (for example {@code hedger})
   * @param registry what the registry is, for messages (for example {@code hedger registry})
   * @param <I> the instance type
   * @param <C> the settings type
   * @return a new builder
   */
  public static <I, C> Builder<I, C> builder(String engine, String registry) {
    return new Builder<>(engine, registry);
  }

  /**
   * Adds an instance with settings of its own while the registry is being built: no hook is told.
   *
   * @param name the name, already checked
   * @param config its settings
   */
  public void preload(String name, C config) {
    synchronized (lock) {
      ownConfigs.put(name, config);
      instances.put(name, factory.apply(name, config));
    }
  }

  /**
   * Gives a name settings of its own while the registry is being built, without creating its
   * instance: the first lookup of the name creates it with them (see the class description).
   *
   * @param name the name, already checked
   * @param config its settings
   */
  public void preloadOnDemand(String name, C config) {
    synchronized (lock) {
      ownConfigs.put(name, config);
    }
  }

  /**
   * Adds an instance with the defaults while the registry is being built: no hook is told.
   *
   * @param name the name, already checked
   */
  public void preloadWithDefaults(String name) {
    synchronized (lock) {
      instances.put(name, factory.apply(name, defaults));
    }
  }

  /**
   * Returns the instance with this name, creating it if needed: with its own settings if it is held
   * on demand, else with the defaults unless the table is strict.
   *
   * @param name the name
   * @return the instance
   * @throws UnknownInstanceException if strict and the name has neither instance nor settings
   * @throws IllegalArgumentException if the name is invalid
   * @throws IllegalStateException if the table is closed
   */
  public I get(String name) {
    I existing = instances.get(name == null ? "" : name);
    if (existing != null) {
      return existing;
    }
    InstanceNames.check(engine, name);
    if (strict && !ownConfigs.containsKey(name)) {
      throw unknown(name);
    }
    if (closed) {
      throw new IllegalStateException(closedMessage);
    }
    boolean[] created = {false};
    // The defaults the new instance was created with; empty if it had settings of its own.
    List<C> withDefaults = new ArrayList<>(1);
    I instance =
        instances.computeIfAbsent(
            name,
            n -> {
              // Read here, atomically with the insert (see the concurrency comment).
              C config = ownConfigs.get(n);
              if (config == null) {
                if (strict) {
                  return null; // its settings were taken away meanwhile: unknown now
                }
                config = defaults;
                withDefaults.add(config);
              }
              created[0] = true;
              return factory.apply(n, config);
            });
    if (instance == null) {
      throw unknown(name);
    }
    if (created[0]) {
      if (!withDefaults.isEmpty()) {
        catchUpWithDefaults(name, instance, withDefaults.get(0));
      }
      added(instance);
    }
    return instance;
  }

  /**
   * A lookup created {@code instance} with the defaults {@code used}; if they changed while it was
   * being inserted, reconfigureDefaults could not see it, so it takes the new ones now (see the
   * concurrency comment). The decision is made under the lock, like every other reconfiguration.
   */
  private void catchUpWithDefaults(String name, I instance, C used) {
    for (C seen = used; ; ) {
      C now;
      synchronized (lock) {
        now = defaults;
        if (now == seen || ownConfigs.containsKey(name) || instances.get(name) != instance) {
          return;
        }
      }
      reconfigurer.accept(instance, now);
      seen = now;
    }
  }

  private UnknownInstanceException unknown(String name) {
    Set<String> known = new java.util.TreeSet<>(instances.keySet());
    known.addAll(ownConfigs.keySet());
    return new UnknownInstanceException(engine, name, known);
  }

  /**
   * Returns the instance with this name if it exists; never creates one.
   *
   * @param name the name
   * @return the instance, or empty
   */
  public Optional<I> find(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(instances.get(name));
  }

  /**
   * Returns the instance with this name if it exists or is held on demand, creating it then; never
   * creates one with the defaults.
   *
   * @param name the name
   * @return the instance, or empty (also once the table is closed, for a name held on demand)
   */
  public Optional<I> findOrCreateHeld(String name) {
    Optional<I> existing = find(name);
    if (existing.isPresent() || name == null || !ownConfigs.containsKey(name) || closed) {
      return existing;
    }
    try {
      return Optional.of(get(name));
    } catch (IllegalStateException | UnknownInstanceException e) {
      return Optional.empty(); // closed, or its settings taken away, meanwhile
    }
  }

  /**
   * Returns the instances.
   *
   * @return an unmodifiable live view
   */
  public Collection<I> values() {
    return valuesView;
  }

  /**
   * Returns the names.
   *
   * @return an unmodifiable live view
   */
  public Set<String> names() {
    return namesView;
  }

  /**
   * Returns the names given settings of their own, and those settings.
   *
   * @return an unmodifiable live view
   */
  public Map<String, C> ownConfigs() {
    return ownConfigsView;
  }

  /**
   * Returns the defaults.
   *
   * @return the defaults
   */
  public C defaults() {
    return defaults;
  }

  /**
   * Returns the removed instances that are not closed yet: their calls in flight have not ended.
   *
   * @return an unmodifiable snapshot
   */
  public Set<I> retiring() {
    return Set.copyOf(retiring);
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
   * Returns every instance's description, sorted by name.
   *
   * @param describer describes one instance
   * @return the descriptions, in a mutable map
   */
  public Map<String, Map<String, Object>> describe(
      Function<? super I, Map<String, Object>> describer) {
    Map<String, Map<String, Object>> all = new LinkedHashMap<>();
    new TreeMap<>(instances).forEach((name, i) -> all.put(name, describer.apply(i)));
    return all;
  }

  /**
   * Gives one instance its own settings, creating it if needed; an existing one is reconfigured.
   *
   * @param name the name
   * @param config the settings
   * @return the instance
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the table is closed
   */
  public I reconfigure(String name, C config) {
    InstanceNames.check(engine, name);
    Validate.notNull(configField, config);
    I instance;
    boolean created = false;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(closedMessage);
      }
      ownConfigs.put(name, config);
      boolean[] made = {false};
      instance =
          instances.computeIfAbsent(
              name,
              n -> {
                made[0] = true;
                return factory.apply(n, config);
              });
      created = made[0];
    }
    if (created) {
      added(instance);
    } else {
      reconfigurer.accept(instance, config);
    }
    return instance;
  }

  /**
   * Gives one name its own settings without creating its instance: an existing instance is
   * reconfigured in place, a missing one is created with them by the first lookup of the name.
   *
   * @param name the name
   * @param config the settings
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the table is closed
   */
  private void holdOnDemand(String name, C config) {
    InstanceNames.check(engine, name);
    Validate.notNull(configField, config);
    I instance;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(closedMessage);
      }
      ownConfigs.put(name, config);
      // Atomic, unlike get(): waits for a lookup inserting this name (see the concurrency comment).
      instance = instances.computeIfPresent(name, (n, i) -> i);
    }
    if (instance != null) {
      reconfigurer.accept(instance, config);
    }
  }

  /**
   * Replaces the defaults and applies them to every instance without settings of its own.
   *
   * @param config the new defaults
   * @throws IllegalArgumentException if {@code config} is {@code null}
   */
  public void reconfigureDefaults(C config) {
    reconfigureDefaults(config, null);
  }

  /**
   * Replaces the defaults and applies them to every instance without settings of its own, first
   * creating the instance {@code ensure} with them if it is missing and the table is open.
   *
   * @param config the new defaults
   * @param ensure the name of an instance that must exist, or {@code null}
   * @throws IllegalArgumentException if {@code config} is {@code null}
   */
  public void reconfigureDefaults(C config, String ensure) {
    Validate.notNull(configField, config);
    List<I> affected = new ArrayList<>();
    I created = null;
    synchronized (lock) {
      defaults = config;
      if (ensure != null && !closed) {
        List<I> made = new ArrayList<>(1);
        instances.computeIfAbsent(
            ensure,
            n -> {
              I i = factory.apply(n, config);
              made.add(i);
              return i;
            });
        created = made.isEmpty() ? null : made.get(0);
      }
      for (Map.Entry<String, I> e : instances.entrySet()) {
        if (e.getValue() != created && !ownConfigs.containsKey(e.getKey())) {
          affected.add(e.getValue());
        }
      }
    }
    if (created != null) {
      added(created);
    }
    affected.forEach(i -> reconfigurer.accept(i, config));
  }

  /**
   * Applies a whole new configuration, as a reload does (see the class description): each name in
   * {@code configs} whose settings changed is reconfigured (or created), the defaults, if changed,
   * reach every instance without settings of its own, and each name that had settings of its own
   * and is no longer in {@code configs} goes on with the defaults ({@link #useDefaults}; in a
   * strict table it is removed). Unchanged instances are not touched.
   *
   * @param newDefaults the defaults
   * @param configs every name's own settings
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the table is closed and a name's settings changed
   */
  public void apply(C newDefaults, Map<String, C> configs) {
    apply(newDefaults, configs, Set.of());
  }

  /**
   * Applies a whole new configuration as {@link #apply(Object, Map)} does, except that the names of
   * {@code onDemand} are held on demand (see the class description): one without an instance gets
   * its new settings but no instance. A name no longer held on demand gets its instance now, as
   * every configured name has one; an instance already created stays, reconfigured in place.
   *
   * @param newDefaults the defaults
   * @param configs every name's own settings
   * @param onDemand the names of {@code configs} created only when looked up; others are ignored
   * @throws IllegalArgumentException if an argument is invalid
   * @throws IllegalStateException if the table is closed and a name's settings changed or a name no
   *     longer held on demand needs its instance
   */
  public void apply(C newDefaults, Map<String, C> configs, Set<String> onDemand) {
    Validate.notNull(configField, newDefaults);
    Validate.notNull("configs", configs);
    Validate.notNull("onDemand", onDemand);
    configs.forEach(
        (name, config) -> {
          boolean changed = config == null || !config.equals(ownConfigs.get(name)); // null: refused
          if (onDemand.contains(name)) {
            if (changed) {
              holdOnDemand(name, config);
            }
          } else if (changed || !instances.containsKey(name)) {
            reconfigure(name, config);
          }
        });
    if (!newDefaults.equals(defaults)) {
      reconfigureDefaults(newDefaults);
    }
    List<String> dropped = new ArrayList<>(ownConfigs.keySet());
    dropped.removeAll(configs.keySet());
    dropped.forEach(this::useDefaults);
  }

  /**
   * Takes away the settings of its own of one instance, as a configuration that no longer names it
   * does. In a lenient table its name is still served, so the instance stays and takes the defaults
   * (its state kept as far as they allow); in a strict table the name is then unknown, so the
   * instance is removed and retired ({@link #remove}). A name without settings of its own is left
   * as it is.
   *
   * @param name the name
   * @return the instance that now runs on the defaults, or empty if there is none (the name has no
   *     instance, or it was removed)
   */
  public Optional<I> useDefaults(String name) {
    if (name == null) {
      return Optional.empty();
    }
    if (strict) {
      synchronized (lock) {
        if (!ownConfigs.containsKey(name)) {
          return Optional.ofNullable(instances.get(name));
        }
      }
      remove(name);
      return Optional.empty();
    }
    I instance;
    C config;
    synchronized (lock) {
      if (ownConfigs.remove(name) == null) {
        return Optional.ofNullable(instances.get(name));
      }
      instance = instances.get(name);
      config = defaults;
    }
    if (instance == null) {
      return Optional.empty();
    }
    reconfigurer.accept(instance, config);
    return Optional.of(instance);
  }

  /**
   * Removes an instance and its own settings and retires it: starts the table's retire action on
   * it, then tells the removal hooks. Calls running on it are not cancelled; once they have ended
   * the retire action closes it (see the class description).
   *
   * @param name the name
   * @return the removed instance, or empty
   */
  public Optional<I> remove(String name) {
    if (name == null) {
      return Optional.empty();
    }
    I removed;
    synchronized (lock) {
      ownConfigs.remove(name);
      removed = instances.remove(name);
      if (removed != null && !closed) {
        retiring.add(removed);
      }
    }
    if (removed != null) {
      retire(removed);
      for (Consumer<? super I> hook : removedHooks) {
        hook.accept(removed);
      }
    }
    return Optional.ofNullable(removed);
  }

  /**
   * Calls {@code hook} for every instance present now and every one added later.
   *
   * @param hook called once per instance, on the thread that added it
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super I> hook) {
    Validate.notNull("hook", hook);
    addedHooks.add(hook);
    instances.values().forEach(hook);
    return () -> addedHooks.remove(hook);
  }

  /**
   * Calls {@code hook} for every instance removed from now on.
   *
   * @param hook called once per removed instance
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super I> hook) {
    Validate.notNull("hook", hook);
    removedHooks.add(hook);
    return () -> removedHooks.remove(hook);
  }

  /**
   * Closes the table: lenient lookups of new names and {@link #reconfigure} are refused from now
   * on, and every instance, served or retiring, is closed with the table's close action. Calling it
   * again does nothing.
   */
  public void close() {
    List<I> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(instances.values());
      all.addAll(retiring);
    }
    all.forEach(closer);
  }

  // Starts retiring an instance and forgets it once it has closed. If retiring fails, the instance
  // stays in `retiring`, so that close() still closes it.
  private void retire(I removed) {
    CompletionStage<?> done = retire.apply(removed);
    if (done != null) {
      done.whenComplete((v, e) -> retiring.remove(removed));
    }
  }

  private void added(I instance) {
    afterCreate.accept(instance);
    for (Consumer<? super I> hook : addedHooks) {
      hook.accept(instance);
    }
  }

  /**
   * Builds an {@link InstanceTable}.
   *
   * <p>This class is not thread-safe.
   *
   * @param <I> the instance type
   * @param <C> the settings type
   */
  public static final class Builder<I, C> {
    private final String engine;
    private final String registry;
    private String configField = "config";
    private boolean strict;
    private C defaults;
    private BiFunction<String, C, I> factory;
    private BiConsumer<I, C> reconfigurer;
    private Consumer<? super I> afterCreate = i -> {};
    private Function<? super I, ? extends CompletionStage<?>> retire =
        i -> CompletableFuture.completedFuture(null);
    private Consumer<? super I> closer = i -> {};

    private Builder(String engine, String registry) {
      this.engine = Validate.notNull("engine", engine);
      this.registry = Validate.notNull("registry", registry);
    }

    /**
     * Sets the defaults.
     *
     * @param defaults the settings of instances without their own
     * @return this builder
     */
    public Builder<I, C> defaults(C defaults) {
      this.defaults = defaults;
      return this;
    }

    /**
     * Sets how an instance is created; it is called holding the table's lock or inside {@code
     * computeIfAbsent}, so it must not call back into the table.
     *
     * @param factory creates the instance of a name with settings
     * @return this builder
     */
    public Builder<I, C> factory(BiFunction<String, C, I> factory) {
      this.factory = factory;
      return this;
    }

    /**
     * Sets how an existing instance takes new settings; called outside the table's lock.
     *
     * @param reconfigurer gives an instance new settings
     * @return this builder
     */
    public Builder<I, C> reconfigurer(BiConsumer<I, C> reconfigurer) {
      this.reconfigurer = reconfigurer;
      return this;
    }

    /**
     * Makes {@link InstanceTable#get(String)} refuse names that do not exist; default lenient.
     *
     * @param strict whether to refuse unknown names
     * @return this builder
     */
    public Builder<I, C> strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Sets the name of the settings argument in messages; default {@code config}.
     *
     * @param field the name
     * @return this builder
     */
    public Builder<I, C> configField(String field) {
      this.configField = Validate.notNull("configField", field);
      return this;
    }

    /**
     * Sets what happens to an instance created after the registry was built, before the added hooks
     * are told; default nothing.
     *
     * @param action the action, called outside the table's lock
     * @return this builder
     */
    public Builder<I, C> afterCreate(Consumer<? super I> action) {
      this.afterCreate = Validate.notNull("afterCreate", action);
      return this;
    }

    /**
     * Sets how a removed instance is retired, started before the removal hooks are told: it closes
     * the instance once its calls in flight have ended (for a breaker, which holds nothing, at
     * once) and returns a stage that completes then. It must not cancel the calls running on the
     * instance, nor wait for them; default it completes at once.
     *
     * @param action the action, called outside the table's lock
     * @return this builder
     */
    public Builder<I, C> retire(Function<? super I, ? extends CompletionStage<?>> action) {
      this.retire = Validate.notNull("retire", action);
      return this;
    }

    /**
     * Sets how {@link InstanceTable#close()} closes each instance, served or retiring: it ends the
     * calls in flight on it; default nothing.
     *
     * @param action the action, called outside the table's lock
     * @return this builder
     */
    public Builder<I, C> close(Consumer<? super I> action) {
      this.closer = Validate.notNull("close", action);
      return this;
    }

    /**
     * Creates the table, empty.
     *
     * @return the table
     */
    public InstanceTable<I, C> build() {
      return new InstanceTable<>(this);
    }
  }
}
