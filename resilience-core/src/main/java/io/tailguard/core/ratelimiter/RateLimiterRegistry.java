package io.tailguard.core.ratelimiter;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.engine.EngineRegistry;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named rate limiters of an application (one per operation, such as {@code search} or {@code
 * embed}), created from {@code defaults} merged with per-instance settings, each with its own store
 * from one {@link RateLimiterStore.Factory}, sharing the scheduler of one {@link
 * io.tailguard.core.engine.EngineContext} for waits.
 *
 * <p>Limiters named in the builder's {@code instance(name, config)} exist from the start. Any other
 * name asked of {@link #limiter(String)} gets a limiter with the defaults, unless the registry is
 * strict. {@link #exampleOperations()} holds the documented example configuration. A removed
 * limiter's store is closed ({@link EngineRegistry} states the rule).
 *
 * <p>This class is thread-safe. {@link #close()} closes every store, then the scheduler the
 * registry owns.
 */
public final class RateLimiterRegistry
    extends EngineRegistry<RateLimiter, RateLimitConfig, RateLimitEvent> {

  private final RateLimiterStore.Factory stores;
  // The context's, taken now: every limiter waits on it (an owned one starts its thread on the
  // first wait).
  private final Scheduler scheduler;

  private RateLimiterRegistry(Builder b) {
    super(b, "rate limiter", "rate limiter registry", "config");
    this.scheduler = context().scheduler();
    this.stores = b.stores != null ? b.stores : InMemoryRateLimiterStore.factory(context().clock());
    preload(b);
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

  @Override
  protected RateLimiter create(String name, RateLimitConfig config) {
    RateLimiter.Builder b =
        RateLimiter.builder(name)
            .config(config)
            .clock(context().clock())
            .scheduler(scheduler)
            .store(Validate.notNull("the store created for " + name, stores.create(name)))
            .parent(listeners());
    context().recorder().ifPresent(b::recorder);
    return b.build();
  }

  @Override
  protected String nameOf(RateLimiter limiter) {
    return limiter.name();
  }

  @Override
  protected void reconfigureInstance(RateLimiter limiter, RateLimitConfig config) {
    limiter.reconfigure(config);
  }

  @Override
  protected Map<String, Object> describeInstance(RateLimiter limiter) {
    return limiter.describe();
  }

  // A limiter holds no call in flight of its own (a wait for a permit holds the permit already),
  // so retiring it closes its store at once.
  @Override
  protected void closeInstance(RateLimiter limiter) {
    limiter.store().close();
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
    return get(name);
  }

  /**
   * Returns the limiters.
   *
   * @return an unmodifiable live view
   */
  public Collection<RateLimiter> limiters() {
    return instances();
  }

  /**
   * Builds a {@link RateLimiterRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder extends EngineRegistry.Builder<RateLimitConfig, Builder> {
    private RateLimiterStore.Factory stores;

    private Builder() {
      super("rate limiter", "ratelimit", RateLimitConfig.defaults());
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
     * Creates the registry.
     *
     * @return the registry
     */
    public RateLimiterRegistry build() {
      return new RateLimiterRegistry(this);
    }
  }
}
