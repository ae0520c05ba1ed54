package io.tailguard.core.ratelimiter.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.InMemoryRateLimiterStore;
import io.tailguard.core.ratelimiter.InvalidRateLimitKeyException;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitDecision;
import io.tailguard.core.ratelimiter.RateLimiterStore;
import io.tailguard.core.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RateLimiterStore} in Redis, so that every instance of a service shares one limit per
 * key. Plug it into a limiter with {@code RateLimiter.builder(name).store(store)} or into a
 * registry with {@code stores(name -> RedisRateLimiterStore.builder(name)...build())}.
 *
 * <pre>{@code
 * RedisRateLimiterStore store = RedisRateLimiterStore.builder("search")
 *     .commands(connection.async())            // or .uri("redis://redis:6379") to own a client
 *     .failurePolicy(RedisFailurePolicy.LOCAL)
 *     .instanceCount(4)                        // LOCAL then allows capacity / 4 per instance
 *     .build();
 * }</pre>
 *
 * <h2>Algorithm</h2>
 *
 * The same GCRA as {@link InMemoryRateLimiterStore}, with the same decisions for the same arrivals,
 * run by one Lua script per request ({@code EVALSHA}; the script is loaded with {@code SCRIPT LOAD}
 * the first time Redis answers {@code NOSCRIPT}, so once per server start). The script reads the
 * time from Redis ({@code TIME}), so the clocks of the instances do not matter. Each key holds its
 * theoretical arrival time as {@code "seconds:nanoseconds"} and expires ({@code PX}) when that time
 * is reached, at which point it is at full capacity anyway: Redis holds only keys that carry
 * information, and {@code maxKeys}/{@code cleanupThreshold} do not apply ({@link #keyCount()} is
 * -1).
 *
 * <h2>Keys</h2>
 *
 * A key {@code k} is stored as {@code keyPrefix + "{" + k + "}"} (prefix default {@code
 * tailguard:rl:<limiter>:}). The braces are a Redis Cluster hash tag: each request touches one key,
 * so the store works on a cluster, and keys spread over its slots by their own hash. A key that
 * holds {@code '{'} or {@code '}'} (which would move the hash tag, letting a client pile keys on
 * one shard) or an unpaired surrogate (which UTF-8 cannot encode, so two such keys would share one
 * Redis key) is refused with an {@link InvalidRateLimitKeyException}.
 *
 * <h2>When Redis fails</h2>
 *
 * Every Redis call is bounded by {@code commandTimeout} (default 100 ms) and passes through a
 * {@link CircuitBreaker} (default: open after 3 failures in a row, for 0.5 s doubling up to 5 s),
 * so once the breaker is open a dead Redis costs no latency. A request Redis cannot answer is
 * decided by the {@link RedisFailurePolicy}: {@code FAIL_OPEN}, {@code FAIL_CLOSED} or {@code
 * LOCAL} (the default; an in-memory limiter at {@code capacity / instanceCount}). Fallbacks are
 * counted; each episode is logged once at WARN when it starts and once at INFO when Redis answers a
 * request sent during it. An answer or a failure is judged against the state the store was in when
 * its request was sent, so requests under way when an outage begins or ends, reporting late, never
 * split one outage into two episodes. Shared limiting resumes by itself: the breaker lets a trial
 * call through after its cooldown, the client reconnects, and the script is reloaded if Redis lost
 * it.
 *
 * <h2>Without blocking</h2>
 *
 * {@link #acquireAsync} (behind {@code RateLimiter.acquireAsync}, which the starter uses for
 * reactive methods) sends the script and returns: the decision completes on Lettuce's thread when
 * Redis answers, or with the failure policy's answer when it cannot within {@code commandTimeout}
 * (then on a pool thread, not the JDK's shared timer). The blocking methods wait for Redis on the
 * calling thread, up to the same timeout.
 *
 * <p>Requires Redis 5 or later (scripts that write after {@code TIME}) and {@code
 * io.lettuce:lettuce-core} on the class path.
 *
 * <p>This class is thread-safe. Each request allocates (its arguments and Lettuce's command).
 */
public final class RedisRateLimiterStore implements RateLimiterStore {

  /*
   * Concurrency. The store's own state is the Link (immutable, or OwnedLink with its own lock), the
   * breaker (thread-safe), the local fallback store (thread-safe), the cached local config
   * (`local`, a volatile immutable pair replaced whole when the shared config changes; a race only
   * computes the same pair twice), the fallback `phase` (below) and LongAdder counters. An
   * asynchronous request's state (its guard, its command in flight, the phase it started in)
   * belongs to that request and is published through the CompletableFuture chain that Lettuce, or
   * the timeout, completes.
   *
   * `phase` says whether the store is in a fallback episode: even while Redis answers, odd from the
   * failure that starts an episode until an answer ends it; each change adds one, by CAS, so exactly
   * one thread logs the start and one the end of each episode. Outcomes are reported in no
   * particular order: a thread can be descheduled between Redis's answer (or the breaker's
   * refusal) and its report, and a command sent just before a change can complete just after it.
   * So, as the breaker does with its generation, each request reads the phase before it asks the
   * breaker, and its outcome may change the phase only from that value: an answer Redis sent
   * before an outage cannot end the outage's episode, and a failure under way when Redis answered
   * again cannot start a new one. One outage is one episode however the reports interleave.
   */

  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiterStore.class);

  static final String SCRIPT = readScript();
  static final String SHA = sha1(SCRIPT);

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  // Returned by shared() when Redis could not decide; never a real result (those are > 0 or in
  // [-(366d + 366d), -1]).
  private static final long UNAVAILABLE = Long.MIN_VALUE + 1;
  private static final Duration FAIL_CLOSED_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_INSTANCE_COUNT = 100_000;
  private static final int MAX_PREFIX_LENGTH = 256;

  private final String limiterName;
  private final String keyPrefix;
  private final Link link;
  private final long commandTimeoutNanos;
  private final RedisFailurePolicy policy;
  private final int instanceCount;
  private final CircuitBreaker breaker;
  private final Clock clock;
  // Tests only: the clock whose time the script uses instead of Redis TIME; null in production.
  private final Clock scriptClock;
  private final InMemoryRateLimiterStore localStore;

  // The shared config last seen and its per-instance share; replaced whole (see the top comment).
  private volatile LocalConfig local;
  // Even while Redis answers, odd during a fallback episode; +1 per change, by CAS (see the top
  // comment). An outcome changes it only from the value its request read before the breaker.
  private final AtomicLong phase = new AtomicLong();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder episodes = new LongAdder();
  private final LongAdder redisErrors = new LongAdder();
  private final LongAdder scriptLoads = new LongAdder();

  private RedisRateLimiterStore(Builder b) {
    this.limiterName = b.limiterName;
    this.keyPrefix = b.keyPrefix != null ? b.keyPrefix : "tailguard:rl:" + b.limiterName + ":";
    this.commandTimeoutNanos = b.commandTimeout.toNanos();
    this.policy = b.policy;
    this.instanceCount = b.instanceCount;
    this.clock = b.clock;
    this.scriptClock = b.scriptClock;
    this.breaker = b.breaker != null ? b.breaker : defaultBreaker(b.limiterName, b.clock);
    this.localStore =
        policy == RedisFailurePolicy.LOCAL ? new InMemoryRateLimiterStore(clock) : null;
    this.link =
        b.commands != null ? new FixedLink(b.commands) : new OwnedLink(b.uri, b.commandTimeout);
  }

  private static CircuitBreaker defaultBreaker(String limiterName, Clock clock) {
    String name =
        limiterName.length() <= InstanceNames.MAX_LENGTH - 6 ? limiterName + ".redis" : limiterName;
    return CircuitBreaker.builder(name)
        .clock(clock)
        .config(
            CircuitConfig.builder()
                .consecutiveFailuresThreshold(3)
                .openCooldown(Duration.ofMillis(500))
                .maxOpenCooldown(Duration.ofSeconds(5))
                .halfOpenMaxConcurrent(1)
                .halfOpenRequiredSuccesses(1)
                .build())
        .build();
  }

  /**
   * Returns a builder for the store of the limiter with this name.
   *
   * @param limiterName the limiter's name, used in the default key prefix and in log lines
   * @return a new builder
   * @throws IllegalArgumentException if the name is not a valid instance name
   */
  public static Builder builder(String limiterName) {
    return new Builder(InstanceNames.check("rate limiter", limiterName));
  }

  /**
   * Returns a factory for {@link io.tailguard.core.ratelimiter.RateLimiterRegistry.Builder#stores}
   * that builds each limiter's store from a builder for its name with these settings.
   *
   * <pre>{@code
   * RateLimiterRegistry.builder()
   *     .stores(RedisRateLimiterStore.factory(b -> b.commands(connection.async()).instanceCount(4)))
   * }</pre>
   *
   * @param settings applies the settings to the builder of each store
   * @return the factory
   */
  public static RateLimiterStore.Factory factory(UnaryOperator<Builder> settings) {
    Validate.notNull("settings", settings);
    return name -> settings.apply(builder(name)).build();
  }

  // ---------------------------------------------------------------------------------------------
  // The request path

  @Override
  public long acquire(String key, int permits, long maxWaitNanos, RateLimitConfig config) {
    String redisKey = redisKey(key);
    return acquired(
        key, permits, maxWaitNanos, config, shared(redisKey, permits, maxWaitNanos, config, 'a'));
  }

  /**
   * Sends the script and completes when Redis answers, on Lettuce's thread; a Redis that cannot
   * answer within {@code commandTimeout} (or an open breaker) is decided by the failure policy, as
   * in {@link #acquire}. Never blocks the caller, not even for the connection.
   *
   * @throws InvalidRateLimitKeyException at once if the key breaks a Redis key rule
   */
  @Override
  public CompletionStage<Long> acquireAsync(
      String key, int permits, long maxWaitNanos, RateLimitConfig config) {
    String redisKey = redisKey(key);
    return sharedAsync(redisKey, permits, maxWaitNanos, config)
        .thenApply(r -> acquired(key, permits, maxWaitNanos, config, r));
  }

  /** What {@link #acquire} returns once Redis answered {@code r}, or could not (UNAVAILABLE). */
  private long acquired(
      String key, int permits, long maxWaitNanos, RateLimitConfig config, long r) {
    if (r == UNAVAILABLE) {
      fallbacks.increment();
      switch (policy) {
        case FAIL_OPEN:
          return 0;
        case FAIL_CLOSED:
          return -FAIL_CLOSED_RETRY.toNanos();
        default:
          LocalConfig lc = localConfig(config);
          if (permits > lc.config.capacity()) {
            return -config.window().toNanos();
          }
          return localStore.acquire(key, permits, maxWaitNanos, lc.config);
      }
    }
    return r > 0 ? Math.max(0, r - config.burstNanos()) : r;
  }

  @Override
  public RateLimitDecision decide(String key, int permits, RateLimitConfig config) {
    String redisKey = redisKey(key);
    long r = shared(redisKey, permits, 0, config, 'a');
    if (r == UNAVAILABLE) {
      fallbacks.increment();
      switch (policy) {
        case FAIL_OPEN:
          return RateLimitDecision.permitted(
              (long) permits * config.emissionIntervalNanos(), config);
        case FAIL_CLOSED:
          return RateLimitDecision.rateExceeded(FAIL_CLOSED_RETRY.toNanos(), permits, config);
        default:
          LocalConfig lc = localConfig(config);
          if (permits > lc.config.capacity()) {
            return RateLimitDecision.rateExceeded(config.window().toNanos(), permits, config);
          }
          RateLimitDecision d = localStore.decide(key, permits, lc.config);
          // Headers speak of the shared limit, which is what the client was promised.
          return new RateLimitDecision(
              d.reason(), config.capacity(), d.remaining(), d.retryAfter(), d.resetAfter());
      }
    }
    return r > 0
        ? RateLimitDecision.permitted(r, config)
        : RateLimitDecision.rateExceeded(-r, permits, config);
  }

  @Override
  public void release(String key, int permits, RateLimitConfig config) {
    String redisKey = redisKey(key);
    long r = shared(redisKey, permits, 0, config, 'r');
    if (r == UNAVAILABLE && localStore != null) {
      localStore.release(key, permits, localConfig(config).config);
    }
  }

  /**
   * Runs the script through the breaker. Returns how far the key's new TAT runs ahead of now
   * ({@code > 0}) if permitted, the negated time until the request would fit if refused, or
   * UNAVAILABLE.
   */
  private long shared(
      String redisKey, int permits, long maxWaitNanos, RateLimitConfig config, char op) {
    long seen = phase.get();
    CallGuard guard;
    try {
      guard = breaker.acquire();
    } catch (CircuitRejectedException e) {
      degrade(seen, e);
      return UNAVAILABLE;
    }
    try {
      long r = eval(redisKey, args(permits, maxWaitNanos, config, op));
      guard.success();
      recovered(seen);
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      guard.release();
      degrade(seen, e);
      return UNAVAILABLE;
    } catch (Exception e) {
      redisErrors.increment();
      guard.failure(e);
      degrade(seen, e);
      return UNAVAILABLE;
    } finally {
      guard.close();
    }
  }

  /**
   * {@link #shared} without blocking: the stage completes with the script's answer or UNAVAILABLE,
   * never exceptionally. The breaker and the counters see each request as on the blocking path.
   */
  private CompletableFuture<Long> sharedAsync(
      String redisKey, int permits, long maxWaitNanos, RateLimitConfig config) {
    long seen = phase.get();
    CallGuard guard;
    try {
      guard = breaker.acquire();
    } catch (CircuitRejectedException e) {
      degrade(seen, e);
      return CompletableFuture.completedFuture(UNAVAILABLE);
    }
    // The command in flight, cancelled if the timeout passes first (as the blocking path does).
    AtomicReference<Future<?>> inFlight = new AtomicReference<>();
    CompletableFuture<Long> answer;
    try {
      answer = evalAsync(redisKey, args(permits, maxWaitNanos, config, 'a'), inFlight);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Long> result = new CompletableFuture<>();
    answer
        .orTimeout(commandTimeoutNanos, TimeUnit.NANOSECONDS)
        .whenComplete(
            (r, e) -> {
              if (e == null) {
                guard.success();
                recovered(seen);
                result.complete(r);
                return;
              }
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              redisErrors.increment();
              guard.failure(cause);
              degrade(seen, cause);
              if (cause instanceof TimeoutException) {
                Future<?> f = inFlight.get();
                if (f != null) {
                  f.cancel(true);
                }
                // On the JDK's timer thread now, which every timeout shares: the caller's work
                // that follows runs elsewhere.
                result.completeAsync(() -> UNAVAILABLE);
              } else {
                result.complete(UNAVAILABLE);
              }
            });
    return result;
  }

  /**
   * Runs the script without blocking: connects if needed, and loads the script once if Redis lost
   * it, each step chained on the last one's answer. {@code inFlight} holds the latest command.
   */
  private CompletableFuture<Long> evalAsync(
      String redisKey, String[] args, AtomicReference<Future<?>> inFlight) {
    String[] keys = {redisKey};
    return link.commandsAsync()
        .thenCompose(
            commands -> {
              RedisFuture<List<Object>> first =
                  commands.evalsha(SHA, ScriptOutputType.MULTI, keys, args);
              inFlight.set(first);
              return first
                  .handle(
                      (out, e) -> {
                        if (e == null) {
                          return CompletableFuture.completedFuture(out);
                        }
                        if (!isNoScript(e)) {
                          return CompletableFuture.<List<Object>>failedFuture(e);
                        }
                        // Redis lost its scripts: load it and try once more.
                        scriptLoads.increment();
                        RedisFuture<String> load = commands.scriptLoad(SCRIPT);
                        inFlight.set(load);
                        return load.thenCompose(
                            sha -> {
                              RedisFuture<List<Object>> again =
                                  commands.evalsha(SHA, ScriptOutputType.MULTI, keys, args);
                              inFlight.set(again);
                              return again;
                            });
                      })
                  .thenCompose(stage -> stage);
            })
        .thenApply(RedisRateLimiterStore::decode);
  }

  private static boolean isNoScript(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT");
  }

  /**
   * Ends the episode on an answer to a request sent during it ({@code seen} odd, still current); an
   * answer to a request sent before the episode began says nothing about Redis now.
   */
  private void recovered(long seen) {
    if ((seen & 1) == 1 && phase.get() == seen && phase.compareAndSet(seen, seen + 1)) {
      log.info("Rate limiter '{}': Redis answers again, shared limits resume", limiterName);
    }
  }

  /**
   * Starts an episode on a failure of a request sent while Redis answered ({@code seen} even, still
   * current); a failure of a request sent before the last answer belongs to an episode that is over
   * or already counted.
   */
  private void degrade(long seen, Throwable cause) {
    if ((seen & 1) == 0 && phase.get() == seen && phase.compareAndSet(seen, seen + 1)) {
      episodes.increment();
      log.warn(
          "Rate limiter '{}': Redis ({}) cannot answer ({}); deciding {} until it does",
          limiterName,
          link.describe(),
          describeCause(cause),
          policy);
    }
  }

  private static String describeCause(Throwable cause) {
    Throwable c =
        cause instanceof ExecutionException && cause.getCause() != null ? cause.getCause() : cause;
    return c.getClass().getSimpleName() + (c.getMessage() != null ? ": " + c.getMessage() : "");
  }

  private String[] args(int permits, long maxWaitNanos, RateLimitConfig config, char op) {
    long cost = (long) permits * config.emissionIntervalNanos();
    long burst = config.burstNanos();
    int n = scriptClock == null ? 7 : 9;
    String[] a = new String[n];
    a[0] = Long.toString(cost / NANOS_PER_SECOND);
    a[1] = Long.toString(cost % NANOS_PER_SECOND);
    a[2] = Long.toString(burst / NANOS_PER_SECOND);
    a[3] = Long.toString(burst % NANOS_PER_SECOND);
    a[4] = Long.toString(maxWaitNanos / NANOS_PER_SECOND);
    a[5] = Long.toString(maxWaitNanos % NANOS_PER_SECOND);
    a[6] = op == 'r' ? "r" : "a";
    if (scriptClock != null) {
      long now = scriptClock.nanoTime();
      a[7] = Long.toString(Math.floorDiv(now, NANOS_PER_SECOND));
      a[8] = Long.toString(Math.floorMod(now, NANOS_PER_SECOND));
    }
    return a;
  }

  private long eval(String redisKey, String[] args) throws Exception {
    long deadline = clock.nanoTime() + commandTimeoutNanos;
    RedisScriptingAsyncCommands<String, String> commands = link.commands(commandTimeoutNanos);
    String[] keys = {redisKey};
    List<Object> out;
    try {
      out = await(commands.evalsha(SHA, ScriptOutputType.MULTI, keys, args), deadline);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c == null || c.getMessage() == null || !c.getMessage().startsWith("NOSCRIPT")) {
        throw e;
      }
      // Redis lost its scripts (first use, restart, SCRIPT FLUSH): load it and try once more.
      scriptLoads.increment();
      await(commands.scriptLoad(SCRIPT), deadline);
      out = await(commands.evalsha(SHA, ScriptOutputType.MULTI, keys, args), deadline);
    }
    return decode(out);
  }

  /** The script's answer: {@code [1 or 0, seconds, nanoseconds]}, as {@link #shared} returns it. */
  private static long decode(List<Object> out) {
    long code = (Long) out.get(0);
    long nanos = (Long) out.get(1) * NANOS_PER_SECOND + (Long) out.get(2);
    return code == 1 ? nanos : -nanos;
  }

  private <T> T await(RedisFuture<T> future, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    long left = Math.max(1, deadline - clock.nanoTime());
    // With a clock that does not move (tests), the wait is still bounded by the command timeout.
    left = Math.min(left, commandTimeoutNanos);
    try {
      return future.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }

  private String redisKey(String key) {
    for (int i = 0, n = key.length(); i < n; i++) {
      char c = key.charAt(i);
      if (c == '{' || c == '}') {
        throw new InvalidRateLimitKeyException(
            limiterName,
            "key must not contain '{' or '}' (a Redis Cluster hash tag), found at index " + i);
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(key.charAt(i + 1))) {
          i++;
        } else {
          throw new InvalidRateLimitKeyException(
              limiterName,
              "key must be valid UTF-16 (Redis keys are UTF-8), found an unpaired surrogate at"
                  + " index "
                  + i);
        }
      }
    }
    return keyPrefix + "{" + key + "}";
  }

  private LocalConfig localConfig(RateLimitConfig shared) {
    LocalConfig lc = local;
    if (lc == null || lc.shared != shared) {
      int capacity = Math.max(1, shared.capacity() / instanceCount);
      lc = new LocalConfig(shared, shared.toBuilder().capacity(capacity).build());
      local = lc;
    }
    return lc;
  }

  // ---------------------------------------------------------------------------------------------
  // Reports

  /**
   * Returns -1: Redis holds the keys, and counting them would need a scan.
   *
   * @return -1
   */
  @Override
  public long keyCount() {
    return -1;
  }

  /**
   * Returns how many requests were decided by the failure policy because Redis could not answer.
   *
   * @return the count
   */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /**
   * Returns how many times the store started falling back (each logged once).
   *
   * @return the count
   */
  public long fallbackEpisodes() {
    return episodes.sum();
  }

  /**
   * Returns whether the store is falling back now: a request failed to reach Redis, and no request
   * sent since has been answered.
   *
   * @return {@code true} while degraded
   */
  public boolean isDegraded() {
    return (phase.get() & 1) == 1;
  }

  /**
   * Returns the circuit breaker the Redis calls pass through.
   *
   * @return the breaker
   */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Returns the failure policy.
   *
   * @return the policy
   */
  public RedisFailurePolicy failurePolicy() {
    return policy;
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "redis");
    m.put("redis", link.describe());
    m.put("keyPrefix", keyPrefix);
    m.put("failurePolicy", policy.name());
    m.put("instanceCount", instanceCount);
    m.put("commandTimeout", Durations.format(Duration.ofNanos(commandTimeoutNanos)));
    m.put("breaker", breaker.state().name());
    m.put("degraded", isDegraded());
    m.put("fallbacks", fallbacks.sum());
    m.put("fallbackEpisodes", episodes.sum());
    m.put("redisErrors", redisErrors.sum());
    m.put("scriptLoads", scriptLoads.sum());
    if (localStore != null) {
      m.put("local", localStore.describe());
    }
    return m;
  }

  /** Closes the Redis client if this store created it (built with a URI); otherwise nothing. */
  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "RedisRateLimiterStore[" + limiterName + ", " + link.describe() + ", " + policy + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Support

  private static String readScript() {
    try (InputStream in = RedisRateLimiterStore.class.getResourceAsStream("gcra.lua")) {
      if (in == null) {
        throw new IllegalStateException("gcra.lua missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A shared config and the share of it one instance enforces alone. */
  private static final class LocalConfig {
    final RateLimitConfig shared;
    final RateLimitConfig config;

    LocalConfig(RateLimitConfig shared, RateLimitConfig config) {
      this.shared = shared;
      this.config = config;
    }
  }

  /** Where the commands come from. */
  private interface Link {
    RedisScriptingAsyncCommands<String, String> commands(long timeoutNanos) throws Exception;

    /** The commands once connected, without waiting for the connection. */
    CompletableFuture<RedisScriptingAsyncCommands<String, String>> commandsAsync();

    String describe();

    void close();
  }

  /** Commands of a connection the application owns. */
  private static final class FixedLink implements Link {
    private final RedisScriptingAsyncCommands<String, String> commands;

    private final CompletableFuture<RedisScriptingAsyncCommands<String, String>> ready;

    FixedLink(RedisScriptingAsyncCommands<String, String> commands) {
      this.commands = commands;
      this.ready = CompletableFuture.completedFuture(commands);
    }

    @Override
    public RedisScriptingAsyncCommands<String, String> commands(long timeoutNanos) {
      return commands;
    }

    @Override
    public CompletableFuture<RedisScriptingAsyncCommands<String, String>> commandsAsync() {
      return ready;
    }

    @Override
    public String describe() {
      return "application connection";
    }

    @Override
    public void close() {}
  }

  /**
   * A client this store owns. It starts connecting when built, and connects again on the first
   * request the breaker lets through after a failed attempt or a lost connection: so a Redis that
   * is down at start-up only means fallbacks until it is up, reconnection costs no background
   * thread and is never delayed by a back-off, and commands on a lost connection fail at once
   * instead of queueing.
   */
  private static final class OwnedLink implements Link {
    private final RedisClient client;
    private final RedisURI uri;
    private final String display;
    // The pending or completed connection; replaced after a failed attempt. Guarded by this.
    private CompletableFuture<StatefulRedisConnection<String, String>> connection;
    // Set by close(); guarded by this.
    private boolean closed;

    OwnedLink(String uri, Duration commandTimeout) {
      this.uri = RedisURI.create(uri);
      this.display = this.uri.getHost() + ":" + this.uri.getPort();
      this.client = RedisClient.create();
      Duration connectTimeout =
          commandTimeout.compareTo(Duration.ofSeconds(1)) > 0
              ? commandTimeout
              : Duration.ofSeconds(1);
      client.setOptions(
          ClientOptions.builder()
              .autoReconnect(false)
              .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
              .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
              .build());
      // Start connecting now, so that the first requests need not wait for it.
      this.connection = client.connectAsync(StringCodec.UTF8, this.uri).toCompletableFuture();
    }

    @Override
    public RedisScriptingAsyncCommands<String, String> commands(long timeoutNanos)
        throws Exception {
      return connection().get(timeoutNanos, TimeUnit.NANOSECONDS).async();
    }

    @Override
    public CompletableFuture<RedisScriptingAsyncCommands<String, String>> commandsAsync() {
      try {
        return connection().thenApply(StatefulRedisConnection::async);
      } catch (IllegalStateException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /** The pending or open connection, after starting a new one if the last failed or closed. */
    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("store closed");
        }
        CompletableFuture<StatefulRedisConnection<String, String>> f = connection;
        if (f != null && f.isDone() && !f.isCompletedExceptionally() && !f.join().isOpen()) {
          f.join().closeAsync();
          f = null;
        }
        if (f == null || f.isCompletedExceptionally()) {
          f = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
          connection = f;
        }
        return f;
      }
    }

    @Override
    public String describe() {
      return display;
    }

    @Override
    public void close() {
      CompletableFuture<StatefulRedisConnection<String, String>> f;
      synchronized (this) {
        closed = true;
        f = connection;
      }
      if (f != null) {
        closeWhenMade(f);
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * Closes a connection once it is made, without waiting for the close. A connection still pending
   * completes on Lettuce's I/O thread, and the blocking {@code close()} there waits for that thread
   * itself: it hung the I/O thread, and with it {@code client.shutdown} in {@link #close()}, when a
   * store was closed while its first connection was being made.
   */
  static void closeWhenMade(CompletableFuture<? extends StatefulRedisConnection<?, ?>> connection) {
    connection.thenAccept(StatefulRedisConnection::closeAsync);
  }

  /**
   * Builds a {@link RedisRateLimiterStore}. Set exactly one of {@link #commands} and {@link #uri}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final String limiterName;
    private RedisScriptingAsyncCommands<String, String> commands;
    private String uri;
    private String keyPrefix;
    private Duration commandTimeout = Duration.ofMillis(100);
    private RedisFailurePolicy policy = RedisFailurePolicy.LOCAL;
    private int instanceCount = 1;
    private CircuitBreaker breaker;
    private Clock clock = Clock.system();
    private Clock scriptClock;

    private Builder(String limiterName) {
      this.limiterName = limiterName;
    }

    /**
     * Uses the commands of a connection the application owns (a {@code
     * StatefulRedisConnection.async()} or a cluster connection's {@code async()}); the store never
     * closes it. Give it a codec of strings.
     *
     * @param commands the commands
     * @return this builder
     */
    @SuppressWarnings("exports") // Lettuce is optional: a caller with a connection has it
    public Builder commands(RedisScriptingAsyncCommands<String, String> commands) {
      this.commands = Validate.notNull("commands", commands);
      return this;
    }

    /**
     * Makes the store create (lazily) and own a client of this Redis, closed by {@link
     * RedisRateLimiterStore#close()}.
     *
     * @param uri a Redis URI such as {@code redis://host:6379}
     * @return this builder
     * @throws IllegalArgumentException if the URI cannot be parsed
     */
    public Builder uri(String uri) {
      Validate.notNull("uri", uri);
      try {
        RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "uri must be a Redis URI (redis://host:port), was '"
                + uri.replaceAll("//[^@/]*@", "//***@")
                + "'",
            e);
      }
      this.uri = uri;
      return this;
    }

    /**
     * Sets the prefix of every Redis key; default {@code tailguard:rl:<limiter>:}.
     *
     * @param keyPrefix at most 256 characters, without {@code '{'} or {@code '}'}
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      Validate.notNull("keyPrefix", keyPrefix);
      if (keyPrefix.length() > MAX_PREFIX_LENGTH
          || keyPrefix.indexOf('{') >= 0
          || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException(
            "keyPrefix must have at most "
                + MAX_PREFIX_LENGTH
                + " characters and no '{' or '}' (the store adds the hash tag), was '"
                + keyPrefix
                + "'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets the longest wait for Redis per request (the connection, the script and a reload).
     *
     * @param commandTimeout in [1ms, 10s]; default 100 ms
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout =
          Validate.inRange(
              "commandTimeout", commandTimeout, Duration.ofMillis(1), MAX_COMMAND_TIMEOUT);
      return this;
    }

    /**
     * Sets what requests get while Redis cannot answer.
     *
     * @param policy default {@link RedisFailurePolicy#LOCAL}
     * @return this builder
     */
    public Builder failurePolicy(RedisFailurePolicy policy) {
      this.policy = Validate.notNull("failurePolicy", policy);
      return this;
    }

    /**
     * Sets how many instances share the limit; under {@link RedisFailurePolicy#LOCAL} each enforces
     * {@code capacity / instanceCount} (at least 1) while Redis is away.
     *
     * @param instanceCount in [1, 100,000]; default 1
     * @return this builder
     */
    public Builder instanceCount(int instanceCount) {
      this.instanceCount = Validate.inRange("instanceCount", instanceCount, 1, MAX_INSTANCE_COUNT);
      return this;
    }

    /**
     * Sets the circuit breaker Redis calls pass through; default one named {@code <limiter>.redis}
     * that opens after 3 failures in a row for 0.5 s, doubling up to 5 s.
     *
     * @param breaker the breaker
     * @return this builder
     */
    public Builder breaker(CircuitBreaker breaker) {
      this.breaker = Validate.notNull("breaker", breaker);
      return this;
    }

    /**
     * Sets the clock of the default breaker, the local fallback and the command deadlines; it
     * should be the limiter's clock. Decisions use Redis's clock, never this one.
     *
     * @param clock default the system clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /** Tests only: the script takes its time from this clock instead of Redis {@code TIME}. */
    Builder scriptClock(Clock scriptClock) {
      this.scriptClock = scriptClock;
      return this;
    }

    /**
     * Builds the store. With a {@link #uri}, the client starts connecting in the background; a
     * Redis that is down then (or later) means fallbacks, not an error.
     *
     * @return the store
     * @throws IllegalArgumentException if neither or both of commands and uri are set
     */
    public RedisRateLimiterStore build() {
      if ((commands == null) == (uri == null)) {
        throw new IllegalArgumentException(
            "exactly one of commands and uri must be set, was "
                + (commands == null ? "neither" : "both"));
      }
      return new RedisRateLimiterStore(this);
    }
  }
}
