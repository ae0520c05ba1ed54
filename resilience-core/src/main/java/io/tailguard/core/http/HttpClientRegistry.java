package io.tailguard.core.http;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The HTTP clients of a runtime ({@code resilience.http-clients}), one {@link HttpClientGuard} per
 * name, built over the runtime's engine registries: each client's rate limiter, retrier and hedger
 * are the registries' instances of the names it references, and its per-host breakers are instances
 * of the breaker registry named {@code http:<client>:<host:port>}, given the referenced breaker's
 * settings.
 *
 * <p>{@link #apply} follows a reload: a client that stays keeps its guard object (adapters may hold
 * it) and its hosts, and takes its new settings for its next requests; a new name gets a guard; a
 * client no longer configured is closed and its per-host breakers are removed from the breaker
 * registry, as are the breakers of a client that no longer names one. {@link
 * io.tailguard.core.runtime.ResilienceRuntime} owns one ({@code runtime.httpClients()}).
 *
 * <p>This class is thread-safe; {@code apply} and {@code close} are serialised.
 */
public final class HttpClientRegistry implements AutoCloseable {

  /*
   * Concurrency. `clients` is a concurrent map, written under `this` by apply() and close(); lookups
   * read it without locking. The breaker settings are written under `this` too and only read under
   * it. Hooks are copy-on-write lists. Each guard swaps its own plan (see HttpClientGuard).
   */

  private final Clock clock;
  // Null means ThreadLocalRandom.current() of each calling thread.
  private final RandomGenerator random;
  private final CircuitBreakerRegistry breakers;
  private final RetryRegistry retriers;
  private final HedgerRegistry hedgers;
  private final RateLimiterRegistry limiters;
  private final EventListeners<HttpClientEvent> listeners = new EventListeners<>();
  private final Map<String, HttpClientGuard> clients = new ConcurrentHashMap<>();
  private final List<Consumer<? super HttpClientGuard>> addedHooks = new CopyOnWriteArrayList<>();
  private final List<Consumer<? super HttpClientGuard>> removedHooks = new CopyOnWriteArrayList<>();
  // Guarded by this.
  private CircuitConfig breakerDefaults;
  // Guarded by this.
  private Map<String, CircuitConfig> breakerInstances;
  // Guarded by this.
  private boolean closed;

