package io.tailguard.core.hedge;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.engine.EngineRegistry;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Scheduler;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The named hedgers of an application, created from {@code defaults} merged with per-instance
 * settings, sharing the scheduler and executor of one {@link
 * io.tailguard.core.engine.EngineContext}.
 *
 * <p>Hedgers named in the builder's {@code instance(name, config)} exist from the start. Any other
 * name asked of {@link #hedger(String)} gets a hedger with the defaults, unless the registry is
 * strict. With {@link Builder#breakers(CircuitBreakerRegistry)}, a hedger whose name is also the
 * name of an existing breaker (or of one configured on demand, which it then creates) sends every
 * attempt through that breaker. Reconfiguring keeps what a hedger learnt as {@link
 * Hedger#reconfigure(HedgeConfig)} describes; a removed hedger is closed once its calls in flight
 * have ended ({@link EngineRegistry} states the rule).
 *
 * <p>This class is thread-safe. {@link #close()} stops every hedger, then the threads the registry
 * owns.
 */
public final class HedgerRegistry extends EngineRegistry<Hedger, HedgeConfig, HedgeEvent> {

  private final CircuitBreakerRegistry breakers;
  // The context's, taken now: every hedger uses them (an owned one starts its threads on first
  // use).
  private final Scheduler scheduler;
  private final Executor executor;

  private HedgerRegistry(Builder b) {
    super(b, "hedger", "hedger registry", "config");
    this.breakers = b.breakers;
    this.scheduler = context().scheduler();
    this.executor = context().executor();
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

  @Override
  protected Hedger create(String name, HedgeConfig config) {
    Hedger.Builder b =
        Hedger.builder(name)
            .config(config)
            .clock(context().clock())
            .scheduler(scheduler)
            .executor(executor)
            .closeGrace(context().closeGrace())
            .parent(listeners());
    if (breakers != null) {
      // A breaker held on demand is asked for by name here, so it is created.
      breakers.findOrCreateOnDemand(name).ifPresent(b::breaker);
    }
    context().recorder().ifPresent(b::recorder);
    return b.build();
  }

  @Override
  protected String nameOf(Hedger hedger) {
    return hedger.name();
  }

  @Override
  protected void reconfigureInstance(Hedger hedger, HedgeConfig config) {
    hedger.reconfigure(config);
  }

  @Override
  protected Map<String, Object> describeInstance(Hedger hedger) {
    return hedger.describe();
  }

  @Override
  protected CompletionStage<?> retire(Hedger hedger) {
    return hedger.closeWhenIdle();
  }

  @Override
  protected void closeInstance(Hedger hedger) {
    hedger.close();
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
    return get(name);
  }

  /**
   * Returns the hedgers.
   *
   * @return an unmodifiable live view
   */
  public Collection<Hedger> hedgers() {
    return instances();
  }

  /**
   * Builds a {@link HedgerRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder extends EngineRegistry.Builder<HedgeConfig, Builder> {
    private CircuitBreakerRegistry breakers;

    private Builder() {
      super("hedger", "hedge", HedgeConfig.defaults());
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
     * Creates the registry.
     *
     * @return the registry
     */
    public HedgerRegistry build() {
      return new HedgerRegistry(this);
    }
  }
}
