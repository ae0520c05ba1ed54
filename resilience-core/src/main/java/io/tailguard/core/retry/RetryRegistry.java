package io.tailguard.core.retry;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.engine.EngineRegistry;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Scheduler;
import io.tailguard.core.time.Sleeper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * The named retriers of an application, one per named policy, sharing the scheduler (which waits
 * out the backoffs of asynchronous calls) and the executor (which runs their retries) of one {@link
 * io.tailguard.core.engine.EngineContext}.
 *
 * <p>The policy named {@value RetryPolicy#DEFAULT_NAME} is the defaults: retriers without a policy
 * of their own use it, and {@link #reconfigureDefaults(RetryPolicy)} (or {@code
 * reconfigure("default", ...)}) changes them all. The registry starts with the built-in policies
 * {@value RetryPolicy#DEFAULT_NAME} and {@value RetryPolicy#EXPENSIVE_NAME} ({@link
 * RetryPolicy#builtIns()}), which {@link Builder#policy(String, RetryPolicy)} may replace, and a
 * retrier exists from the start for each named policy. Any other name asked of {@link
 * #retrier(String)} gets a retrier with the defaults, unless the registry is strict. A removed
 * retrier is closed once its asynchronous calls in flight have ended ({@link EngineRegistry} states
 * the rule).
 *
 * <p>This class is thread-safe. {@link #close()} stops every retrier (cancelling asynchronous calls
 * waiting for a retry), then the threads the registry owns.
 */
public final class RetryRegistry extends EngineRegistry<Retrier, RetryPolicy, RetryEvent> {

  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final List<HttpStatusExtractor> extractors;
  // The context's, taken now: every retrier uses them (an owned one starts its threads on first
  // use).
  private final Scheduler scheduler;
  private final Executor executor;

  private RetryRegistry(Builder b) {
    super(b, "retrier", "retry registry", "policy");
    this.scheduler = context().scheduler();
    this.executor = context().executor();
    this.sleeper = b.sleeper;
    this.random = b.random;
    this.extractors = List.copyOf(b.extractors);
    table().preloadWithDefaults(RetryPolicy.DEFAULT_NAME);
    preload(b);
  }

  /**
   * Returns a builder, with the built-in policies, a non-strict lookup and the system clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a non-strict registry with the built-in policies.
   *
   * @return a new registry
   */
  public static RetryRegistry ofDefaults() {
    return builder().build();
  }

  @Override
  protected Retrier create(String name, RetryPolicy policy) {
    Retrier.Builder b =
        Retrier.builder(name)
            .policy(policy)
            .clock(context().clock())
            .scheduler(scheduler)
            .executor(executor)
            .parent(listeners());
    if (sleeper != null) {
      b.sleeper(sleeper);
    }
    if (random != null) {
      b.random(random);
    }
    extractors.forEach(b::statusExtractor);
    context().recorder().ifPresent(b::recorder);
    return b.build();
  }

  @Override
  protected String nameOf(Retrier retrier) {
    return retrier.name();
  }

  @Override
  protected void reconfigureInstance(Retrier retrier, RetryPolicy policy) {
    retrier.reconfigure(policy);
  }

  @Override
  protected Map<String, Object> describeInstance(Retrier retrier) {
    return retrier.describe();
  }

  @Override
  protected CompletionStage<?> retire(Retrier retrier) {
    return retrier.closeWhenIdle();
  }

  @Override
  protected void closeInstance(Retrier retrier) {
    retrier.close();
  }

  /**
   * Returns the retrier with this name, creating it with the defaults unless the registry is
   * strict.
   *
   * @param name the name
   * @return the retrier
   * @throws UnknownInstanceException if strict and the name has no policy
   * @throws IllegalArgumentException if the name is invalid
   * @throws IllegalStateException if the registry is closed
   */
  public Retrier retrier(String name) {
    return get(name);
  }

  /**
   * Returns the retriers.
   *
   * @return an unmodifiable live view
   */
  public Collection<Retrier> retriers() {
    return instances();
  }

  /**
   * Returns every named policy in force, the defaults under {@value RetryPolicy#DEFAULT_NAME}.
   *
   * @return the policies, sorted by name
   */
  public Map<String, RetryPolicy> policies() {
    Map<String, RetryPolicy> m = new TreeMap<>(table().ownConfigs());
    m.put(RetryPolicy.DEFAULT_NAME, table().defaults());
    return Collections.unmodifiableMap(m);
  }

  /**
   * Gives one retrier its own policy, creating it if needed; its counters and budget are kept. For
   * the name {@value RetryPolicy#DEFAULT_NAME} this is {@link #reconfigureDefaults(RetryPolicy)}.
   *
   * @param name the name
   * @param policy the policy
   * @return the retrier
   * @throws IllegalStateException if the registry is closed
   */
  @Override
  public Retrier reconfigure(String name, RetryPolicy policy) {
    if (RetryPolicy.DEFAULT_NAME.equals(name)) {
      Validate.notNull("policy", policy);
      reconfigureDefaults(policy);
      return retrier(name);
    }
    return super.reconfigure(name, policy);
  }

  /**
   * Replaces the defaults and applies them to every retrier without a policy of its own.
   *
   * @param policy the new defaults
   */
  @Override
  public void reconfigureDefaults(RetryPolicy policy) {
    // The "default" retrier exists while the registry is open, even if it was never looked up.
    table().reconfigureDefaults(policy, RetryPolicy.DEFAULT_NAME);
  }

  /**
   * Applies a configuration's {@code retry.policies}, by the rule of {@link EngineRegistry#apply}:
   * the one named {@value RetryPolicy#DEFAULT_NAME} is the defaults, the others are named retriers,
   * and built-in names missing from the map keep their built-in policy (as the builder's {@link
   * Builder#policies}).
   *
   * @param policies every named policy
   * @throws IllegalArgumentException if an argument is invalid
   */
  public void apply(Map<String, RetryPolicy> policies) {
    Validate.notNull("policies", policies);
    Map<String, RetryPolicy> named = new LinkedHashMap<>(RetryPolicy.builtIns());
    named.putAll(policies);
    RetryPolicy defaults = named.remove(RetryPolicy.DEFAULT_NAME);
    apply(defaults, named);
  }

  /**
   * Removes a retrier and its own policy: the registry stops serving it, calls holding it finish
   * with the policy they started with, and it is closed once its asynchronous calls in flight have
   * ended; a later lookup of the name gets a new retrier with the defaults. The {@value
   * RetryPolicy#DEFAULT_NAME} retrier cannot be removed.
   *
   * @param name the name
   * @return the removed retrier, or empty
   * @throws IllegalArgumentException if the name is {@value RetryPolicy#DEFAULT_NAME}
   */
  @Override
  public Optional<Retrier> remove(String name) {
    if (RetryPolicy.DEFAULT_NAME.equals(name)) {
      throw new IllegalArgumentException(
          "the '"
              + RetryPolicy.DEFAULT_NAME
              + "' retrier holds the defaults and cannot be removed");
    }
    return super.remove(name);
  }

  /**
   * Builds a {@link RetryRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder extends EngineRegistry.Builder<RetryPolicy, Builder> {
    private Sleeper sleeper;
    private RandomGenerator random;
    private final List<HttpStatusExtractor> extractors = new ArrayList<>();

    private Builder() {
      super("retrier", "retry", RetryPolicy.builtIns().get(RetryPolicy.DEFAULT_NAME));
      RetryPolicy.builtIns().forEach(this::policy);
    }

    /**
     * Sets a named policy (replacing a built-in one of the same name); its retrier exists from the
     * start. The name {@value RetryPolicy#DEFAULT_NAME} sets the defaults.
     *
     * @param name the name
     * @param policy its policy
     * @return this builder
     */
    @Override
    public Builder instance(String name, RetryPolicy policy) {
      if (RetryPolicy.DEFAULT_NAME.equals(name)) {
        return defaults(policy);
      }
      return super.instance(name, policy);
    }

    /**
     * Sets a named policy (replacing a built-in one of the same name); its retrier exists from the
     * start. The name {@value RetryPolicy#DEFAULT_NAME} sets the defaults.
     *
     * @param name the name
     * @param policy its policy
     * @return this builder
     */
    public Builder policy(String name, RetryPolicy policy) {
      Validate.notNull("policies." + name, policy);
      return instance(name, policy);
    }

    /**
     * Sets every named policy at once, as a configuration's {@code retry.policies} does; built-in
     * names missing from the map keep their built-in policy.
     *
     * @param named the policies by name
     * @return this builder
     */
    public Builder policies(Map<String, RetryPolicy> named) {
      Validate.notNull("policies", named);
      named.forEach(this::policy);
      return this;
    }

    /**
     * Sets how blocking calls wait; default as {@link Retrier.Builder#sleeper(Sleeper)} says.
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Validate.notNull("sleeper", sleeper);
      return this;
    }

    /**
     * Sets the source of jitter of every retrier; see {@link Retrier.Builder#random}.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Validate.notNull("random", random);
      return this;
    }

    /**
     * Adds an HTTP status extractor to every retrier.
     *
     * @param extractor the extractor
     * @return this builder
     */
    public Builder statusExtractor(HttpStatusExtractor extractor) {
      extractors.add(Validate.notNull("statusExtractor", extractor));
      return this;
    }

    /**
     * Creates the registry.
     *
     * @return the registry
     */
    public RetryRegistry build() {
      return new RetryRegistry(this);
    }
  }
}