  private HttpClientRegistry(Builder b) {
    this.clock = b.clock;
    this.random = b.random;
    this.breakers = b.breakers;
    this.retriers = b.retriers;
    this.hedgers = b.hedgers;
    this.limiters = b.limiters;
    this.breakerDefaults = b.breakerDefaults;
    this.breakerInstances = Map.copyOf(b.breakerInstances);
    synchronized (this) {
      b.clients.forEach((name, config) -> clients.put(name, newGuard(name, config, null)));
    }
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
   * Returns whether a circuit breaker's name is that of an HTTP client's per-host breaker ({@code
   * http:<client>:<host:port>}); the runtime leaves those out of the global fuse's count.
   *
   * @param breakerName a breaker's name
   * @return {@code true} for a per-host breaker
   */
  public static boolean isHostBreaker(String breakerName) {
    return breakerName != null && breakerName.startsWith(HostTable.PREFIX);
  }

  /**
   * Returns the breaker instances the clients' {@code circuit-breaker} keys name: settings for
   * per-host breakers, which the runtime creates as breakers of their own only when asked for by
   * name.
   *
   * @param clients every client's settings, by name
   * @return the names (may include {@code default}, which is not an instance unless configured)
   */
  public static Set<String> referencedBreakers(Map<String, HttpClientConfig> clients) {
    Set<String> names = new HashSet<>();
    Validate.notNull("clients", clients)
        .values()
        .forEach(c -> c.circuitBreaker().ifPresent(names::add));
    return names;
  }

  /**
   * Returns the client with this name.
   *
   * @param name the name
   * @return its guard
   * @throws UnknownInstanceException if no client has this name
   */
  public HttpClientGuard client(String name) {
    HttpClientGuard g = name == null ? null : clients.get(name);
    if (g == null) {
      throw new UnknownInstanceException("http client", String.valueOf(name), names());
    }
    return g;
  }

  /**
   * Returns the client with this name, if configured.
   *
   * @param name the name
   * @return its guard, or empty
   */
  public Optional<HttpClientGuard> find(String name) {
    return Optional.ofNullable(name == null ? null : clients.get(name));
  }

  /**
   * Returns the clients, sorted by name.
   *
   * @return a snapshot
   */
  public Collection<HttpClientGuard> clients() {
    return List.copyOf(new TreeMap<>(clients).values());
  }

  /**
   * Returns the clients' names, sorted.
   *
   * @return a snapshot
   */
  public Set<String> names() {
    return Collections.unmodifiableSet(new TreeSet<>(clients.keySet()));
  }

  /**
   * Returns every client's description, by name.
   *
   * @return the descriptions
   */
  public Map<String, Map<String, Object>> describe() {
    Map<String, Map<String, Object>> d = new LinkedHashMap<>();
    new TreeMap<>(clients).forEach((n, g) -> d.put(n, g.describe()));
    return d;
  }

  /**
   * Adds a listener for the events of every client, present and future.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super HttpClientEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Calls {@code hook} for every client present now and every one a reload adds.
   *
   * @param hook called once per client
   * @return a subscription that stops further calls
   */
  public Subscription onAdded(Consumer<? super HttpClientGuard> hook) {
    Validate.notNull("hook", hook);
    addedHooks.add(hook);
    clients().forEach(hook);
    return () -> addedHooks.remove(hook);
  }

  /**
   * Calls {@code hook} for every client a reload removes, after closing it.
   *
   * @param hook called once per removed client
   * @return a subscription that stops further calls
   */
  public Subscription onRemoved(Consumer<? super HttpClientGuard> hook) {
    Validate.notNull("hook", hook);
    removedHooks.add(hook);
    return () -> removedHooks.remove(hook);
  }

  /**
   * Returns the settings the per-host breakers of the clients that stay will have after a reload,
   * by breaker name, for the runtime to pass to {@link CircuitBreakerRegistry#apply} with the
   * configured instances (so that the reload does not turn them back to the defaults).
   *
   * @param next every client's new settings
   * @param defaults the breakers' new defaults
   * @param instances the breakers' new named settings
   * @return the per-host breakers' settings
   */
  public synchronized Map<String, CircuitConfig> hostBreakerSettings(
      Map<String, HttpClientConfig> next,
      CircuitConfig defaults,
      Map<String, CircuitConfig> instances) {
    Map<String, CircuitConfig> out = new LinkedHashMap<>();
    next.forEach(
        (name, config) -> {
          HttpClientGuard g = clients.get(name);
          if (g == null || config.circuitBreaker().isEmpty()) {
            return;
          }
          CircuitConfig c = breakerSettings(config, defaults, instances);
          g.plan().hosts().breakerNames().forEach(b -> out.put(b, c));
        });
    return out;
  }

  /**
   * Applies new settings, as a reload does (see the class description).
   *
   * @param next every client's settings, by name
   * @param breakerDefaults the breakers' defaults ({@code circuit-breaker: default})
   * @param breakerInstances the breakers' named settings
   * @throws IllegalArgumentException if a client references a breaker that is not configured or an
   *     engine whose registry this one was not given; nothing is applied
   * @throws IllegalStateException if the registry is closed
   */
  public synchronized void apply(
      Map<String, HttpClientConfig> next,
      CircuitConfig breakerDefaults,
      Map<String, CircuitConfig> breakerInstances) {
    Validate.notNull("clients", next);
    Validate.notNull("breakerDefaults", breakerDefaults);
    Validate.notNull("breakerInstances", breakerInstances);
    if (closed) {
      throw new IllegalStateException("the http client registry is closed");
    }
    next.forEach((name, config) -> check(name, config, breakerDefaults, breakerInstances));
    this.breakerDefaults = breakerDefaults;
    this.breakerInstances = Map.copyOf(breakerInstances);
    Set<String> before = breakerNames();
    for (Map.Entry<String, HttpClientGuard> e : Map.copyOf(clients).entrySet()) {
      if (!next.containsKey(e.getKey())) {
        clients.remove(e.getKey());
        e.getValue().close();
        removedHooks.forEach(h -> h.accept(e.getValue()));
      }
    }
    next.forEach(
        (name, config) -> {
          HttpClientGuard g = clients.get(name);
          if (g == null) {
            HttpClientGuard added = newGuard(name, config, null);
            clients.put(name, added);
            addedHooks.forEach(h -> h.accept(added));
          } else {
            g.plan(plan(name, config, g.plan().hosts()));
          }
        });
    before.removeAll(breakerNames());
    if (breakers != null) {
      before.forEach(breakers::remove);
    }
  }

  /** The names of every per-host breaker the clients have made. */
  private Set<String> breakerNames() {
    Set<String> names = new HashSet<>();
    clients.values().forEach(g -> names.addAll(g.plan().hosts().breakerNames()));
    return names;
  }

  private void check(
      String name,
      HttpClientConfig config,
      CircuitConfig defaults,
      Map<String, CircuitConfig> instances) {
    InstanceNames.check("http client", name);
    Validate.notNull("http-clients." + name, config);
    breakerSettings(config, defaults, instances);
    need(config.circuitBreaker(), breakers, "circuit-breaker", name);
    need(config.retry(), retriers, "retry", name);
    need(config.hedge(), hedgers, "hedge", name);
    need(config.rateLimiter(), limiters, "rate-limiter", name);
  }

  private static void need(Optional<String> ref, Object registry, String key, String client) {
    if (ref.isPresent() && registry == null) {
      throw new IllegalArgumentException(
          "http-clients."
              + client
              + "."
              + key
              + ": the http client registry has no "
              + key
              + " registry");
    }
  }

  /** The breaker settings a client references, or null if it has no breakers. */
  private static CircuitConfig breakerSettings(
      HttpClientConfig config, CircuitConfig defaults, Map<String, CircuitConfig> instances) {
    if (config.circuitBreaker().isEmpty()) {
      return null;
    }
    String ref = config.circuitBreaker().get();
    CircuitConfig c = instances.get(ref);
    if (c != null) {
      return c;
    }
    if (ref.equals("default")) {
      return defaults;
    }
    Set<String> known = new TreeSet<>(instances.keySet());
    known.add("default");
    throw new IllegalArgumentException(
        "circuit-breaker: unknown circuit breaker '" + ref + "' (known: " + known + ")");
  }

  private HttpClientGuard newGuard(String name, HttpClientConfig config, HostTable previous) {
    check(name, config, breakerDefaults, breakerInstances);
    return new HttpClientGuard(name, clock, random, listeners, plan(name, config, previous));
  }

  /**
   * The engines a client's settings name, and its hosts: the endpoints', or without endpoints the
   * ones the previous settings had seen.
   */
  private HttpClientGuard.Plan plan(String name, HttpClientConfig config, HostTable previous) {
    CircuitConfig breakerConfig = breakerSettings(config, breakerDefaults, breakerInstances);
    HostTable hosts =
        new HostTable(
            name,
            config.maxHosts(),
            breakerConfig,
            (breakerName, c) -> breakers.reconfigure(breakerName, c));
    for (HttpEndpoint e : config.endpoints()) {
      hosts.host(e.hostTag());
    }
    // Without endpoints the hosts come from requests: keep the ones seen, and their breakers'
    // state. With endpoints only theirs are ever sent to.
    if (previous != null && config.endpoints().isEmpty()) {
      previous.tags().forEach(hosts::host);
    }
    // Lambdas, not method references: a registry this one was not given is null, and a method
    // reference would dereference it even for an absent name.
    RateLimiter limiter = config.rateLimiter().map(n -> limiters.limiter(n)).orElse(null);
    Retrier retrier = config.retry().map(n -> retriers.retrier(n)).orElse(null);
    Hedger hedger = config.hedge().map(n -> hedgers.hedger(n)).orElse(null);
    return new HttpClientGuard.Plan(config, limiter, retrier, hedger, hosts);
  }

  /**
   * Closes every client (later requests are refused; those in flight run to their end). The
   * per-host breakers stay in the breaker registry, which its owner closes. Calling it again does
   * nothing.
   */
  @Override
  public synchronized void close() {
    closed = true;
    clients.values().forEach(HttpClientGuard::close);
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Builds an {@link HttpClientRegistry}. Give it the registries of the engines the clients
   * reference; a client that references an engine whose registry is missing is refused.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private Clock clock = Clock.system();
    private RandomGenerator random;
    private CircuitBreakerRegistry breakers;
    private RetryRegistry retriers;
    private HedgerRegistry hedgers;
    private RateLimiterRegistry limiters;
    private CircuitConfig breakerDefaults = CircuitConfig.defaults();
    private Map<String, CircuitConfig> breakerInstances = Map.of();
    private final Map<String, HttpClientConfig> clients = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the clock of the events and {@code Retry-After} dates; default the system's.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the random numbers of weighted routing, for tests; default {@link
     * java.util.concurrent.ThreadLocalRandom} of each calling thread. One that is not thread-safe
     * must only be used by one thread at a time.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Validate.notNull("random", random);
      return this;
    }

