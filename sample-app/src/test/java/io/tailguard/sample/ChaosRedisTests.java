package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis, where the search limiter keeps its keys (10 per hour per API key, shared), fails under
 * load on {@code GET /search}. The store's policy is LOCAL: while Redis cannot answer, each
 * instance limits on its own at capacity / instance count, 10 / 2 = 5 per key.
 */
class ChaosRedisTests extends ChaosTestSupport {

  /** The store's command timeout (its default). */
  static final Duration COMMAND_TIMEOUT = Duration.ofMillis(100);

  RedisRateLimiterStore store() {
    return (RedisRateLimiterStore) limiters.limiter("search").store();
  }

  /** Each test starts with the limiter deciding on Redis again. */
  @BeforeEach
  void sharedLimits() {
    await()
        .atMost(PATIENCE)
        .until(
            () -> {
              get("/search?q=probe", "probe-" + System.nanoTime());
              return !store().isDegraded() && store().breaker().state() == CircuitState.CLOSED;
            });
  }

  /**
   * Redis is killed under load (every connection dropped, new ones refused), then restarted without
   * the limiter's script. No request fails or waits on the dead Redis: the limiter falls back to
   * LOCAL within the command timeout and its breaker, so a new key gets 5 permits instead of 10;
   * the whole outage is one fallback episode (requests under way when it began, answered just
   * before the cut but reported after it, do not end it); after the restart it reloads its script
   * and shares limits again within a few seconds.
   */
  @Test
  void redisKilledAndRestartedUnderLoadFallsBackToLocalLimitsAndSharesThemAgain() {
    String run = "kill-" + System.nanoTime();
    assertPermits(run + "-before", 10);
    Snapshot before = snapshot();
    RedisRateLimiterStore store = store();
    long scriptLoads = scriptLoads(store);
    AtomicLong episodes = new AtomicLong();
    long killAt;
    long degradedAt;
    long restartAt;
    long recoveredAt;
    long episodesOfTheOutage;
    boolean degradedAtRestart;
    ChaosLoad load = load(3, Duration.ofMillis(10), i -> "/search?q=load" + i, run + "-load");
    try {
      // The count, then the flag: an episode of its own before the cut (a command over the 100 ms
      // timeout on a loaded machine) is either seen here, and waited out, or still on at the cut,
      // which then only continues it.
      await()
          .atMost(PATIENCE)
          .until(
              () -> {
                episodes.set(store.fallbackEpisodes());
                return !store.isDegraded() && load.answeredSince(Long.MIN_VALUE) >= 20;
              });
      killAt = System.nanoTime();
      redisProxy().cut();
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(store::isDegraded);
      degradedAt = System.nanoTime();
      assertPermits(run + "-during", 5);
      await().atMost(PATIENCE).until(() -> load.answeredSince(killAt) >= 60);
      // Counted while Redis is still away: nothing it answered can end the episode before the
      // restart. After the recovery a command may pass the 100 ms timeout on a loaded machine and
      // start an episode of its own, which is not this outage's; that requests under way at the
      // recovery do not start one is pinned in the core (RedisStoreFailurePathsTest).
      episodesOfTheOutage = store.fallbackEpisodes() - episodes.get();
      degradedAtRestart = store.isDegraded();
      restartAt = System.nanoTime();
      redis().flushScripts();
      redisProxy().restore();
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> !store.isDegraded());
      recoveredAt = System.nanoTime();
      assertPermits(run + "-after", 10);
    } finally {
      load.close();
      redisProxy().restore();
    }
    List<ChaosLoad.Call> calls = load.calls();

    assertAnsweredWithoutWaitingOnRedis(calls, killAt, restartAt);
    long timeToFallBack = degradedAt - killAt;
    long timeToRecover = recoveredAt - restartAt;
    assertThat(Duration.ofNanos(timeToFallBack)).isLessThan(Duration.ofSeconds(2));
    assertThat(Duration.ofNanos(timeToRecover)).isLessThan(Duration.ofSeconds(8));
    assertThat(episodesOfTheOutage).as("fallback episodes of the outage").isEqualTo(1);
    assertThat(degradedAtRestart).as("falling back until Redis restarts").isTrue();
    assertThat(scriptLoads(store)).as("script loads").isGreaterThan(scriptLoads);
    assertNothingLeftBehind(before);

