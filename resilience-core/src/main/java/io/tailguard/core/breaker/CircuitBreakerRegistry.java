package io.tailguard.core.breaker;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.InstanceTable;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The named circuit breakers of an application, created from {@code defaults} merged with
 * per-instance settings, and their global fuse.
 *
 * <p>Breakers named in {@link Builder#instance(String, CircuitConfig)} exist from the start, so
 * they show up in health and metrics before their first call. Any other name asked of {@link
 * #breaker(String)} gets a breaker with the defaults, unless the registry is {@linkplain
 * Builder#strict(boolean) strict}, which refuses it with {@link UnknownInstanceException}.
 *
 * <p>The {@linkplain GlobalFuse global fuse} is derived from the component breakers and is listed
 * beside them as {@value GlobalFuse#NAME} by {@link #states()} and {@link #describe()}.
 *
 * <pre>{@code
 * CircuitBreakerRegistry registry = CircuitBreakerRegistry.builder()
 *     .defaults(CircuitConfig.builder().openCooldown(Duration.ofSeconds(10)).build())
 *     .instance("payments", CircuitConfig.builder().failureRateThreshold(0.25).build())
 *     .build();
 * CircuitBreaker payments = registry.breaker("payments");
 * }</pre>
 *
 * <p>This class is thread-safe.
 */
public final class CircuitBreakerRegistry {

  private static final String ENGINE = "circuit breaker";

  // The breakers, the names given their own settings and those settings, the defaults and the
  // hooks; thread-safe on its own.
  private final InstanceTable<CircuitBreaker, CircuitConfig> table;
  private final EventListeners<CircuitEvent> listeners = new EventListeners<>();
  private final Clock clock;
  private final GlobalFuse fuse;
  private final io.tailguard.core.telemetry.CallRecorder recorder;

  private CircuitBreakerRegistry(Builder b) {
    this.clock = b.clock;
    this.recorder = b.recorder;
    this.table =
        InstanceTable.<CircuitBreaker, CircuitConfig>builder(ENGINE, "circuit breaker registry")
            .strict(b.strict)
            .defaults(b.defaults)
            .factory(this::create)
            .reconfigurer(CircuitBreaker::reconfigure)
            .afterCreate(this::componentsChanged)
            .retire(this::componentsChanged)
            .build();
    Collection<CircuitBreaker> view = table.values();
    this.fuse = new GlobalFuse(b.global, () -> view, listeners, clock);
    b.instances.forEach(table::preload);
    fuse.onComponentTransition();
  }

  /**
   * Returns a builder with the default settings, a non-strict lookup, the default global fuse and
   * the system clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a non-strict registry with the default settings.
   *
   * @return a new registry
   */
  public static CircuitBreakerRegistry ofDefaults() {
    return builder().build();
  }

  private CircuitBreaker create(String name, CircuitConfig config) {
    CircuitBreaker.Builder b =
        CircuitBreaker.builder(name).config(config).clock(clock).registry(fuse, listeners);
    if (recorder != null) {
      b.recorder(recorder);
    }
    return b.build();
  }

  // A breaker added or removed changes the ratio of open breakers that the fuse derives.
  private void componentsChanged(CircuitBreaker changed) {
    fuse.onComponentTransition();
  }

  /**
   * Returns the breaker with this name, creating it with the defaults if the registry is not
   * strict.
   *
   * @param name the name
   * @return the breaker
   * @throws UnknownInstanceException if the registry is strict and the name was not configured
   * @throws IllegalArgumentException if the name is invalid
   */
  public CircuitBreaker breaker(String name) {
    return table.get(name);
  }

  /**
   * Returns the breaker with this name if it exists; never creates one.
   *
   * @param name the name
   * @return the breaker, or empty
   */
  public Optional<CircuitBreaker> find(String name) {
    return table.find(name);
  }

  /**
   * Returns the component breakers (not the global fuse).
   *
   * @return an unmodifiable live view
   */
  public Collection<CircuitBreaker> breakers() {
    return table.values();
  }

  /**
   * Returns the names of the component breakers (not the global fuse).
   *
   * @return an unmodifiable live view
   */
  public Set<String> names() {
    return table.names();
  }

  /**
   * Returns the registry's global fuse.
   *
   * @return the fuse
   */
  public GlobalFuse globalFuse() {
    return fuse;
  }

  /**
   * Returns the defaults for breakers without their own settings.
   *
   * @return the defaults
   */
  public CircuitConfig defaults() {
    return table.defaults();
  }

  /**
   * Returns the state of every breaker, sorted by name, with the global fuse under {@value
   * GlobalFuse#NAME}.
   *
   * @return the states
   */
  public Map<String, CircuitState> states() {
    Map<String, CircuitState> states = new TreeMap<>();
    table.values().forEach(b -> states.put(b.name(), b.state()));
    states.put(GlobalFuse.NAME, fuse.state());
    return states;
  }

  /**
   * Returns every breaker's {@link CircuitBreaker#describe()}, sorted by name, with the global
   * fuse's under {@value GlobalFuse#NAME}.
   *
   * @return the descriptions
   */
  public Map<String, Map<String, Object>> describe() {
    Map<String, Map<String, Object>> all = new LinkedHashMap<>();
    all.put(GlobalFuse.NAME, fuse.describe());
    all.putAll(table.describe(CircuitBreaker::describe));
    return all;
  }

  /**
   * Gives one breaker its own settings, creating it if needed. An existing breaker keeps its state
   * and takes the settings as {@link CircuitBreaker#reconfigure(CircuitConfig)} describes.
   *
   * @param name the name
   * @param config the settings
   * @return the breaker
   * @throws IllegalArgumentException if an argument is invalid
   */
  public CircuitBreaker reconfigure(String name, CircuitConfig config) {
    return table.reconfigure(name, config);
  }

  /**
   * Replaces the defaults and applies them to every breaker without its own settings.
   *
   * @param config the new defaults
   * @throws IllegalArgumentException if {@code config} is {@code null}
   */
  public void reconfigureDefaults(CircuitConfig config) {
    table.reconfigureDefaults(config);
  }

  /**
   * Replaces the global fuse's settings and re-derives its state.
   *
   * @param config the settings
   * @throws IllegalArgumentException if {@code config} is {@code null}
   */
  public void reconfigureGlobalFuse(GlobalFuseConfig config) {
    fuse.reconfigure(Validate.notNull("global", config));
  }

  /**
   * Takes away one breaker's own settings, as a configuration that no longer names it does. The
   * breaker goes on with the defaults and keeps its state as {@link
   * CircuitBreaker#reconfigure(CircuitConfig)} describes (an open breaker stays open); in a strict
   * registry, where the name is then unknown, it is removed instead.
   *
   * @param name the name
   * @return the breaker now on the defaults, or empty if there is none
   */
  public Optional<CircuitBreaker> useDefaults(String name) {
    return table.useDefaults(name);
  }

  /**
   * Removes a breaker: the registry stops serving it (a later lookup of a non-strict registry
   * creates a new one) and it no longer counts toward the global fuse. Callers still holding it may
   * go on using it.
   *
   * @param name the name
   * @return the removed breaker, or empty if there was none
   */
  public Optional<CircuitBreaker> remove(String name) {
    return table.remove(name);
  }

  /**
   * Calls {@code hook} for every breaker present now and every one added later (by name lookup,
   * {@code reconfigure} or a configuration reload), for example to register its metrics.
   *
   * @param hook called once per breaker, on the thread that added it
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super CircuitBreaker> hook) {
    return table.onAdded(hook);
  }

  /**
   * Calls {@code hook} for every breaker removed from now on.
   *
   * @param hook called once per removed breaker
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super CircuitBreaker> hook) {
    return table.onRemoved(hook);
  }

  /**
   * Adds a listener for the events of every breaker of this registry, present and future, and of
   * the global fuse.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super CircuitEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Builds a {@link CircuitBreakerRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private CircuitConfig defaults = CircuitConfig.defaults();
    private final Map<String, CircuitConfig> instances = new LinkedHashMap<>();
    private GlobalFuseConfig global = GlobalFuseConfig.DEFAULTS;
    private Clock clock = Clock.system();
    private boolean strict;
    private io.tailguard.core.telemetry.CallRecorder recorder;

    private Builder() {}

    /**
     * Reports every breaker's calls to a recorder, such as the telemetry hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(io.tailguard.core.telemetry.CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    /**
     * Sets the settings of breakers not configured by name.
     *
     * @param defaults the defaults
     * @return this builder
     */
    public Builder defaults(CircuitConfig defaults) {
      this.defaults = Validate.notNull("defaults", defaults);
      return this;
    }

    /**
     * Configures a named breaker; it exists from the start.
     *
     * @param name the name
     * @param config its settings, typically {@code defaults.toBuilder()...build()}
     * @return this builder
     */
    public Builder instance(String name, CircuitConfig config) {
      InstanceNames.check(ENGINE, name);
      instances.put(name, Validate.notNull("instances." + name, config));
      return this;
    }

    /**
     * Sets the global fuse; default {@link GlobalFuseConfig#DEFAULTS}.
     *
     * @param global the settings
     * @return this builder
     */
    public Builder globalFuse(GlobalFuseConfig global) {
      this.global = Validate.notNull("global", global);
      return this;
    }

    /**
     * Sets the clock of every breaker.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Makes {@link CircuitBreakerRegistry#breaker(String)} refuse names that were not configured;
     * default {@code false}.
     *
     * @param strict whether to refuse unknown names
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Creates the registry and its configured breakers.
     *
     * @return the registry
     */
    public CircuitBreakerRegistry build() {
      return new CircuitBreakerRegistry(this);
    }
  }
}
