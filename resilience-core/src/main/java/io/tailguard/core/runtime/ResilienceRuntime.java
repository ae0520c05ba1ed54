package io.tailguard.core.runtime;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.config.ConfigDiff;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.config.YamlConfigWriter;
import io.tailguard.core.engine.EngineContext;
import io.tailguard.core.engine.EngineRegistry;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.ResilienceEvent;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.ratelimiter.RateLimiterStore;
import io.tailguard.core.retry.HttpStatusExtractor;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.Scheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every engine built from one {@link ResilienceConfig}: the single entry point for plain-Java
 * users.
 *
 * <pre>{@code
 * ResilienceRuntime runtime = ResilienceRuntime.load(Path.of("config/resilience.yml"));
 * Receipt r = runtime.circuitBreakers().breaker("payments").call(() -> payments.charge(order));
 * }</pre>
 *
 * <p>{@link #apply(ResilienceConfig)} takes a new configuration: existing instances keep their
 * state as far as their new settings allow, new names appear, and an instance whose settings were
 * removed goes on with the defaults, its state kept likewise (its name is still served: an open
 * breaker stays open, a hedger's calls in flight run on, a limiter keeps its keys). The new
 * configuration was validated as a whole before it got here (a {@code ResilienceConfig} that exists
 * is valid), so a refused configuration never reaches the engines and nothing half-applies. Each
 * instance swaps its settings atomically, so one call never sees two configurations of the same
 * instance.
 *
 * <p>This class is thread-safe; {@code apply} calls are serialised.
 */
public final class ResilienceRuntime implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResilienceRuntime.class);

  /** The events of a runtime. Immutable and thread-safe. */
  public sealed interface RuntimeEvent extends ResilienceEvent {}

  /**
   * A configuration was applied.
   *
   * @param name always {@code resilience}
   * @param timestamp when
   * @param changes what changed, one line per setting (see {@link ConfigDiff})
   */
  public record ConfigApplied(String name, Instant timestamp, List<String> changes)
      implements RuntimeEvent {}

  /**
   * A configuration was refused; the one in force stays.
   *
   * @param name always {@code resilience}
   * @param timestamp when
   * @param source where it came from
   * @param reason why it was refused
   */
  public record ConfigRejected(String name, Instant timestamp, String source, String reason)
      implements RuntimeEvent {}

  private final Clock clock;
  // The clock, threads and recorder every registry shares; closed last.
  private final EngineContext context;
  private final CircuitBreakerRegistry breakers;
  private final HedgerRegistry hedgers;
  private final RetryRegistry retriers;
  private final HealthRegistry health;
  private final RateLimiterRegistry rateLimiters;
  private final HttpClientRegistry httpClients;
  private final Telemetry telemetry;
  private final EventListeners<RuntimeEvent> listeners = new EventListeners<>();
  private volatile ResilienceConfig config;

  private ResilienceRuntime(Builder b) {
    this.clock = b.clock;
    this.config = b.config;
    ResilienceConfig c = b.config;
    // First, so that a backend that cannot be built leaves nothing running behind.
    RateLimiterStore.Factory stores = b.rateLimiterStores;
    if (stores == null && c.rateLimiting().backend() == RateLimitBackend.REDIS) {
      stores = redisStores(c.rateLimiting().redis(), clock);
    }
    this.telemetry = new Telemetry(c.telemetry(), clock);
    EngineContext.Builder shared = EngineContext.builder().clock(clock).recorder(telemetry);
    if (b.scheduler != null) {
      shared.scheduler(b.scheduler);
    }
    if (b.executor != null) {
      shared.executor(b.executor);
    }
    this.context = shared.build();
    CircuitBreakerRegistry.Builder cb =
        CircuitBreakerRegistry.builder()
            .context(context)
            .defaults(c.circuitBreaker().defaults())
            .globalFuse(c.circuitBreaker().global())
            // An HTTP client's replicas are one dependency: their breakers do not each count.
            .uncountedByGlobalFuse(HttpClientRegistry::isHostBreaker);
    c.circuitBreaker().instances().forEach(cb::instance);
    // An instance that HTTP clients' per-host breakers take settings from is a breaker only once
    // something asks for it by name: unused, it would show up in health and meters.
    cb.onDemand(HttpClientRegistry.referencedBreakers(c.httpClients()));
    b.breakerCustomizers.forEach(cb::customizer);
    this.breakers = cb.build();
    HedgerRegistry.Builder hb =
        HedgerRegistry.builder().context(context).defaults(c.hedging().defaults());
    if (b.linkHedgersToBreakers) {
      hb.breakers(breakers);
    }
    c.hedging().instances().forEach(hb::instance);
    b.hedgerCustomizers.forEach(hb::customizer);
    this.hedgers = hb.build();
    RetryRegistry.Builder rb =
        RetryRegistry.builder().context(context).policies(c.retry().policies());
    b.retryStatusExtractors.forEach(rb::statusExtractor);
    b.retryCustomizers.forEach(rb::customizer);
    this.retriers = rb.build();
    // The health registry keeps its own probe executor: probes block, engine tasks must not wait
    // behind them. It shares the timer thread.
    this.health =
        HealthRegistry.builder()
            .config(c.health())
            .clock(clock)
            .scheduler(context.scheduler())
            .build();
    this.health.addBreakers(breakers);
    RateLimiterRegistry.Builder rl =
        RateLimiterRegistry.builder().context(context).defaults(c.rateLimiting().defaults());
    if (stores != null) {
      rl.stores(stores);
    }
    c.rateLimiting().instances().forEach(rl::instance);
    b.limiterCustomizers.forEach(rl::customizer);
    this.rateLimiters = rl.build();
    // Last: its clients use the other registries' instances, and make per-host breakers.
    this.httpClients =
        HttpClientRegistry.builder()
            .clock(clock)
            .circuitBreakers(breakers)
            .retriers(retriers)
            .hedgers(hedgers)
            .rateLimiters(rateLimiters)
            .breakerSettings(c.circuitBreaker().defaults(), c.circuitBreaker().instances())
            .clients(c.httpClients())
            .build();
  }

  // Apart, so that Lettuce is needed only when the backend is redis.
  private static RateLimiterStore.Factory redisStores(
      ResilienceConfig.RedisSection redis, Clock clock) {
    try {
      Class.forName("io.lettuce.core.RedisClient", false, ResilienceRuntime.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "resilience.rate-limiter.backend redis needs io.lettuce:lettuce-core on the class path",
          e);
    }
    return RedisStores.fromUri(redis, clock);
  }

  /**
   * Starts a runtime from a YAML file, with the system clock.
   *
   * @param file the configuration file
   * @return the runtime
   * @throws io.tailguard.core.config.ConfigException if the configuration is invalid
   * @throws IOException if the file cannot be read
   */
  public static ResilienceRuntime load(Path file) throws IOException {
    return builder().config(YamlConfigLoader.load(file)).build();
  }

  /**
   * Returns a builder, with the default configuration and the system clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the circuit breakers.
   *
   * @return the registry
   */
  public CircuitBreakerRegistry circuitBreakers() {
    return breakers;
  }

  /**
   * Returns the hedgers; unless the builder said otherwise, each sends its attempts through the
   * breaker of the same name, if any.
   *
   * @return the registry
   */
  public HedgerRegistry hedgers() {
    return hedgers;
  }

  /**
   * Returns the rate limiters, one per operation.
   *
   * @return the registry
   */
  public RateLimiterRegistry rateLimiters() {
    return rateLimiters;
  }

  /**
   * Returns the HTTP clients of the {@code http-clients} section, which follow {@link #apply}.
   *
   * @return the registry
   */
  public HttpClientRegistry httpClients() {
    return httpClients;
  }

  /**
   * Returns the retriers, one per named policy of the {@code retry} section; other names get the
   * {@code default} policy.
   *
   * @return the registry
   */
  public RetryRegistry retriers() {
    return retriers;
  }

  /**
   * Returns the health registry: register {@link io.tailguard.core.health.HealthProbe}s with it;
   * every circuit breaker is a health source too.
   *
   * @return the registry
   */
  public HealthRegistry health() {
    return health;
  }

  /**
   * Returns the telemetry hub.
   *
   * @return the hub
   */
  public Telemetry telemetry() {
    return telemetry;
  }

  /**
   * Returns the configuration in force.
   *
   * @return the configuration
   */
  public ResilienceConfig config() {
    return config;
  }

  /**
   * Returns the configuration in force as YAML.
   *
   * @return the YAML text
   */
  public String exportYaml() {
    return YamlConfigWriter.toYaml(config);
  }

  /**
   * Applies a new configuration to every engine.
   *
   * @param next the configuration
   * @return what changed (empty if nothing)
   * @throws IllegalArgumentException if it changes {@code rate-limiter.backend} or, with the redis
   *     backend, {@code rate-limiter.redis}: the stores are built once, so that needs a restart;
   *     nothing is applied
   */
  public synchronized List<String> apply(ResilienceConfig next) {
    Validate.notNull("config", next);
    ResilienceConfig previous = config;
    checkBackendUnchanged(previous.rateLimiting(), next.rateLimiting());
    List<String> changes = ConfigDiff.between(previous, next);
    if (changes.isEmpty()) {
      return changes;
    }
    // Each registry by the one rule of EngineRegistry.apply: unchanged instances are not touched,
    // changed ones are reconfigured in place, and names no longer configured go on with the
    // defaults.
    breakers.reconfigureGlobalFuse(next.circuitBreaker().global());
    // The HTTP clients' per-host breakers keep their own settings, as configured instances do.
    Map<String, CircuitConfig> breakerInstances =
        new LinkedHashMap<>(
            httpClients.hostBreakerSettings(
                next.httpClients(),
                next.circuitBreaker().defaults(),
                next.circuitBreaker().instances()));
    breakerInstances.putAll(next.circuitBreaker().instances());
    breakers.apply(
        next.circuitBreaker().defaults(),
        breakerInstances,
        HttpClientRegistry.referencedBreakers(next.httpClients()));
    hedgers.apply(next.hedging().defaults(), next.hedging().instances());
    rateLimiters.apply(next.rateLimiting().defaults(), next.rateLimiting().instances());
    retriers.apply(next.retry().policies());
    httpClients.apply(
        next.httpClients(), next.circuitBreaker().defaults(), next.circuitBreaker().instances());
    health.reconfigure(next.health());
    telemetry.reconfigure(next.telemetry());
    config = next;
    log.atInfo()
        .addKeyValue("changes", changes.size())
        .log("Resilience configuration applied: {}", changes);
    if (!listeners.isEmpty()) {
      listeners.publish(new ConfigApplied("resilience", clock.instant(), changes));
    }
    return changes;
  }

  /**
   * The rate limiters' stores are built once, with the registry: a change of backend or of the
   * Redis settings needs a restart, so it refuses the whole configuration.
   */
  private static void checkBackendUnchanged(
      ResilienceConfig.RateLimitingSection before, ResilienceConfig.RateLimitingSection after) {
    if (before.backend() != after.backend()) {
      throw new IllegalArgumentException(
          "resilience.rate-limiter.backend cannot change while running (in force: "
              + before.backend().name().toLowerCase(java.util.Locale.ROOT)
              + ", given: "
              + after.backend().name().toLowerCase(java.util.Locale.ROOT)
              + "); restart to change it");
    }
    if (before.backend() == RateLimitBackend.REDIS && !before.redis().equals(after.redis())) {
      throw new IllegalArgumentException(
          "resilience.rate-limiter.redis cannot change while running; restart to change it");
    }
  }

  /**
   * Records that a configuration from {@code source} was refused, for listeners and logs; the
   * configuration in force stays.
   *
   * @param source where it came from
   * @param reason why it was refused
   */
  public void rejected(String source, String reason) {
    log.warn(
        "Resilience configuration from {} refused, keeping the one in force: {}", source, reason);
    if (!listeners.isEmpty()) {
      listeners.publish(new ConfigRejected("resilience", clock.instant(), source, reason));
    }
  }

  /**
   * Adds a listener for configuration events.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super RuntimeEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Returns every engine's state and the configuration, as an ordered map of plain values.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("circuitBreakers", breakers.describe());
    d.put("hedgers", hedgers.describe());
    d.put("rateLimiters", rateLimiters.describe());
    d.put("retriers", retriers.describe());
    d.put("httpClients", httpClients.describe());
    d.put("health", health.describe());
    d.put("telemetry", telemetry.describe());
    return d;
  }

  /**
   * Closes every registry (the HTTP clients first, refusing their new requests; ending the calls in
   * flight, closing the limiters' stores, stopping the health probes), then stops the shared
   * threads the runtime owns: gracefully, then by interrupting after the grace period. A scheduler
   * or executor given to the builder is left to its owner. Telemetry owns no thread.
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    List<Runnable> parts =
        List.of(
            httpClients::close,
            hedgers::close,
            retriers::close,
            health::close,
            rateLimiters::close,
            breakers::close,
            context::close);
    for (Runnable part : parts) {
      try {
        part.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Builds a {@link ResilienceRuntime}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private ResilienceConfig config = ResilienceConfig.defaults();
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private java.util.concurrent.Executor executor;
    private boolean linkHedgersToBreakers = true;
    private RateLimiterStore.Factory rateLimiterStores;
    private final List<HttpStatusExtractor> retryStatusExtractors = new ArrayList<>();
    private final List<BiFunction<String, CircuitConfig, CircuitConfig>> breakerCustomizers =
        new ArrayList<>();
    private final List<BiFunction<String, HedgeConfig, HedgeConfig>> hedgerCustomizers =
        new ArrayList<>();
    private final List<BiFunction<String, RetryPolicy, RetryPolicy>> retryCustomizers =
        new ArrayList<>();
    private final List<BiFunction<String, RateLimitConfig, RateLimitConfig>> limiterCustomizers =
        new ArrayList<>();

    private Builder() {}

    /**
     * Adds a customizer of the circuit breakers' settings, applied at creation and on every
     * reconfiguration (see {@link EngineRegistry.Builder#customizer}).
     *
     * @param customizer from a breaker's name and configured settings to the settings it gets
     * @return this builder
     */
    public Builder circuitBreakerCustomizer(
        BiFunction<String, CircuitConfig, CircuitConfig> customizer) {
      breakerCustomizers.add(Validate.notNull("circuitBreakerCustomizer", customizer));
      return this;
    }

    /**
     * Adds a customizer of the hedgers' settings, applied at creation and on every reconfiguration
     * (see {@link EngineRegistry.Builder#customizer}).
     *
     * @param customizer from a hedger's name and configured settings to the settings it gets
     * @return this builder
     */
    public Builder hedgerCustomizer(BiFunction<String, HedgeConfig, HedgeConfig> customizer) {
      hedgerCustomizers.add(Validate.notNull("hedgerCustomizer", customizer));
      return this;
    }

    /**
     * Adds a customizer of the retry policies, applied at creation and on every reconfiguration
     * (see {@link EngineRegistry.Builder#customizer}).
     *
     * @param customizer from a policy's name and configured settings to the settings it gets
     * @return this builder
     */
    public Builder retryCustomizer(BiFunction<String, RetryPolicy, RetryPolicy> customizer) {
      retryCustomizers.add(Validate.notNull("retryCustomizer", customizer));
      return this;
    }

    /**
     * Adds a customizer of the rate limiters' settings, applied at creation and on every
     * reconfiguration (see {@link EngineRegistry.Builder#customizer}).
     *
     * @param customizer from a limiter's name and configured settings to the settings it gets
     * @return this builder
     */
    public Builder rateLimiterCustomizer(
        BiFunction<String, RateLimitConfig, RateLimitConfig> customizer) {
      limiterCustomizers.add(Validate.notNull("rateLimiterCustomizer", customizer));
      return this;
    }

    /**
     * Adds an extractor that reads HTTP statuses and {@code Retry-After} from failures, for every
     * retrier (the Spring starter adds one for Spring's HTTP client exceptions).
     *
     * @param extractor the extractor
     * @return this builder
     */
    public Builder retryStatusExtractor(HttpStatusExtractor extractor) {
      retryStatusExtractors.add(Validate.notNull("retryStatusExtractor", extractor));
      return this;
    }

    /**
     * Whether each hedger sends its attempts through the breaker of the same name, if there is one;
     * default {@code true}. The Spring starter turns it off: there the order of the annotations'
     * aspects decides how hedging and breaking compose.
     *
     * @param link whether to link them
     * @return this builder
     */
    public Builder linkHedgersToBreakers(boolean link) {
      this.linkHedgersToBreakers = link;
      return this;
    }

    /**
     * Sets the configuration.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(ResilienceConfig config) {
      this.config = Validate.notNull("config", config);
      return this;
    }

    /**
     * Sets the clock of every engine.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the scheduler for hedge delays and timeouts, asynchronous retries, rate limiters' waits
     * and health probes, owned by the caller; default one shared by every engine, owned by the
     * runtime.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor for hedge attempts and for the retries of asynchronous retried calls (the
     * scheduler only hands those to it), owned by the caller; default one shared by the engines,
     * owned by the runtime (health probes keep a pool of their own: they block).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(java.util.concurrent.Executor executor) {
      this.executor = Validate.notNull("executor", executor);
      return this;
    }

    /**
     * Sets what creates the rate limiters' stores, in place of the one the configuration's {@code
     * rate-limiter.backend} implies (the Spring starter passes one over the application's Redis
     * connection, see {@link RedisStores#fromCommands}).
     *
     * @param stores the factory
     * @return this builder
     */
    public Builder rateLimiterStores(RateLimiterStore.Factory stores) {
      this.rateLimiterStores = Validate.notNull("rateLimiterStores", stores);
      return this;
    }

    /**
     * Creates the runtime.
     *
     * @return the runtime
     * @throws IllegalArgumentException if the backend is redis and there is neither a {@code
     *     rate-limiter.redis.uri} nor a {@link #rateLimiterStores} factory
     * @throws IllegalStateException if the backend is redis and Lettuce is not on the class path
     */
    public ResilienceRuntime build() {
      return new ResilienceRuntime(this);
    }
  }
}
