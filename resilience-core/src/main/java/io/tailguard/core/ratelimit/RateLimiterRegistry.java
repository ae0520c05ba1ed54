package io.tailguard.core.ratelimit;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.InstanceTable;
import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The named rate limiters of an application (one per operation, such as {@code search} or {@code
 * embed}), created from {@code defaults} merged with per-instance settings, each with its own store
 * from one {@link RateLimiterStore.Factory}.
 *
 * <p>Limiters named in {@link Builder#instance(String, RateLimitConfig)} exist from the start. Any
 * other name asked of {@link #limiter(String)} gets a limiter with the defaults, unless the
 * registry is strict. {@link #exampleOperations()} holds the documented example configuration.
 *
 * <p>This class is thread-safe. {@link #close()} closes every store and the scheduler the registry
 * owns.
 */
public final class RateLimiterRegistry implements AutoCloseable {

  private static final String ENGINE = "rate limiter";

  // The limiters, their own settings, the defaults and the hooks; thread-safe on its own.
  private final InstanceTable<RateLimiter, RateLimitConfig> table;
  private final EventListeners<RateLimitEvent> listeners = new EventListeners<>();
  private final Clock clock;
  private final Scheduler scheduler;
  private final DefaultScheduler ownedScheduler;
  private final RateLimiterStore.Factory stores;
  private final CallRecorder recorder;

  private RateLimiterRegistry(Builder b) {
    this.clock = b.clock;
    this.recorder = b.recorder;
    this.stores = b.stores != null ? b.stores : InMemoryRateLimiterStore.factory(b.clock);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedScheduler = null;
    } else {
      // Its thread starts with the first wait for a permit.
      this.ownedScheduler = new DefaultScheduler("ratelimit", b.closeGrace);
      this.scheduler = ownedScheduler;
    }
    this.table =
        InstanceTable.<RateLimiter, RateLimitConfig>builder(ENGINE, "rate limiter registry")
            .strict(b.strict)
            .defaults(b.defaults)
            .factory(this::create)
            .reconfigurer(RateLimiter::reconfigure)
            .refuseReconfigureWhenClosed(true)
            .retire(l -> l.store().close())
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

  /**
   * Returns the documented example operations: {@code search} 30 per 60 s, {@code transform} 10 per
   * 60 s, {@code embed} 60 per 60 s, with default key limits.
   *
   * @return an ordered map from operation to settings
   */
  public static Map<String, RateLimitConfig> exampleOperations() {
    Map<String, RateLimitConfig> ops = new LinkedHashMap<>();
    ops.put("search", RateLimitConfig.of(30, Duration.ofSeconds(60)));
    ops.put("transform", RateLimitConfig.of(10, Duration.ofSeconds(60)));
    ops.put("embed", RateLimitConfig.of(60, Duration.ofSeconds(60)));
    return Collections.unmodifiableMap(ops);
  }

  private RateLimiter create(String name, RateLimitConfig config) {
    RateLimiter.Builder b =
        RateLimiter.builder(name)
            .config(config)
            .clock(clock)
            .scheduler(scheduler)
            .store(Validate.notNull("the store created for " + name, stores.create(name)))
            .parent(listeners);
    if (recorder != null) {
      b.recorder(recorder);
    }
    return b.build();
  }

  /**
   * Returns the limiter with this name, creating it with the defaults unless the registry is
   * strict.
   *
   * @param name the name
   * @return the limiter
   * @throws UnknownInstanceException if strict and the name was not configured
   * @throws IllegalStateException if the registry is closed
   */
  public RateLimiter limiter(String name) {
    return table.get(name);
  }

  /**
   * Returns the limiter with this name if it exists.
   *
   * @param name the name
   * @return the limiter, or empty
   */
  public Optional<RateLimiter> find(String name) {
    return table.find(name);
  }

  /**
   * Returns the limiters.
   *
   * @return an unmodifiable live view
   */
  public Collection<RateLimiter> limiters() {
    return table.values();
  }

  /**
   * Returns the limiter names.
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
  public RateLimitConfig defaults() {
    return table.defaults();
  }

  /**
   * Returns every limiter's {@link RateLimiter#describe()}, sorted by name.
   *
   * @return the descriptions
   */
  public Map<String, Map<String, Object>> describe() {
    return table.describe(RateLimiter::describe);
  }

  /**
   * Gives one limiter its own settings, creating it if needed; an existing one keeps its keys.
   *
   * @param name the name
   * @param config the settings
   * @return the limiter
   */
  public RateLimiter reconfigure(String name, RateLimitConfig config) {
    return table.reconfigure(name, config);
  }

  /**
   * Replaces the defaults and applies them to every limiter without its own settings.
   *
   * @param config the new defaults
   */
  public void reconfigureDefaults(RateLimitConfig config) {
    table.reconfigureDefaults(config);
  }

  /**
   * Takes away one limiter's own settings, as a configuration that no longer names it does. The
   * limiter goes on with the defaults and keeps its keys as {@link
   * RateLimiter#reconfigure(RateLimitConfig)} describes; in a strict registry, where the name is
   * then unknown, it is removed instead.
   *
   * @param name the name
   * @return the limiter now on the defaults, or empty if there is none
   */
  public Optional<RateLimiter> useDefaults(String name) {
    return table.useDefaults(name);
  }

  /**
   * Removes a limiter and closes its store: the registry stops serving it (a later lookup of a
   * non-strict registry creates a new one, with new keys). Closing an in-memory store changes
   * nothing for callers still holding the limiter; a Redis store that owns its client closes it,
   * and a request on it still gets an answer, from the store's failure policy.
   *
   * @param name the name
   * @return the removed limiter, or empty
   */
  public Optional<RateLimiter> remove(String name) {
    return table.remove(name);
  }

  /**
   * Calls {@code hook} for every limiter present now and every one added later (by name lookup,
   * {@code reconfigure} or a configuration reload), for example to register its metrics.
   *
   * @param hook called once per limiter, on the thread that added it
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super RateLimiter> hook) {
    return table.onAdded(hook);
  }

  /**
   * Calls {@code hook} for every limiter removed from now on.
   *
   * @param hook called once per removed limiter
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super RateLimiter> hook) {
    return table.onRemoved(hook);
  }

  /**
   * Adds a listener for the events of every limiter, present and future.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super RateLimitEvent> listener) {
    return listeners.subscribe(listener);
  }

  /** Closes every limiter's store, then the scheduler the registry owns. */
  @Override
  public void close() {
    table.close();
    table.values().forEach(l -> l.store().close());
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
  }

  /**
   * Returns whether the thread the registry owns has ended (true if it owns none).
   *
   * @return {@code true} once it has
   */
  public boolean isTerminated() {
    return ownedScheduler == null || ownedScheduler.isTerminated();
  }

  /**
   * Builds a {@link RateLimiterRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private RateLimitConfig defaults = RateLimitConfig.defaults();
    private final Map<String, RateLimitConfig> instances = new LinkedHashMap<>();
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private RateLimiterStore.Factory stores;
    private Duration closeGrace = Shutdown.DEFAULT_GRACE;
    private boolean strict;
    private CallRecorder recorder;

    private Builder() {}

    /**
     * Sets the settings of limiters not configured by name.
     *
     * @param defaults the defaults
     * @return this builder
     */
    public Builder defaults(RateLimitConfig defaults) {
      this.defaults = Validate.notNull("defaults", defaults);
      return this;
    }

    /**
     * Configures a named limiter; it exists from the start.
     *
     * @param name the name
     * @param config its settings
     * @return this builder
     */
    public Builder instance(String name, RateLimitConfig config) {
      InstanceNames.check(ENGINE, name);
      instances.put(name, Validate.notNull("instances." + name, config));
      return this;
    }

    /**
     * Configures several named limiters, for example {@link
     * RateLimiterRegistry#exampleOperations()}.
     *
     * @param configs names to settings
     * @return this builder
     */
    public Builder instances(Map<String, RateLimitConfig> configs) {
      Validate.notNull("instances", configs).forEach(this::instance);
      return this;
    }

    /**
     * Sets the clock of every limiter and of the default stores.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the scheduler that ends waits for permits, owned by the caller; default one owned by the
     * registry.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets where each limiter keeps its keys; default {@link InMemoryRateLimiterStore} on the
     * registry's clock.
     *
     * @param stores creates the store of each limiter
     * @return this builder
     */
    public Builder stores(RateLimiterStore.Factory stores) {
      this.stores = Validate.notNull("stores", stores);
      return this;
    }

    /**
     * Reports every limiter's refusals to a recorder, such as the telemetry hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    /**
     * Sets the grace period of each shutdown phase of the owned scheduler; default 5s.
     *
     * @param grace the grace period, in [0, 1h]
     * @return this builder
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Shutdown.checkGrace(grace);
      return this;
    }

    /**
     * Makes {@link RateLimiterRegistry#limiter(String)} refuse names that were not configured.
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
    public RateLimiterRegistry build() {
      return new RateLimiterRegistry(this);
    }
  }
}
