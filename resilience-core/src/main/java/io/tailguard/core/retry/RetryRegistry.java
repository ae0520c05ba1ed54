package io.tailguard.core.retry;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.InstanceTable;
import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.TaskExecutors;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import io.tailguard.core.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The named retriers of an application, one per named policy, sharing one scheduler (which waits
 * out the backoffs of asynchronous calls) and one executor (which runs their retries).
 *
 * <p>The policy named {@value RetryPolicy#DEFAULT_NAME} is the defaults: retriers without a policy
 * of their own use it, and {@link #reconfigureDefaults(RetryPolicy)} (or {@code
 * reconfigure("default", ...)}) changes them all. The registry starts with the built-in policies
 * {@value RetryPolicy#DEFAULT_NAME} and {@value RetryPolicy#EXPENSIVE_NAME} ({@link
 * RetryPolicy#builtIns()}), which {@link Builder#policy(String, RetryPolicy)} may replace, and a
 * retrier exists from the start for each named policy. Any other name asked of {@link
 * #retrier(String)} gets a retrier with the defaults, unless the registry is strict.
 *
 * <p>This class is thread-safe. {@link #close()} stops every retrier and the scheduler and executor
 * the registry owns.
 */
public final class RetryRegistry implements AutoCloseable {

  private static final String ENGINE = "retrier";

  // The retriers, the names with a policy of their own (never "default", which is the defaults),
  // the defaults and the hooks; thread-safe on its own.
  private final InstanceTable<Retrier, RetryPolicy> table;
  private final EventListeners<RetryEvent> listeners = new EventListeners<>();
  private final Clock clock;
  private final Scheduler scheduler;
  private final DefaultScheduler ownedScheduler;
  private final Executor executor;
  // The executor when the registry made it (stopped by close()), else null.
  private final ExecutorService ownedExecutor;
  private final Duration closeGrace;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final List<HttpStatusExtractor> extractors;
  private final CallRecorder recorder;

  private RetryRegistry(Builder b) {
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.random = b.random;
    this.extractors = List.copyOf(b.extractors);
    this.recorder = b.recorder;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedScheduler = null;
    } else {
      // Its thread starts on the first asynchronous retry, not before.
      this.ownedScheduler = new DefaultScheduler("retry", b.closeGrace);
      this.scheduler = ownedScheduler;
    }
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      // Starts no thread until the first asynchronous retry.
      this.ownedExecutor = TaskExecutors.newDefault("retry-attempt");
      this.executor = ownedExecutor;
    }
    this.closeGrace = b.closeGrace;
    this.table =
        InstanceTable.<Retrier, RetryPolicy>builder(ENGINE, "retry registry")
            .strict(b.strict)
            .defaults(b.policies.get(RetryPolicy.DEFAULT_NAME))
            .configField("policy")
            .factory(this::create)
            .reconfigurer(Retrier::reconfigure)
            .build();
    b.policies.forEach(
        (name, policy) -> {
          if (name.equals(RetryPolicy.DEFAULT_NAME)) {
            table.preloadWithDefaults(name);
          } else {
            table.preload(name, policy);
          }
        });
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

  private Retrier create(String name, RetryPolicy policy) {
    Retrier.Builder b =
        Retrier.builder(name)
            .policy(policy)
            .clock(clock)
            .scheduler(scheduler)
            .executor(executor)
            .parent(listeners);
    if (sleeper != null) {
      b.sleeper(sleeper);
    }
    if (random != null) {
      b.random(random);
    }
    extractors.forEach(b::statusExtractor);
    if (recorder != null) {
      b.recorder(recorder);
    }
    return b.build();
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
    return table.get(name);
  }

  /**
   * Returns the retrier with this name if it exists; never creates one.
   *
   * @param name the name
   * @return the retrier, or empty
   */
  public Optional<Retrier> find(String name) {
    return table.find(name);
  }

  /**
   * Returns the retriers.
   *
   * @return an unmodifiable live view
   */
  public Collection<Retrier> retriers() {
    return table.values();
  }

  /**
   * Returns the retrier names.
   *
   * @return an unmodifiable live view
   */
  public Set<String> names() {
    return table.names();
  }

  /**
   * Returns the defaults: the policy named {@value RetryPolicy#DEFAULT_NAME}.
   *
   * @return the defaults
   */
  public RetryPolicy defaults() {
    return table.defaults();
  }

  /**
   * Returns every named policy in force, the defaults under {@value RetryPolicy#DEFAULT_NAME}.
   *
   * @return the policies, sorted by name
   */
  public Map<String, RetryPolicy> policies() {
    Map<String, RetryPolicy> m = new TreeMap<>(table.ownConfigs());
    m.put(RetryPolicy.DEFAULT_NAME, table.defaults());
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns every retrier's {@link Retrier#describe()}, sorted by name.
   *
   * @return the descriptions
   */
  public Map<String, Map<String, Object>> describe() {
    return table.describe(Retrier::describe);
  }

  /**
   * Gives one retrier its own policy, creating it if needed; its counters and budget are kept. For
   * the name {@value RetryPolicy#DEFAULT_NAME} this is {@link #reconfigureDefaults(RetryPolicy)}.
   *
   * @param name the name
   * @param policy the policy
   * @return the retrier
   */
  public Retrier reconfigure(String name, RetryPolicy policy) {
    if (RetryPolicy.DEFAULT_NAME.equals(name)) {
      Validate.notNull("policy", policy);
      reconfigureDefaults(policy);
      return retrier(name);
    }
    return table.reconfigure(name, policy);
  }

  /**
   * Replaces the defaults and applies them to every retrier without a policy of its own.
   *
   * @param policy the new defaults
   */
  public void reconfigureDefaults(RetryPolicy policy) {
    // The "default" retrier exists while the registry is open, even if it was never looked up.
    table.reconfigureDefaults(policy, RetryPolicy.DEFAULT_NAME);
  }

  /**
   * Takes away one retrier's own policy, as a configuration that no longer names it does. The
   * retrier goes on with the defaults and keeps its counters and budget; in a strict registry,
   * where the name is then unknown, it is removed instead.
   *
   * @param name the name
   * @return the retrier now on the defaults, or empty if there is none
   */
  public Optional<Retrier> useDefaults(String name) {
    return table.useDefaults(name);
  }

  /**
   * Removes a retrier and its own policy: the registry stops serving it. It is not closed: calls
   * holding it finish with the policy they started with, and a later lookup of the name gets a new
   * retrier with the defaults. The {@value RetryPolicy#DEFAULT_NAME} retrier cannot be removed.
   *
   * @param name the name
   * @return the removed retrier, or empty
   * @throws IllegalArgumentException if the name is {@value RetryPolicy#DEFAULT_NAME}
   */
  public Optional<Retrier> remove(String name) {
    if (RetryPolicy.DEFAULT_NAME.equals(name)) {
      throw new IllegalArgumentException(
          "the '"
              + RetryPolicy.DEFAULT_NAME
              + "' retrier holds the defaults and cannot be removed");
    }
    return table.remove(name);
  }

  /**
   * Calls {@code hook} for every retrier present now and every one added later (by name lookup,
   * {@code reconfigure} or a configuration reload), for example to register its metrics.
   *
   * @param hook called once per retrier, on the thread that added it
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super Retrier> hook) {
    return table.onAdded(hook);
  }

  /**
   * Calls {@code hook} for every retrier removed from now on.
   *
   * @param hook called once per removed retrier
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super Retrier> hook) {
    return table.onRemoved(hook);
  }

  /**
   * Adds a listener for the events of every retrier, present and future.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super RetryEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Closes every retrier (cancelling asynchronous calls waiting for a retry), then stops the
   * scheduler and the executor the registry owns: gracefully, then by interrupting after the grace
   * period.
   */
  @Override
  public void close() {
    table.close();
    table.values().forEach(Retrier::close);
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    if (ownedExecutor != null) {
      Shutdown.stop(ownedExecutor, closeGrace);
    }
  }

  /**
   * Returns whether the scheduler and the executor the registry owns have stopped; {@code true} for
   * those it does not own.
   *
   * @return {@code true} once they have
   */
  public boolean isTerminated() {
    return (ownedScheduler == null || ownedScheduler.isTerminated())
        && (ownedExecutor == null || ownedExecutor.isTerminated());
  }

  /**
   * Builds a {@link RetryRegistry}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final Map<String, RetryPolicy> policies = new LinkedHashMap<>(RetryPolicy.builtIns());
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private Executor executor;
    private Sleeper sleeper;
    private RandomGenerator random;
    private final List<HttpStatusExtractor> extractors = new ArrayList<>();
    private Duration closeGrace = Shutdown.DEFAULT_GRACE;
    private boolean strict;
    private CallRecorder recorder;

    private Builder() {}

    /**
     * Sets the defaults: the policy named {@value RetryPolicy#DEFAULT_NAME}.
     *
     * @param defaults the defaults
     * @return this builder
     */
    public Builder defaults(RetryPolicy defaults) {
      policies.put(RetryPolicy.DEFAULT_NAME, Validate.notNull("defaults", defaults));
      return this;
    }

    /**
     * Sets a named policy (replacing a built-in one of the same name); its retrier exists from the
     * start.
     *
     * @param name the name
     * @param policy its policy
     * @return this builder
     */
    public Builder policy(String name, RetryPolicy policy) {
      InstanceNames.check(ENGINE, name);
      policies.put(name, Validate.notNull("policies." + name, policy));
      return this;
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
     * Sets the clock of every retrier.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the shared scheduler for asynchronous retries, owned by the caller; default one owned by
     * the registry.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the shared executor on which asynchronous retries run, owned by the caller; default one
     * owned by the registry, as {@link Retrier.Builder#executor(Executor)} describes.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Validate.notNull("executor", executor);
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
     * Reports every retrier's calls to a recorder, such as the telemetry hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
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
     * Makes {@link RetryRegistry#retrier(String)} refuse names without a policy.
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
    public RetryRegistry build() {
      return new RetryRegistry(this);
    }
  }
}
