package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitEvent;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.circuitbreaker.GlobalFuse;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.testing.TcpProxy;
import io.tailguard.sample.catalog.CatalogReplicas;
import io.tailguard.sample.downstream.Downstream;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample app under chaos, shared by the {@code Chaos*Tests} classes (one Spring context for
 * all: they declare no settings of their own). Each test injects one fault into the app's
 * dependencies over real loopback connections, drives load over HTTP and asserts what the app did:
 * which answers (never a 500), how fast the breakers opened and recovered, and that nothing was
 * left behind once the load stopped. {@code docs/reliability.md} lists the figures.
 *
 * <p>The settings differ from {@code application.yml} to keep the suite short: breakers decide on
 * the last 2 s (10 calls at least) with cooldowns of 0.5 to 1 s, a 1 s hedging timeout, a 4 s read
 * timeout. The search limiter keeps its keys in Redis (the core test-jar's {@link RedisExtension}:
 * a container, or the embedded binary), reached through a {@link TcpProxy} the Redis tests cut, as
 * a killed server would be. The global fuse opens when 30% of the breakers are open: 2 of the app's
 * 6 (the catalog client's per-replica breakers are not counted: replicas of one service are one
 * dependency).
 *
 * <p>Each test starts from a fast, faultless downstream, Redis reachable and every breaker reset.
 * The classes are tagged {@code chaos} and run in every {@code ./mvnw verify}; {@code
 * -Dtest='Chaos*'} runs them alone.
 */
@Tag("chaos")
@ExtendWith(RedisExtension.class)
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "resilience.circuit-breaker.defaults.rolling-window=2s",
      "resilience.circuit-breaker.defaults.open-cooldown=500ms",
      "resilience.circuit-breaker.defaults.max-open-cooldown=1s",
      "resilience.circuit-breaker.global.component-open-ratio=0.3",
      "resilience.hedge.instances.quotes.timeout=1s",
      "resilience.health.interval=200ms",
      "resilience.health.timeout=150ms",
      "resilience.rate-limiter.backend=redis",
      // LOCAL (the default policy) then allows 10 / 2 = 5 per key while Redis is away.
      "resilience.rate-limiter.redis.instance-count=2",
      "resilience.rate-limiter.instances.search.capacity=10",
      "resilience.rate-limiter.instances.search.window=1h",
      "management.endpoint.resilience.access=unrestricted",
      "sample.downstream.p50-ms=5",
      "sample.downstream.tail-probability=0",
      "sample.downstream.failure-rate=0",
      "sample.downstream.read-timeout=4s"
    })
abstract class ChaosTestSupport {

  /**
   * Every breaker the app's annotations use; each test starts with all of them, closed. The catalog
   * client's per-replica breakers ({@link #allBreakers()}) exist from the start.
   */
  static final Set<String> BREAKERS =
      Set.of("quotes", "quotes-baseline", "search", "auth", "db", "inventory");

  /** Fast and faultless: the state every test starts from. */
  static final DownstreamProfile CALM = new DownstreamProfile(5, 250, 0, 0, false);

  /** The hedging timeout of {@code quotes} in this context. */
  static final Duration HEDGE_TIMEOUT = Duration.ofSeconds(1);

  /** The longest cooldown of a breaker in this context. */
  static final Duration MAX_COOLDOWN = Duration.ofSeconds(1);

  /** Longest wait for anything the suite waits for. */
  static final Duration PATIENCE = Duration.ofSeconds(15);

  /** One client for the whole suite, so its threads are there before and after every test. */
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  // Set once, by the first test class's @BeforeAll, before the context (and its limiter) starts;
  // the context is shared by every class, so later classes reuse both.
  private static volatile RedisTestServer redis;
  private static volatile TcpProxy redisProxy;

  @LocalServerPort int port;
  @Autowired Downstream downstream;
  @Autowired CatalogReplicas catalogReplicas;
  @Autowired CircuitBreakerRegistry breakers;
  @Autowired HedgerRegistry hedgers;
  @Autowired RateLimiterRegistry limiters;
  @Autowired ResilienceRuntime runtime;

  /** Every breaker transition (the fuse's included) since the test started. */
  final List<Transition> transitions = new CopyOnWriteArrayList<>();

  private Subscription subscription;

  @BeforeAll
  static synchronized void startRedisProxy(RedisTestServer server) {
    if (redisProxy == null) {
      redis = server;
      redisProxy = server.proxy();
    }
  }

  @DynamicPropertySource
  static void redisUri(DynamicPropertyRegistry registry) {
    registry.add(
        "resilience.rate-limiter.redis.uri",
        () -> {
          if (redisProxy == null) {
            throw new IllegalStateException("the Redis proxy starts before the context");
          }
          return redisProxy.uri();
        });
  }

  static RedisTestServer redis() {
    return redis;
  }