    /**
     * Sets the breaker registry the per-host breakers are made in.
     *
     * @param breakers the registry
     * @return this builder
     */
    public Builder circuitBreakers(CircuitBreakerRegistry breakers) {
      this.breakers = Validate.notNull("circuitBreakers", breakers);
      return this;
    }

    /**
     * Sets the retriers, by policy name.
     *
     * @param retriers the registry
     * @return this builder
     */
    public Builder retriers(RetryRegistry retriers) {
      this.retriers = Validate.notNull("retriers", retriers);
      return this;
    }

    /**
     * Sets the hedgers.
     *
     * @param hedgers the registry
     * @return this builder
     */
    public Builder hedgers(HedgerRegistry hedgers) {
      this.hedgers = Validate.notNull("hedgers", hedgers);
      return this;
    }

    /**
     * Sets the rate limiters.
     *
     * @param limiters the registry
     * @return this builder
     */
    public Builder rateLimiters(RateLimiterRegistry limiters) {
      this.limiters = Validate.notNull("rateLimiters", limiters);
      return this;
    }

    /**
     * Sets the breaker settings clients may reference: {@code default} and the named instances.
     *
     * @param defaults the defaults
     * @param instances the named settings
     * @return this builder
     */
    public Builder breakerSettings(CircuitConfig defaults, Map<String, CircuitConfig> instances) {
      this.breakerDefaults = Validate.notNull("defaults", defaults);
      this.breakerInstances = Map.copyOf(Validate.notNull("instances", instances));
      return this;
    }

    /**
     * Adds a client.
     *
     * @param name the client's name, an instance name
     * @param config its settings
     * @return this builder
     */
    public Builder client(String name, HttpClientConfig config) {
      clients.put(InstanceNames.check("http client", name), Validate.notNull("config", config));
      return this;
    }

    /**
     * Adds clients.
     *
     * @param configs settings by client name
     * @return this builder
     */
    public Builder clients(Map<String, HttpClientConfig> configs) {
      Validate.notNull("clients", configs).forEach(this::client);
      return this;
    }

    /**
     * Creates the registry and its clients (and their endpoints' breakers).
     *
     * @return the registry
     * @throws IllegalArgumentException if a client references an unknown breaker or an engine whose
     *     registry is missing
     */
    public HttpClientRegistry build() {
      return new HttpClientRegistry(this);
    }
  }
}
