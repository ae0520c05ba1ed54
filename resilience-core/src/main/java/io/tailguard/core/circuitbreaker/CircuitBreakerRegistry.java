package io.tailguard.core.circuitbreaker;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.engine.EngineRegistry;
import io.tailguard.core.internal.Validate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The named circuit breakers of an application, created from {@code defaults} merged with
 * per-instance settings, and their global fuse.
 *
 * <p>Breakers named in the builder's {@code instance(name, config)} exist from the start, so they
 * show up in health and metrics before their first call, except those also named in {@code
 * onDemand(names)} (the runtime's: the instances HTTP clients take per-host settings from), which
 * are created with their own settings when first asked for. Any other name asked of {@link
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
 * <p>Reconfiguring keeps a breaker's state as {@link CircuitBreaker#reconfigure(CircuitConfig)}
 * describes (an open breaker stays open); a removed breaker no longer counts toward the global fuse
 * ({@link EngineRegistry} states the rule). Breakers hold no threads, so {@link #close()} only
 * refuses new names and {@code reconfigure}.
 *
 * <p>This class is thread-safe.
 */
public final class CircuitBreakerRegistry
    extends EngineRegistry<CircuitBreaker, CircuitConfig, CircuitEvent> {

  private final GlobalFuse fuse;

  private CircuitBreakerRegistry(Builder b) {
    super(b, "circuit breaker", "circuit breaker registry", "config");
    Collection<CircuitBreaker> view = instances();
    java.util.function.Predicate<String> uncounted = b.uncounted;
    // The fuse iterates its components only on transitions and while it is open, so filtering
    // there costs the closed path nothing.
    this.fuse =
        new GlobalFuse(
            b.global,
            uncounted == null
                ? () -> view
                : () -> view.stream().filter(c -> !uncounted.test(c.name())).toList(),
            listeners(),
            context().clock());
    preload(b);
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

  @Override
  protected CircuitBreaker create(String name, CircuitConfig config) {
    CircuitBreaker.Builder b =
        CircuitBreaker.builder(name)
            .config(config)
            .clock(context().clock())
            .registry(fuse, listeners());
    context().recorder().ifPresent(b::recorder);
    return b.build();
  }

  @Override
  protected String nameOf(CircuitBreaker breaker) {
    return breaker.name();
  }

  @Override
  protected void reconfigureInstance(CircuitBreaker breaker, CircuitConfig config) {
    breaker.reconfigure(config);
  }

  @Override
  protected Map<String, Object> describeInstance(CircuitBreaker breaker) {
    return breaker.describe();
  }

  // A breaker added or removed changes the ratio of open breakers that the fuse derives. A breaker
  // holds no thread and no call of its own, so retiring it is just that.
  @Override
  protected void added(CircuitBreaker breaker) {
    fuse.onComponentTransition();
  }

  @Override
  protected CompletionStage<?> retire(CircuitBreaker breaker) {
    fuse.onComponentTransition();
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Returns the breaker with this name, creating it with the defaults if the registry is not
   * strict.
   *
   * @param name the name
   * @return the breaker
   * @throws UnknownInstanceException if the registry is strict and the name was not configured
   * @throws IllegalArgumentException if the name is invalid
   * @throws IllegalStateException if the registry is closed and the name is new
   */
  public CircuitBreaker breaker(String name) {
    return get(name);
  }

  /**
   * Returns the component breakers (not the global fuse).
   *
   * @return an unmodifiable live view
   */
  public Collection<CircuitBreaker> breakers() {
    return instances();
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
   * Returns the state of every breaker, sorted by name, with the global fuse under {@value
   * GlobalFuse#NAME}.
   *
   * @return the states
   */
  public Map<String, CircuitState> states() {
    Map<String, CircuitState> states = new TreeMap<>();
    instances().forEach(b -> states.put(b.name(), b.state()));
    states.put(GlobalFuse.NAME, fuse.state());
    return states;
  }

  /**
   * Returns every breaker's {@link CircuitBreaker#describe()}, sorted by name, with the global
   * fuse's under {@value GlobalFuse#NAME}.
   *
   * @return the descriptions
   */
  @Override
  public Map<String, Map<String, Object>> describe() {
    Map<String, Map<String, Object>> all = new LinkedHashMap<>();
    all.put(GlobalFuse.NAME, fuse.describe());
    all.putAll(super.describe());
    return all;
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
   * Builds a {@link CircuitBreakerRegistry}. Breakers hold no threads: of the context they use only
   * the clock and the recorder.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder extends EngineRegistry.Builder<CircuitConfig, Builder> {
    private GlobalFuseConfig global = GlobalFuseConfig.DEFAULTS;
    private java.util.function.Predicate<String> uncounted;

    private Builder() {
      super("circuit breaker", "breaker", CircuitConfig.defaults());
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
     * Leaves some breakers out of the global fuse's count (they are still refused while it is
     * open), such as the per-host breakers of HTTP clients: three replicas of one service down are
     * one dependency in trouble, not three. Default: every breaker counts.
     *
     * @param names whether a breaker, by name, is left out; called often, must be fast and pure
     * @return this builder
     */
    public Builder uncountedByGlobalFuse(java.util.function.Predicate<String> names) {
      this.uncounted = Validate.notNull("names", names);
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