  static TcpProxy redisProxy() {
    return redisProxy;
  }

  /**
   * Every breaker of the registry: {@link #BREAKERS} and the catalog client's per-replica breakers.
   *
   * @return the names
   */
  Set<String> allBreakers() {
    Set<String> all = new java.util.TreeSet<>(BREAKERS);
    for (String replica : CatalogReplicas.NAMES) {
      URI url = catalogReplicas.replica(replica).baseUrl();
      all.add("http:catalog:" + url.getHost() + ":" + url.getPort());
    }
    return all;
  }

  @BeforeEach
  void calm() {
    downstream.set(CALM);
    redisProxy.restore();
    // The breakers the app creates on first use exist from the start, so that the fuse's ratio is
    // over the same six in every test, whatever ran before.
    BREAKERS.forEach(breakers::breaker);
    breakers.breakers().forEach(CircuitBreaker::reset);
    subscription =
        breakers.subscribe(
            e -> {
              if (e instanceof CircuitEvent.StateTransition t) {
                transitions.add(
                    new Transition(
                        System.nanoTime(), t.name(), t.from(), t.to(), t.reason().name()));
              }
            });
  }

  @AfterEach
  void calmAgain() {
    subscription.close();
    downstream.set(CALM);
    redisProxy.restore();
  }

  // ------------------------------------------------------------------------------ HTTP

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  ChaosLoad load(int clients, Duration pace, IntFunction<String> paths) {
    return ChaosLoad.start(HTTP, base(), clients, pace, paths, Map.of());
  }

