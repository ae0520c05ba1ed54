package io.tailguard.core.ratelimiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitDecision;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.time.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Redis store does when a command fails, hangs, is interrupted or finds its script gone,
 * on the blocking and the asynchronous path: the breaker, the counters, the degraded flag and its
 * log lines, the in-flight command cancelled, and each failure policy's answers (the local share's
 * bounds, a changed config, a release). Redis is real (the project's extension); faults are
 * injected between the store and the connection, command by command, so nothing here waits for a
 * real outage. The breaker and the store run on a fake clock.
 */
@ExtendWith(RedisExtension.class)
class RedisStoreFailurePathsTest {

  private static final RateLimitConfig CONFIG = RateLimitConfig.of(8, Duration.ofMinutes(1));

  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private Faults faults;
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void connect(RedisTestServer redis) {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    faults = new Faults(connection.async());
  }

  @AfterEach
  void disconnect() {
    connection.close();
    client.shutdown();
  }

  private RedisRateLimiterStore.Builder store(RedisFailurePolicy policy) {
    return RedisRateLimiterStore.builder("paths")
        .commands(faults.commands())
        .keyPrefix("paths:" + UUID.randomUUID() + ":")
        .failurePolicy(policy)
        .clock(clock)
        .commandTimeout(Duration.ofSeconds(5));
  }

  private static RedisFuture<Object> failed(Throwable e) {
    AsyncCommand<String, String, Object> c = hanging();
    c.completeExceptionally(e);
    return c;
  }

  private static AsyncCommand<String, String, Object> hanging() {
    return new AsyncCommand<>(new Command<>(CommandType.EVALSHA, null));
  }

  private static RedisCommandExecutionException boom() {
    return new RedisCommandExecutionException("ERR boom");
  }

  private static RedisCommandExecutionException noScript() {
    return new RedisCommandExecutionException("NOSCRIPT No matching script.");
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  @Test
  @SuppressWarnings("unchecked")
  void aConnectionMadeAfterTheStoreClosedIsClosedWithoutBlockingTheThreadThatMadeIt() {
    List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    StatefulRedisConnection<String, String> made =
        (StatefulRedisConnection<String, String>)
            Proxy.newProxyInstance(
                StatefulRedisConnection.class.getClassLoader(),
                new Class<?>[] {StatefulRedisConnection.class},
                (proxy, method, args) -> {
                  calls.add(method.getName());
                  return method.getName().equals("closeAsync")
                      ? CompletableFuture.completedFuture(null)
                      : null;
                });
    CompletableFuture<StatefulRedisConnection<String, String>> pending = new CompletableFuture<>();

    RedisRateLimiterStore.closeWhenMade(pending);
    assertThat(calls).isEmpty();
    // Lettuce completes the connection on its I/O thread, where a blocking close() waits for that
    // very thread (it hung a CI run in client.shutdown).
    pending.complete(made);

    assertThat(calls).containsExactly("closeAsync");
  }

  // ---------------------------------------------------------------------------------------------
  // Failures, the breaker and the counters

  @Test
  void blockingFailuresOpenTheDefaultBreakerAndAreCounted() {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    assertThat(store.breaker().name()).isEqualTo("paths.redis");
    faults.evalsha(() -> failed(boom()), 3);

    for (int i = 0; i < 3; i++) {
      assertThat(store.acquire("k", 1, 0, CONFIG)).isZero();
    }

    assertThat(store.breaker().state()).isEqualTo(CircuitState.OPEN);
    assertThat(store.describe())
        .containsEntry("redisErrors", 3L)
        .containsEntry("fallbacks", 3L)
        .containsEntry("fallbackEpisodes", 1L)
        .containsEntry("degraded", true)
        .containsEntry("scriptLoads", 0L)
        .containsEntry("breaker", "OPEN");
    assertThat(store.isDegraded()).isTrue();

    // After the cooldown one trial reaches Redis, which answers: closed and no longer degraded.
    clock.advance(Duration.ofMillis(500));
    assertThat(store.acquire("k", 1, 0, CONFIG)).isZero();
    assertThat(store.breaker().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(store.isDegraded()).isFalse();
    assertThat(store.fallbacks()).isEqualTo(3);
  }

  @Test
  void asyncFailuresOpenTheBreakerAreCountedAndDoNotLoadTheScript() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_CLOSED).build();
    faults.evalsha(() -> failed(boom()), 3);

    for (int i = 0; i < 3; i++) {
      assertThat(store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get())
          .isEqualTo(-Duration.ofSeconds(1).toNanos());
    }

    assertThat(store.breaker().state()).isEqualTo(CircuitState.OPEN);
    assertThat(store.describe())
        .containsEntry("redisErrors", 3L)
        .containsEntry("fallbacks", 3L)
        .containsEntry("fallbackEpisodes", 1L)
        .containsEntry("scriptLoads", 0L);
    assertThat(faults.calls("scriptLoad")).isZero();
    assertThat(store.isDegraded()).isTrue();

    clock.advance(Duration.ofMillis(500));
    assertThat(store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get()).isZero();
    assertThat(store.breaker().state()).isEqualTo(CircuitState.CLOSED);
    assertThat(store.isDegraded()).isFalse();
  }

  @Test
  void anErrorWithoutMessageIsAFailureNotAMissingScript() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_CLOSED).build();
    faults.evalsha(() -> failed(new IllegalStateException()), 2);

    assertThat(store.acquire("k", 1, 0, CONFIG)).isEqualTo(-Duration.ofSeconds(1).toNanos());
    assertThat(store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get())
        .isEqualTo(-Duration.ofSeconds(1).toNanos());

    assertThat(faults.calls("scriptLoad")).isZero();
    assertThat(store.describe()).containsEntry("redisErrors", 2L);
  }

  @Test
  void anOpenBreakerDegradesBothPathsAtOnce() throws Exception {
    RedisRateLimiterStore blocking = store(RedisFailurePolicy.FAIL_CLOSED).build();
    blocking.breaker().forceOpen();
    RateLimitDecision d = blocking.decide("k", 1, CONFIG);
    assertThat(d.permitted()).isFalse();
    assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(blocking.isDegraded()).isTrue();
    assertThat(blocking.fallbackEpisodes()).isEqualTo(1);

    RedisRateLimiterStore async = store(RedisFailurePolicy.FAIL_OPEN).build();
    async.breaker().forceOpen();
    assertThat(async.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get()).isZero();
    assertThat(async.isDegraded()).isTrue();
    assertThat(async.fallbackEpisodes()).isEqualTo(1);
    assertThat(faults.calls("evalsha")).isZero();
  }

  @Test
  void anInterruptedCallerFallsBackKeepsItsInterruptAndCostsTheBreakerNothing() {
    CircuitBreaker breaker =
        CircuitBreaker.builder("interrupted")
            .clock(clock)
            .config(CircuitConfig.builder().consecutiveFailuresThreshold(1).build())
            .build();
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).breaker(breaker).build();
    AsyncCommand<String, String, Object> pending = hanging();
    faults.evalsha(() -> pending, 1);

    Thread.currentThread().interrupt();
    long r;
    boolean interrupted;
    try {
      r = store.acquire("k", 1, 0, CONFIG);
    } finally {
      interrupted = Thread.interrupted();
    }

    assertThat(r).isZero();
    assertThat(interrupted).isTrue();
    assertThat(pending).isCancelled();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.metrics().failedCalls()).isZero();
    assertThat(store.isDegraded()).isTrue();
    assertThat(store.fallbacks()).isEqualTo(1);
    assertThat(store.describe()).containsEntry("redisErrors", 0L);
    // The breaker's permit was given back: the next call reaches Redis.
    assertThat(store.acquire("k", 1, 0, CONFIG)).isZero();
    assertThat(store.isDegraded()).isFalse();
  }

  @Test
  void aFailureTheBreakerIgnoresIsNotCounted() {
    CircuitBreaker breaker =
        CircuitBreaker.builder("ignoring")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .consecutiveFailuresThreshold(1)
                    .ignoreExceptions(
                        List.of(ExecutionException.class, RedisCommandExecutionException.class))
                    .build())
            .build();
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).breaker(breaker).build();
    faults.evalsha(() -> failed(boom()), 1);

    assertThat(store.acquire("k", 1, 0, CONFIG)).isZero();

    // The store reports the exception (classified by the breaker), not a bare failure.
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(breaker.metrics().failedCalls()).isZero();
    assertThat(breaker.metrics().ignoredCalls()).isEqualTo(1);
    assertThat(store.describe()).containsEntry("redisErrors", 1L);
  }

  @Test
  void anErrorFromTheClientReachesTheCallerAndCountsAsAFailure() {
    CircuitBreaker breaker =
        CircuitBreaker.builder("error")
            .clock(clock)
            .config(CircuitConfig.builder().consecutiveFailuresThreshold(1).build())
            .build();
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).breaker(breaker).build();
    faults.evalsha(
        () -> {
          throw new AssertionError("client bug");
        },
        1);

    assertThatThrownBy(() -> store.acquire("k", 1, 0, CONFIG))
        .isInstanceOf(AssertionError.class)
        .hasMessage("client bug");

    // The guard's permit is not left taken: the breaker saw the call fail.
    assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }

  // ---------------------------------------------------------------------------------------------
  // Timeouts and the command in flight

  @Test
  void anAsyncTimeoutCancelsTheScriptInFlight() throws Exception {
    AsyncCommand<String, String, Object> pending = hanging();
    faults.evalsha(() -> pending, 1);
    assertTimedOutAndCancelled(pending);
  }

  @Test
  void anAsyncTimeoutCancelsTheScriptLoadInFlight() throws Exception {
    AsyncCommand<String, String, Object> pending = hanging();
    faults.evalsha(() -> failed(noScript()), 1);
    faults.scriptLoad(() -> pending, 1);
    assertTimedOutAndCancelled(pending);
  }

  @Test
  void anAsyncTimeoutCancelsTheRetryAfterTheScriptLoad() throws Exception {
    AsyncCommand<String, String, Object> pending = hanging();
    faults.evalsha(() -> failed(noScript()), 1);
    faults.evalsha(() -> pending, 1);
    assertTimedOutAndCancelled(pending);
    assertThat(faults.calls("scriptLoad")).isEqualTo(1);
  }

  private void assertTimedOutAndCancelled(AsyncCommand<String, String, Object> pending)
      throws Exception {
    RedisRateLimiterStore store =
        store(RedisFailurePolicy.FAIL_CLOSED).commandTimeout(Duration.ofMillis(50)).build();
    AtomicReference<Thread> decidedOn = new AtomicReference<>();
    CompletableFuture<Long> r =
        store
            .acquireAsync("k", 1, 0, CONFIG)
            .toCompletableFuture()
            .whenComplete((v, e) -> decidedOn.set(Thread.currentThread()));

    assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(-Duration.ofSeconds(1).toNanos());
    assertThat(pending).isCancelled();
    assertThat(store.describe()).containsEntry("redisErrors", 1L);
    assertThat(store.breaker().metrics().failedCalls()).isEqualTo(1);
    // Not on the JDK's one timer thread that every orTimeout shares.
    assertThat(decidedOn.get().getName()).doesNotContain("Delay");
  }

  @Test
  void aScriptLoadGetsOnlyWhatIsLeftOfTheRequestsDeadline() {
    RedisRateLimiterStore store =
        store(RedisFailurePolicy.FAIL_OPEN).commandTimeout(Duration.ofSeconds(10)).build();
    faults.evalsha(() -> failed(noScript()), 1);
    // When the load is sent, the store's clock has passed the request's deadline: the load gets
    // no more time (not a fresh command timeout of 10 s), although it never answers.
    AsyncCommand<String, String, Object> pending = hanging();
    faults.scriptLoad(
        () -> {
          clock.advance(Duration.ofSeconds(20));
          return pending;
        },
        1);

    long r =
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> store.acquire("k", 1, 0, CONFIG));

    assertThat(r).isZero();
    assertThat(pending).isCancelled();
    assertThat(store.describe()).containsEntry("scriptLoads", 1L);
  }

  @Test
  void theAsyncPathLoadsALostScriptOnce() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_CLOSED).build();
    connection.sync().scriptFlush();

    assertThat(store.acquireAsync("k", 3, 0, CONFIG).toCompletableFuture().get()).isZero();
    assertThat(store.acquireAsync("k", 5, 0, CONFIG).toCompletableFuture().get()).isZero();
    assertThat(store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get()).isNegative();

    assertThat(store.describe()).containsEntry("scriptLoads", 1L).containsEntry("fallbacks", 0L);
    assertThat(faults.calls("scriptLoad")).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // The policies' answers while Redis fails

  @Test
  void theLocalShareAdmitsExactlyItsCapacityInOneRequest() {
    // 8 shared permits over 4 instances: 2 each while Redis fails.
    RedisRateLimiterStore store = store(RedisFailurePolicy.LOCAL).instanceCount(4).build();
    store.breaker().forceOpen();

    assertThat(store.acquire("a", 3, 0, CONFIG)).isEqualTo(-Duration.ofMinutes(1).toNanos());
    assertThat(store.acquire("a", 2, 0, CONFIG)).isZero();

    RateLimitDecision tooMany = store.decide("b", 3, CONFIG);
    assertThat(tooMany.reason()).isEqualTo(RateLimitDecision.Reason.RATE_EXCEEDED);
    assertThat(tooMany.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    RateLimitDecision all = store.decide("b", 2, CONFIG);
    assertThat(all.permitted()).isTrue();
    assertThat(all.limit()).as("headers speak of the shared limit").isEqualTo(8);
    assertThat(all.remaining()).isZero();
  }

  @Test
  void theLocalShareFollowsAChangedConfig() {
    RedisRateLimiterStore store = store(RedisFailurePolicy.LOCAL).instanceCount(4).build();
    store.breaker().forceOpen();
    assertThat(store.decide("a", 2, CONFIG).permitted()).isTrue();
    assertThat(store.decide("a", 1, CONFIG).permitted()).isFalse();

    RateLimitConfig bigger = RateLimitConfig.of(40, Duration.ofMinutes(1));
    assertThat(store.decide("b", 10, bigger).permitted()).isTrue();
    assertThat(store.decide("c", 11, bigger).permitted()).isFalse();
  }

  @Test
  void aReleaseWhileRedisFailsGivesBackLocalPermits() {
    RedisRateLimiterStore store = store(RedisFailurePolicy.LOCAL).instanceCount(4).build();
    store.breaker().forceOpen();
    assertThat(store.acquire("k", 2, 0, CONFIG)).isZero();
    assertThat(store.acquire("k", 1, 0, CONFIG)).isNegative();

    store.release("k", 1, CONFIG);

    assertThat(store.acquire("k", 1, 0, CONFIG)).isZero();
    assertThat(store.acquire("k", 1, 0, CONFIG)).isNegative();

    // Without a local store (FAIL_OPEN) a release while Redis fails does nothing.
    RedisRateLimiterStore open = store(RedisFailurePolicy.FAIL_OPEN).build();
    open.breaker().forceOpen();
    open.release("k", 1, CONFIG);
    assertThat(open.fallbacks()).isZero();
  }

  @Test
  void failOpenAndFailClosedDecisionsSayWhatTheyPromise() {
    RedisRateLimiterStore open = store(RedisFailurePolicy.FAIL_OPEN).build();
    open.breaker().forceOpen();
    RateLimitDecision d = open.decide("k", 3, CONFIG);
    // 3 permits of 7.5 s each out of a 60 s burst: 5 left, the key full again in 22.5 s.
    assertThat(d.permitted()).isTrue();
    assertThat(d.remaining()).isEqualTo(5);
    assertThat(d.resetAfter()).isEqualTo(Duration.ofMillis(22_500));

    RedisRateLimiterStore closed = store(RedisFailurePolicy.FAIL_CLOSED).build();
    closed.breaker().forceOpen();
    RateLimitDecision c = closed.decide("k", 1, CONFIG);
    assertThat(c.permitted()).isFalse();
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  // ---------------------------------------------------------------------------------------------
  // One outage, one episode: outcomes reported late belong to the phase their request began in

  /** What the script answers when it permits a request: [1, seconds, nanoseconds]. */
  private static final List<Object> PERMITTED = List.of(1L, 0L, 1_000L);

  @Test
  void anAnswerSentBeforeAnOutageAndReportedDuringItDoesNotEndItsEpisode() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    AsyncCommand<String, String, Object> answeredBeforeTheOutage = hanging();
    faults.evalsha(() -> answeredBeforeTheOutage, 1);
    faults.evalsha(() -> failed(boom()), 2);
    String log =
        captureStderr(
            () -> {
              CompletableFuture<Long> early =
                  store.acquireAsync("early", 1, 0, CONFIG).toCompletableFuture();
              store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get(); // the outage
              answeredBeforeTheOutage.complete(PERMITTED); // its report comes in late
              assertThat(early.get(30, TimeUnit.SECONDS)).isZero();
              store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get(); // still out
            });

    assertThat(store.fallbackEpisodes()).isEqualTo(1);
    assertThat(store.isDegraded()).isTrue();
    assertThat(count(log, "cannot answer")).isEqualTo(1);
    assertThat(count(log, "Redis answers again")).isZero();
  }

  @Test
  void aFailureUnderWayWhenRedisAnswersAgainDoesNotStartANewEpisode() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    AsyncCommand<String, String, Object> sentDuringTheOutage = hanging();
    faults.evalsha(() -> failed(boom()), 1);
    faults.evalsha(() -> sentDuringTheOutage, 1);
    String log =
        captureStderr(
            () -> {
              store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get(); // the outage
              CompletableFuture<Long> late =
                  store.acquireAsync("late", 1, 0, CONFIG).toCompletableFuture();
              store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get(); // Redis answers
              sentDuringTheOutage.completeExceptionally(boom()); // its report comes in late
              assertThat(late.get(30, TimeUnit.SECONDS)).isZero();
            });

    assertThat(store.fallbackEpisodes()).isEqualTo(1);
    assertThat(store.isDegraded()).isFalse();
    assertThat(count(log, "cannot answer")).isEqualTo(1);
    assertThat(count(log, "Redis answers again")).isEqualTo(1);
    // The late failure still counts where it is true: a fallback, and a failure for the breaker.
    assertThat(store.fallbacks()).isEqualTo(2);
    assertThat(store.describe()).containsEntry("redisErrors", 2L);
  }

  @Test
  void onTheBlockingPathTooAnAnswerReportedLateDoesNotSplitAnEpisode() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    AsyncCommand<String, String, Object> answeredBeforeTheOutage = hanging();
    faults.evalsha(() -> answeredBeforeTheOutage, 1);
    faults.evalsha(() -> failed(boom()), 2);
    CompletableFuture<Long> early = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                early.complete(store.acquire("early", 1, 0, CONFIG));
              } catch (RuntimeException | Error e) {
                early.completeExceptionally(e);
              }
            },
            "early-caller");
    caller.start();
    // The early request is waiting on Redis before the outage begins.
    await().atMost(Duration.ofSeconds(30)).until(() -> faults.calls("evalsha") == 1);

    store.acquire("k", 1, 0, CONFIG); // the outage
    answeredBeforeTheOutage.complete(PERMITTED);
    assertThat(early.get(30, TimeUnit.SECONDS)).isZero();
    caller.join(30_000);
    store.acquire("k", 1, 0, CONFIG); // still out

    assertThat(store.fallbackEpisodes()).isEqualTo(1);
    assertThat(store.isDegraded()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // What the log says

  @Test
  void eachEpisodeIsLoggedOnceWithItsCauseAndItsEnd() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    faults.evalsha(() -> failed(boom()), 2);
    String log =
        captureStderr(
            () -> {
              store.acquire("k", 1, 0, CONFIG);
              store.acquire("k", 1, 0, CONFIG);
              store.acquire("k", 1, 0, CONFIG); // Redis answers
              store.acquire("k", 1, 0, CONFIG);
            });
    assertThat(count(log, "cannot answer (RedisCommandExecutionException: ERR boom)")).isEqualTo(1);
    assertThat(count(log, "Redis answers again")).isEqualTo(1);
    assertThat(log).contains("Rate limiter 'paths': Redis (application connection)");
  }

  @Test
  void theAsyncPathLogsTheRedisErrorNotItsWrapper() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    faults.evalsha(() -> failed(boom()), 1);
    String log =
        captureStderr(
            () -> {
              store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get();
              store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get();
            });
    assertThat(log).contains("cannot answer (RedisCommandExecutionException: ERR boom)");
    assertThat(count(log, "Redis answers again")).isEqualTo(1);
  }

  @Test
  void aCauseWithoutMessageIsLoggedByItsType() throws Exception {
    RedisRateLimiterStore store = store(RedisFailurePolicy.FAIL_OPEN).build();
    faults.evalsha(() -> failed(new IllegalStateException()), 1);
    String log = captureStderr(() -> store.acquire("k", 1, 0, CONFIG));
    assertThat(log).contains("cannot answer (IllegalStateException);");

    RedisRateLimiterStore async = store(RedisFailurePolicy.FAIL_OPEN).build();
    faults.evalsha(() -> failed(new IllegalStateException()), 1);
    String asyncLog =
        captureStderr(() -> async.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get());
    assertThat(asyncLog).contains("cannot answer (IllegalStateException);");
  }

  @Test
  void aClosedStoreOwningItsClientFallsBackOnBothPaths(RedisTestServer redis) throws Exception {
    RedisRateLimiterStore store =
        RedisRateLimiterStore.builder("closed")
            .uri(redis.uri())
            .failurePolicy(RedisFailurePolicy.FAIL_CLOSED)
            .clock(clock)
            .build();
    assertThat(store.describe().get("redis")).asString().contains(":");
    store.close();

    String log =
        captureStderr(
            () -> {
              assertThat(store.acquireAsync("k", 1, 0, CONFIG).toCompletableFuture().get())
                  .isEqualTo(-Duration.ofSeconds(1).toNanos());
              assertThat(store.acquire("k", 1, 0, CONFIG))
                  .isEqualTo(-Duration.ofSeconds(1).toNanos());
            });
    assertThat(log).contains("cannot answer (IllegalStateException: store closed)");
    assertThat(store.fallbacks()).isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------
  // The builder and the reports

  @Test
  void theKeyPrefixIsBoundedAndMayNotHoldABraceAnywhere() {
    String longest = "p".repeat(256);
    RedisRateLimiterStore store = store(RedisFailurePolicy.LOCAL).keyPrefix(longest).build();
    assertThat(store.describe()).containsEntry("keyPrefix", longest);
    for (String bad : new String[] {"p".repeat(257), "{p", "}p", "p{", "p}"}) {
      assertThatThrownBy(() -> RedisRateLimiterStore.builder("x").keyPrefix(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("keyPrefix must have at most 256 characters");
    }
  }

  @Test
  void theDefaultBreakerIsNamedAfterTheLimiterWhenTheNameFits() {
    String fits = "n".repeat(122); // 122 + ".redis" = 128, the longest name
    assertThat(RedisRateLimiterStore.builder(fits).commands(faults.commands()).build().breaker())
        .extracting(CircuitBreaker::name)
        .isEqualTo(fits + ".redis");
    String tooLong = "n".repeat(123);
    assertThat(RedisRateLimiterStore.builder(tooLong).commands(faults.commands()).build().breaker())
        .extracting(CircuitBreaker::name)
        .isEqualTo(tooLong);
  }

  @Test
  void reportsWhatItIs() {
    CircuitBreaker breaker = CircuitBreaker.ofDefaults("mine");
    RedisRateLimiterStore store =
        RedisRateLimiterStore.builder("reports")
            .commands(faults.commands())
            .clock(clock)
            .failurePolicy(RedisFailurePolicy.FAIL_CLOSED)
            .breaker(breaker)
            .build();
    assertThat(store.keyCount()).isEqualTo(-1);
    assertThat(store.breaker()).isSameAs(breaker);
    assertThat(store.failurePolicy()).isEqualTo(RedisFailurePolicy.FAIL_CLOSED);
    assertThat(store.describe())
        .containsEntry("kind", "redis")
        .containsEntry("redis", "application connection")
        .containsEntry("keyPrefix", "tailguard:rl:reports:")
        .doesNotContainKey("local");
    assertThat(store)
        .hasToString("RedisRateLimiterStore[reports, application connection, FAIL_CLOSED]");
    store.close(); // the application's connection stays open
    assertThat(connection.isOpen()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Support

  private interface Action {
    void run() throws Exception;
  }

  /** Runs the action with System.err (where slf4j-simple writes) captured, and returns it. */
  private static String captureStderr(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /**
   * The real commands, except that the next calls of a method may be answered by a queued supplier
   * (a failed or never-completing command; a supplier returning null runs the real command after
   * its side effect). Counts the calls of each method.
   */
  private static final class Faults {
    private final RedisScriptingAsyncCommands<String, String> real;
    private final Map<String, Deque<Supplier<RedisFuture<Object>>>> queued = new HashMap<>();
    private final Map<String, Integer> calls = new HashMap<>();

    Faults(RedisScriptingAsyncCommands<String, String> real) {
      this.real = real;
    }

    synchronized void evalsha(Supplier<RedisFuture<Object>> answer, int times) {
      queue("evalsha", answer, times);
    }

    synchronized void scriptLoad(Supplier<RedisFuture<Object>> answer, int times) {
      queue("scriptLoad", answer, times);
    }

    private void queue(String method, Supplier<RedisFuture<Object>> answer, int times) {
      for (int i = 0; i < times; i++) {
        queued.computeIfAbsent(method, m -> new ArrayDeque<>()).add(answer);
      }
    }

    synchronized int calls(String method) {
      return calls.getOrDefault(method, 0);
    }

    @SuppressWarnings("unchecked")
    RedisScriptingAsyncCommands<String, String> commands() {
      return (RedisScriptingAsyncCommands<String, String>)
          Proxy.newProxyInstance(
              RedisScriptingAsyncCommands.class.getClassLoader(),
              new Class<?>[] {RedisScriptingAsyncCommands.class},
              (proxy, method, args) -> {
                Supplier<RedisFuture<Object>> answer;
                synchronized (this) {
                  calls.merge(method.getName(), 1, Integer::sum);
                  Deque<Supplier<RedisFuture<Object>>> q = queued.get(method.getName());
                  answer = q == null ? null : q.poll();
                }
                if (answer != null) {
                  RedisFuture<Object> f = answer.get();
                  if (f != null) {
                    return f;
                  }
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }
}