    List<ChaosLoad.Call> outage = filter(calls, c -> c.startedIn(killAt, restartAt));
    report(
        "Redis killed and restarted",
        String.format(
            "LOCAL fallback %.2f s after the kill, shared limits back %.2f s after the restart;"
                + " during the outage %d calls, 0 errors (%d x 200, %d x 429), slowest %d ms; a"
                + " new key got 5 permits during the outage and 10 after",
            seconds(timeToFallBack),
            seconds(timeToRecover),
            outage.size(),
            count(outage, 200),
            count(outage, 429),
            max(outage)));
  }

  /**
   * Redis stops answering for 4 s ({@code CLIENT PAUSE}): every command waits longer than the
   * store's 100 ms command timeout. A request waits at most about that long: the limiter falls back
   * to LOCAL (5 per key) and its breaker opens after 3 timeouts in a row, so later requests do not
   * wait at all; once Redis answers again, limits are shared again within a few seconds.
   */
  @Test
  void aSlowRedisCostsARequestNoMoreThanTheCommandTimeoutAndLimitsFallBackToLocal() {
    String run = "slow-" + System.nanoTime();
    assertPermits(run + "-before", 10);
    Snapshot before = snapshot();
    RedisRateLimiterStore store = store();
    Duration pause = Duration.ofSeconds(4);
    long pauseAt;
    long degradedAt;
    long recoveredAt;
    ChaosLoad load = load(3, Duration.ofMillis(10), i -> "/search?q=load" + i, run + "-load");
    try {
      await().atMost(PATIENCE).until(() -> load.answeredSince(Long.MIN_VALUE) >= 20);
      pauseAt = System.nanoTime();
      pauseRedis(pause);
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(store::isDegraded);
      degradedAt = System.nanoTime();
      assertPermits(run + "-during", 5);
      await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> !store.isDegraded());
      recoveredAt = System.nanoTime();
      assertPermits(run + "-after", 10);
    } finally {
      load.close();
    }
    List<ChaosLoad.Call> calls = load.calls();
    long pauseEnd = pauseAt + pause.toNanos();

    assertThat(recoveredAt).as("shared again only once Redis answers").isGreaterThan(pauseEnd);
    assertAnsweredWithoutWaitingOnRedis(calls, pauseAt, pauseEnd);
    long timeToFallBack = degradedAt - pauseAt;
    long timeToRecover = recoveredAt - pauseEnd;
    assertThat(Duration.ofNanos(timeToFallBack)).isLessThan(Duration.ofSeconds(2));
    assertThat(Duration.ofNanos(timeToRecover)).isLessThan(Duration.ofSeconds(8));
    assertNothingLeftBehind(before);

    List<ChaosLoad.Call> slow = filter(calls, c -> c.startedIn(pauseAt, pauseEnd));
    report(
        "Redis slow",
        String.format(
            "LOCAL fallback %.2f s after Redis stopped answering, shared limits back %.2f s after"
                + " it answered again; during the pause %d calls, 0 errors (%d x 200, %d x 429),"
                + " p50 %d ms, slowest %d ms (command timeout %d ms)",
            seconds(timeToFallBack),
            seconds(timeToRecover),
            slow.size(),
            count(slow, 200),
            count(slow, 429),
            ChaosDownstreamTests.quantile(slow, 0.5),
            max(slow),
            COMMAND_TIMEOUT.toMillis()));
  }

  /**
   * Every answer is a decision of the limiter (200 or 429 with Retry-After), and none waited on
   * Redis much longer than the command timeout while it was away.
   */
  static void assertAnsweredWithoutWaitingOnRedis(
      List<ChaosLoad.Call> calls, long fromNanos, long toNanos) {
    assertNo500(calls);
    assertThat(calls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 429));
    assertThat(filter(calls, c -> c.status() == 429))
        .allSatisfy(
            c ->
                assertThat(c.retryAfterSeconds().orElse(0))
                    .as(c + ": Retry-After " + c.retryAfter())
                    .isPositive());
    List<ChaosLoad.Call> during = filter(calls, c -> c.startedIn(fromNanos, toNanos));
    assertThat(during).isNotEmpty();
    assertThat(max(during))
        .as("slowest answer while Redis was away: %s", summary(during))
        .isLessThan(COMMAND_TIMEOUT.toMillis() + 900);
  }

  /** A new key gets exactly {@code permits} answers 200, then 429. */
  void assertPermits(String key, int permits) {
    for (int i = 0; i < permits; i++) {
      HttpResponse<String> r = get("/search?q=p" + i, key);
      assertThat(r.statusCode()).as("request %d of %s: %s", i + 1, key, r.body()).isEqualTo(200);
    }
    HttpResponse<String> refused = get("/search?q=over", key);
    assertThat(refused.statusCode())
        .as("request %d of %s: %s", permits + 1, key, refused.body())
        .isEqualTo(429);
    // One permit every hour / permits.
    long interval = Duration.ofHours(1).toSeconds() / permits;
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(interval - 30, interval));
  }

  static long scriptLoads(RedisRateLimiterStore store) {
    return ((Number) store.describe().get("scriptLoads")).longValue();
  }

  /** Makes Redis hold every client's commands for {@code pause} ({@code CLIENT PAUSE}). */
  static void pauseRedis(Duration pause) {
    RedisClient client = RedisClient.create(redis().uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().clientPause(pause.toMillis());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