  ChaosLoad load(int clients, Duration pace, IntFunction<String> paths, String apiKey) {
    return ChaosLoad.start(HTTP, base(), clients, pace, paths, Map.of("X-Api-Key", apiKey));
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base().resolve(path)).timeout(ChaosLoad.CLIENT_TIMEOUT));
  }

  HttpResponse<String> get(String path, String apiKey) {
    return send(
        HttpRequest.newBuilder(base().resolve(path))
            .header("X-Api-Key", apiKey)
            .timeout(ChaosLoad.CLIENT_TIMEOUT));
  }

  HttpResponse<String> post(String path, String json) {
    return send(
        HttpRequest.newBuilder(base().resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .timeout(ChaosLoad.CLIENT_TIMEOUT));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Calls on a calm downstream until 20 in a row succeed: connections open, the JIT and the hedger
   * warm. The first calls into a cold application can take longer than the 1 s hedging timeout on a
   * busy machine; if any failed, the breakers are reset, and the test starts with no transition
   * recorded.
   */
  void warmUp() {
    AtomicInteger n = new AtomicInteger();
    AtomicInteger inARow = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              if (get("/quotes/WARM" + n.incrementAndGet()).statusCode() == 200) {
                return inARow.incrementAndGet() >= 20;
              }
              failed.incrementAndGet();
              inARow.set(0);
              return false;
            });
    if (failed.get() > 0) {
      breakers.breakers().forEach(CircuitBreaker::reset);
    }
    transitions.clear();
  }

  // ------------------------------------------------------------------------------ breakers

  /**
   * A breaker transition, when the listener saw it.
   *
   * @param atNanos {@link System#nanoTime()} in the listener
   * @param name the breaker ({@code __global__} for the fuse)
   * @param from the state left
   * @param to the state entered
   * @param reason why
   */
  record Transition(long atNanos, String name, CircuitState from, CircuitState to, String reason) {}

  /** The first transition of {@code name} into {@code to} at or after {@code fromNanos}. */
  Optional<Transition> firstTransition(String name, CircuitState to, long fromNanos) {
    return transitions.stream()
        .filter(t -> t.name().equals(name) && t.to() == to && t.atNanos() >= fromNanos)
        .findFirst();
  }

  /**
   * Waits for the first transition of {@code name} into {@code to} at or after {@code fromNanos};
   * if none comes, fails with what the load has seen so far.
   */
  Transition awaitTransition(String name, CircuitState to, long fromNanos, ChaosLoad load) {
    try {
      return await()
          .atMost(PATIENCE)
          .until(() -> firstTransition(name, to, fromNanos), Optional::isPresent)
          .get();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          name
              + " did not go "
              + to
              + " within "
              + PATIENCE.toSeconds()
              + " s; transitions "
              + transitions
              + "; answers since: "
              + summary(filter(load.calls(), c -> c.startNanos() >= fromNanos))
              + "; "
              + (name.equals(GlobalFuse.NAME)
                  ? breakers.globalFuse().describe()
                  : breakers.breaker(name).describe()),
          e);
    }
  }

  /**
   * Waits until the last 20 of at least 30 calls sent since {@code fromNanos} answered 200 and
   * {@code alsoTrue} holds; if that does not happen, fails with what the load has seen.
   */
  void awaitRecovered(ChaosLoad load, long fromNanos, BooleanSupplier alsoTrue) {
    try {
      await()
          .atMost(PATIENCE)
          .until(
              () -> {
                List<ChaosLoad.Call> since =
                    load.calls(c -> c.startNanos() >= fromNanos).stream()
                        .sorted(Comparator.comparingLong(ChaosLoad.Call::startNanos))
                        .toList();
                return since.size() >= 30
                    && since.subList(since.size() - 20, since.size()).stream()
                        .allMatch(c -> c.status() == 200)
                    && alsoTrue.getAsBoolean();
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no recovery within "
              + PATIENCE.toSeconds()
              + " s; transitions "
              + transitions
              + "; fuse "
              + breakers.globalFuse().describe()
              + "; answers since: "
              + summary(filter(load.calls(), c -> c.startNanos() >= fromNanos)),
          e);
    }
  }

  /**
   * When the service was back after a fault ended at {@code fromNanos}: the end of the last failed
   * call sent after it, or {@code fromNanos} if none failed.
   */
  static long recoveredAt(List<ChaosLoad.Call> calls, long fromNanos) {
    return calls.stream()
        .filter(c -> c.startNanos() >= fromNanos && c.status() != 200)
        .mapToLong(ChaosLoad.Call::endNanos)
        .max()
        .orElse(fromNanos);
  }

  /** Answers by status, with the slowest of each and one body of each. */
  static String summary(List<ChaosLoad.Call> calls) {
    Map<Integer, List<ChaosLoad.Call>> byStatus = new TreeMap<>();
    calls.forEach(c -> byStatus.computeIfAbsent(c.status(), k -> new ArrayList<>()).add(c));
    StringBuilder sb = new StringBuilder();
    byStatus.forEach(
        (status, list) ->
            sb.append(
                String.format(
                    "%n  %d x %d, slowest %d ms, e.g. %s",
                    list.size(), status, max(list), list.get(0))));
    return sb.toString();
  }

  /**
   * When {@code name} was OPEN between {@code fromNanos} and {@code toNanos}: each interval runs
   * from a transition into OPEN to the next transition of that breaker (or {@code toNanos}).
   */
  List<long[]> openIntervals(String name, long fromNanos, long toNanos) {
    List<long[]> intervals = new ArrayList<>();
    List<Transition> own = transitionsOf(name);
    for (int i = 0; i < own.size(); i++) {
      Transition t = own.get(i);
      if (t.to() == CircuitState.OPEN && t.atNanos() >= fromNanos && t.atNanos() < toNanos) {
        long end = i + 1 < own.size() ? Math.min(own.get(i + 1).atNanos(), toNanos) : toNanos;
        intervals.add(new long[] {t.atNanos(), end});
      }
    }
    return intervals;
  }

  /**
   * Calls sent while {@code name} was open (50 ms clear of each edge, for the calls in flight as it
   * changed) were refused at once: 503 within 500 ms. A call still in flight when the breaker left
   * OPEN may have been let through (it may be the very call that moved it: a fuse recomputed once a
   * cooldown ended admits that call, and on a loaded machine its request can reach the server more
   * than the edge after it was sent), so it must be quick but not necessarily refused.
   *
   * @return the calls sent and answered while it was open
   */
  List<ChaosLoad.Call> assertRefusedAtOnceWhileOpen(
      String name, List<ChaosLoad.Call> calls, long fromNanos, long toNanos) {
    long edge = 50_000_000;
    List<ChaosLoad.Call> refused = new ArrayList<>();
    for (long[] open : openIntervals(name, fromNanos, toNanos)) {
      List<ChaosLoad.Call> sent = filter(calls, c -> c.startedIn(open[0] + edge, open[1] - edge));
      assertThat(sent)
          .allSatisfy(
              c ->
                  assertThat(c.latencyMillis())
                      .as("while %s was open: %s", name, c)
                      .isLessThan(500));
      refused.addAll(filter(sent, c -> c.endNanos() < open[1]));
    }
    assertThat(refused)
        .allSatisfy(
            c -> assertThat(c.status()).as("while %s was open: %s", name, c).isEqualTo(503));
    return refused;
  }

  List<Transition> transitionsOf(String name) {
    return transitions.stream().filter(t -> t.name().equals(name)).toList();
  }

  // ------------------------------------------------------------------------------ leaks

  /**
   * Threads of pools that grow with load up to a cap and end when idle, and threads that come and
   * go with connections: not counted as left behind.
   */
  static final Pattern ELASTIC =
      Pattern.compile(
          "http-nio-.*-exec-\\d+|tailguard-hedge-\\d+|tailguard-health-probe-\\d+"
              + "|HttpClient-\\d+-Worker-\\d+|ForkJoinPool.*|lettuce-.*|tcp-proxy-pump-\\d+");

  /** The app's classes that call a dependency; a thread in one of them is a call in flight. */
  static final Pattern APP_CALL =
      Pattern.compile("io\\.tailguard\\.sample\\.(quotes|search|orders)\\..*");

  /**
   * What is running before load: threads outside the elastic pools, and the heap after a GC.
   *
   * @param threads the names of the fixed threads
   * @param heapBytes used heap after a GC
   */
  record Snapshot(List<String> threads, long heapBytes) {}

  static Snapshot snapshot() {
    return new Snapshot(fixedThreads(), usedHeapAfterGc());
  }

  static List<String> fixedThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!ELASTIC.matcher(t.getName()).matches()) {
        names.add(t.getName());
      }
    }
    Collections.sort(names);
    return names;
  }

  /** Threads inside the app's code that calls a dependency (a call still in flight). */
  static List<String> threadsInAppCalls() {
    List<String> busy = new ArrayList<>();
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              for (StackTraceElement e : stack) {
                if (APP_CALL.matcher(e.getClassName()).matches()) {
                  busy.add(t.getName() + " in " + e);
                  break;
                }
              }
            });
    return busy;
  }

  /** Hedge executor threads that are not idle in their pool. */
  static List<String> busyHedgeThreads() {
    List<String> busy = new ArrayList<>();
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              if (t.getName().startsWith("tailguard-hedge-")) {
                boolean idle = false;
                for (StackTraceElement e : stack) {
                  if (e.getMethodName().equals("getTask")
                      && e.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")) {
                    idle = true;
                    break;
                  }
                }
                if (!idle && t.isAlive()) {
                  busy.add(t.getName() + " " + t.getState());
                }
              }
            });
    return busy;
  }

  static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Once the load has stopped: no call left in flight anywhere (app threads, hedge threads, the
   * hedger's calls, breakers' half-open permits, requests the downstream holds), no thread outside
   * the elastic pools that was not there before, and no heap growth beyond noise.
   */
  void assertNothingLeftBehind(Snapshot before) {
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(threadsInAppCalls()).as("threads still calling a dependency").isEmpty();
              assertThat(busyHedgeThreads()).as("busy hedge threads").isEmpty();
              assertThat(hedgers.hedger("quotes").describe().get("inFlight"))
                  .as("hedged calls in flight")
                  .isEqualTo(0);
              for (CircuitBreaker b : breakers.breakers()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> halfOpen = (Map<String, Object>) b.describe().get("halfOpen");
                if (halfOpen != null) {
                  assertThat(halfOpen.get("inFlight"))
                      .as("half-open permits in flight of " + b.name())
                      .isEqualTo(0);
                }
              }
              assertThat(downstream.stats().held()).as("requests held by the downstream").isZero();
            });
    await()
        .atMost(PATIENCE)
        .pollInSameThread()
        .untilAsserted(
            () -> assertThat(before.threads()).as("threads").containsAll(fixedThreads()));
    assertThat(usedHeapAfterGc()).as("heap").isLessThan(before.heapBytes() + 64L * 1024 * 1024);
  }

  // ------------------------------------------------------------------------------ answers

  static List<ChaosLoad.Call> filter(List<ChaosLoad.Call> calls, Predicate<ChaosLoad.Call> p) {
    return calls.stream().filter(p).toList();
  }

  static long count(List<ChaosLoad.Call> calls, int status) {
    return calls.stream().filter(c -> c.status() == status).count();
  }

  /** The slowest answer's latency in milliseconds, 0 if none. */
  static long max(List<ChaosLoad.Call> calls) {
    return calls.stream().mapToLong(ChaosLoad.Call::latencyMillis).max().orElse(0);
  }

  /** No 500 (an unhandled failure) and no call left without an answer. */
  static void assertNo500(List<ChaosLoad.Call> calls) {
    assertThat(calls).isNotEmpty();
    assertThat(filter(calls, c -> c.status() == 500 || c.status() == -1)).isEmpty();
  }

  /** A refusal says when to come back: at least 1 s (never 0), at most the longest cooldown. */
  static void assertRetryAfterOnEvery503(List<ChaosLoad.Call> calls) {
    assertThat(filter(calls, c -> c.status() == 503))
        .allSatisfy(
            c -> {
              assertThat(c.retryAfterSeconds()).as(c + ": Retry-After").isPresent();
              assertThat(c.retryAfterSeconds().getAsLong())
                  .as(c + ": Retry-After")
                  .isBetween(1L, MAX_COOLDOWN.toSeconds());
            });
  }

  // ------------------------------------------------------------------------------ report

  /** Prints one line of figures, for docs/reliability.md. */
  static void report(String fault, String figures) {
    System.out.println("[chaos] " + fault + ": " + figures);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static String pct(long part, long whole) {
    return whole == 0 ? "n/a" : String.format("%.1f%%", 100.0 * part / whole);
  }
}
