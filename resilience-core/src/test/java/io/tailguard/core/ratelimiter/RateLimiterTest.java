package io.tailguard.core.ratelimiter;

import static io.tailguard.core.ratelimiter.RateLimitDecision.Reason.KEY_LIMIT;
import static io.tailguard.core.ratelimiter.RateLimitDecision.Reason.PERMITTED;
import static io.tailguard.core.ratelimiter.RateLimitDecision.Reason.RATE_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limiter's behaviour, driven by a {@link FakeClock}: 10 permits per 10 s, one per second. */
class RateLimiterTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final RateLimitConfig TEN_PER_10S = RateLimitConfig.of(10, WINDOW);

  private final FakeClock clock = new FakeClock();
  private final RateLimiter limiter = limiter(TEN_PER_10S);
  private final List<RateLimitEvent> events = new CopyOnWriteArrayList<>();

  private RateLimiter limiter(RateLimitConfig config) {
    return RateLimiter.builder("search").config(config).clock(clock).scheduler(clock).build();
  }

  /** Capacity 10, window 1 h, and room for only {@code maxKeys} keys. */
  private RateLimiter keyLimited(int maxKeys) {
    return limiter(
        RateLimitConfig.builder()
            .capacity(10)
            .window(Duration.ofHours(1))
            .cleanupThreshold(maxKeys)
            .maxKeys(maxKeys)
            .build());
  }

  private static void burst(RateLimiter l, String key) {
    for (int i = 0; i < l.config().capacity(); i++) {
      assertThat(l.tryAcquire(key)).as("permit %d", i + 1).isTrue();
    }
  }

  @Test
  void aBurstOfCapacityIsPermittedThenRequestsAreRefused() {
    burst(limiter, "u");
    assertThat(limiter.tryAcquire("u")).isFalse();
    assertThat(limiter.tryAcquire("u")).isFalse();
    assertThat(limiter.permittedCount()).isEqualTo(10);
    assertThat(limiter.rejectedCount()).isEqualTo(2);
    assertThat(limiter.keyLimitedCount()).isZero();
    assertThat(limiter.keyCount()).isEqualTo(1);
  }

  @Test
  void onePermitIsEarnedBackEveryWindowOverCapacity() {
    burst(limiter, "u");
    clock.advanceMillis(999);
    assertThat(limiter.tryAcquire("u")).isFalse();
    clock.advanceMillis(1);
    assertThat(limiter.tryAcquire("u")).isTrue();
    assertThat(limiter.tryAcquire("u")).isFalse();
    clock.advance(Duration.ofSeconds(3));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("u")).isTrue();
    }
    assertThat(limiter.tryAcquire("u")).isFalse();
  }

  @Test
  void idleTimeNeverBanksMoreThanCapacity() {
    clock.advance(Duration.ofHours(1));
    burst(limiter, "u");
    assertThat(limiter.tryAcquire("u")).isFalse();
    clock.advance(Duration.ofDays(3));
    burst(limiter, "u");
    assertThat(limiter.tryAcquire("u")).isFalse();
  }

  @Test
  void aMultiPermitRequestTakesAllOrNothing() {
    assertThat(limiter.tryAcquire("u", 7)).isTrue();
    assertThat(limiter.tryAcquire("u", 4)).isFalse(); // only 3 left: takes none
    assertThat(limiter.tryAcquire("u", 3)).isTrue();
    assertThat(limiter.tryAcquire("u", 1)).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.tryAcquire("u", 3)).isFalse();
    assertThat(limiter.tryAcquire("u", 2)).isTrue();
    assertThat(limiter.tryAcquire("u", 1)).isFalse();
    assertThat(limiter.tryAcquire("v", 10)).isTrue(); // the whole capacity at once
    assertThat(limiter.tryAcquire("v", 1)).isFalse();
    limiter.acquireOrThrow("w", 10);
    assertThatThrownBy(() -> limiter.acquireOrThrow("w", 1))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(limiter.permittedCount()).isEqualTo(5);
    assertThat(limiter.rejectedCount()).isEqualTo(6);
  }

  @Test
  void permitsOfOneKeyNeverAffectAnother() {
    burst(limiter, "alice");
    assertThat(limiter.tryAcquire("alice")).isFalse();
    burst(limiter, "bob");
    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("bob")).isTrue();
    assertThat(limiter.tryAcquire("carol", 10)).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
    assertThat(limiter.tryAcquire("bob")).isFalse();
    assertThat(limiter.keyCount()).isEqualTo(3);
  }

  @Test
  void decideTellsExactlyWhatTheHeadersNeed() {
    RateLimitDecision d = limiter.decide("u");
    assertThat(d).isEqualTo(new RateLimitDecision(PERMITTED, 10, 9, Duration.ZERO, secs(1)));
    assertThat(d.permitted()).isTrue();
    assertThat(d.headers())
        .containsExactly(
            entry("RateLimit-Limit", "10"),
            entry("RateLimit-Remaining", "9"),
            entry("RateLimit-Reset", "1"));
    assertThat(limiter.decide("u", 4))
        .isEqualTo(new RateLimitDecision(PERMITTED, 10, 5, Duration.ZERO, secs(5)));
    d = limiter.decide("u", 5);
    assertThat(d).isEqualTo(new RateLimitDecision(PERMITTED, 10, 0, Duration.ZERO, secs(10)));
    assertThat(d.headers())
        .containsExactly(
            entry("RateLimit-Limit", "10"),
            entry("RateLimit-Remaining", "0"),
            entry("RateLimit-Reset", "10"));

    d = limiter.decide("u");
    assertThat(d).isEqualTo(new RateLimitDecision(RATE_EXCEEDED, 10, 0, secs(1), secs(10)));
    assertThat(d.permitted()).isFalse();
    assertThat(d.headers())
        .containsExactly(
            entry("RateLimit-Limit", "10"),
            entry("RateLimit-Remaining", "0"),
            entry("RateLimit-Reset", "10"),
            entry("Retry-After", "1"));

    clock.advanceMillis(300);
    d = limiter.decide("u", 3);
    assertThat(d)
        .isEqualTo(
            new RateLimitDecision(RATE_EXCEEDED, 10, 0, Duration.ofMillis(2700), millis(9700)));
    assertThat(d.headers())
        .containsEntry("RateLimit-Reset", "10")
        .containsEntry("Retry-After", "3");

    clock.advance(Duration.ofMillis(2700).minusNanos(1));
    d = limiter.decide("u", 3);
    assertThat(d)
        .isEqualTo(
            new RateLimitDecision(RATE_EXCEEDED, 10, 0, Duration.ofNanos(1), secs(7).plusNanos(1)));
    // Seconds are rounded up, and Retry-After is never 0 for a refusal.
    assertThat(d.headers()).containsEntry("RateLimit-Reset", "8").containsEntry("Retry-After", "1");

    clock.advanceNanos(1);
    assertThat(limiter.decide("u", 3))
        .isEqualTo(new RateLimitDecision(PERMITTED, 10, 0, Duration.ZERO, secs(10)));
    assertThat(limiter.permittedCount()).isEqualTo(4);
    assertThat(limiter.rejectedCount()).isEqualTo(3);
  }

  @Test
  void decideForANewKeyBeyondMaxKeys() {
    RateLimiter l = keyLimited(1);
    assertThat(l.decide("a").permitted()).isTrue();
    RateLimitDecision d = l.decide("b");
    assertThat(d).isEqualTo(new RateLimitDecision(KEY_LIMIT, 10, 0, secs(1), Duration.ZERO));
    assertThat(d.headers())
        .containsExactly(
            entry("RateLimit-Limit", "10"),
            entry("RateLimit-Remaining", "0"),
            entry("RateLimit-Reset", "0"),
            entry("Retry-After", "1"));
    assertThat(l.keyLimitedCount()).isEqualTo(1);
    assertThat(l.rejectedCount()).isEqualTo(1);
    assertThat(l.decide("a").permitted()).isTrue();
  }

  @Test
  void acquireOrThrowThrowsWithRetryAfterLimitAndReasonButNotTheKey() {
    for (int i = 0; i < 10; i++) {
      limiter.acquireOrThrow("user-secret-42");
    }
    assertThatThrownBy(() -> limiter.acquireOrThrow("user-secret-42"))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.limiterName()).isEqualTo("search");
              assertThat(e.reason()).isEqualTo(RATE_EXCEEDED);
              assertThat(e.retryAfter()).isEqualTo(secs(1));
              assertThat(e.limit()).isEqualTo(10);
              assertThat(e.getStackTrace()).isEmpty();
              assertThat(e.getCause()).isNull();
            })
        .hasMessage("Rate limit of 'search' exceeded (10 per window); retry after 1000 ms")
        .message()
        .doesNotContain("secret");
    clock.advanceMillis(500);
    assertThatThrownBy(() -> limiter.acquireOrThrow("user-secret-42", 2))
        .hasMessage("Rate limit of 'search' exceeded (10 per window); retry after 1500 ms");
    assertThat(limiter.rejectedCount()).isEqualTo(2);
  }

  @Test
  void acquireOrThrowForANewKeyBeyondMaxKeys() {
    RateLimiter l = keyLimited(1);
    l.acquireOrThrow("a");
    assertThatThrownBy(() -> l.acquireOrThrow("secret-b"))
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(KEY_LIMIT);
              assertThat(e.retryAfter()).isEqualTo(secs(1));
              assertThat(e.limit()).isEqualTo(10);
            })
        .hasMessage(
            "Rate limiter 'search' tracks its maximum number of keys; new keys are refused");
  }

  @Test
  void acquireWaitsUntilTheClockReachesItsReservedTurn() throws Exception {
    burst(limiter, "u");
    Running<Boolean> first = start(() -> limiter.acquire("u", 1, secs(2)));
    awaitPendingTasks(1);
    Running<Boolean> second = start(() -> limiter.acquire("u", 1, secs(2)));
    awaitPendingTasks(2);
    clock.advanceMillis(999);
    assertThat(first.result()).isNotDone();
    clock.advanceMillis(1);
    assertThat(first.result().get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.result()).isNotDone(); // served in order: one permit per second
    clock.advance(secs(1));
    assertThat(second.result().get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(limiter.permittedCount()).isEqualTo(12);
    assertThat(limiter.tryAcquire("u")).isFalse(); // the permits of +1 s and +2 s were theirs
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void acquireWithAPermitAvailableReturnsAtOnce() throws Exception {
    assertThat(limiter.acquire("u", 10, secs(1))).isTrue();
    assertThat(limiter.acquire("v", 1, Duration.ZERO)).isTrue();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void acquireThatWouldWaitBeyondItsTimeoutReturnsFalseAtOnce() {
    burst(limiter, "u");
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          assertThat(limiter.acquire("u", 1, Duration.ofMillis(999))).isFalse();
          assertThat(limiter.acquire("u", 2, Duration.ofMillis(1999))).isFalse();
          assertThat(limiter.acquire("u", 1, Duration.ZERO)).isFalse();
        });
    assertThat(clock.pendingTasks()).isZero();
    assertThat(limiter.rejectedCount()).isEqualTo(3);
    clock.advance(secs(1));
    assertThat(limiter.tryAcquire("u")).isTrue(); // nothing was reserved
  }

  @Test
  void anInterruptedWaitThrowsAndGivesItsPermitsBack() throws Exception {
    burst(limiter, "u");
    Running<Boolean> waiter = start(() -> limiter.acquire("u", 2, secs(5)));
    awaitPendingTasks(1);
    waiter.thread().interrupt();
    assertThatThrownBy(() -> waiter.result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(clock.pendingTasks()).isZero();
    assertThat(limiter.permittedCount()).isEqualTo(10);
    clock.advance(secs(2));
    assertThat(limiter.tryAcquire("u", 2)).isTrue(); // the reserved permits are free again
    assertThat(limiter.tryAcquire("u")).isFalse();
  }

  @Test
  void anAlreadyInterruptedCallerTakesNothing() throws Exception {
    Running<Boolean> waiter =
        start(
            () -> {
              Thread.currentThread().interrupt();
              return limiter.acquire("u", 1, secs(1));
            });
    assertThatThrownBy(() -> waiter.result().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(limiter.permittedCount()).isZero();
    assertThat(limiter.tryAcquire("u", 10)).isTrue();
  }

  @Test
  void acquireAsyncCompletesWhenTheClockReachesTheReservedTime() {
    burst(limiter, "u");
    long start = clock.nanoTime();
    AtomicLong completedAt = new AtomicLong();
    CompletableFuture<Void> f = limiter.acquireAsync("u", 2, secs(2)).toCompletableFuture();
    f.thenRun(() -> completedAt.set(clock.nanoTime()));
    assertThat(clock.pendingTasks()).isEqualTo(1);
    clock.advance(secs(2).minusNanos(1));
    assertThat(f).isNotDone();
    clock.advanceNanos(1);
    assertThat(f).isCompleted();
    assertThat(completedAt.get() - start).isEqualTo(secs(2).toNanos());
    assertThat(limiter.permittedCount()).isEqualTo(11);
  }

  @Test
  void acquireAsyncWithAPermitAvailableIsCompleteAtOnce() {
    assertThat(limiter.acquireAsync("u", 10, Duration.ZERO)).isCompleted();
    assertThat(limiter.acquireAsync("v", 1, secs(1))).isCompleted();
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void acquireAsyncBeyondItsTimeoutFailsAtOnce() {
    burst(limiter, "u");
    CompletableFuture<Void> f =
        limiter.acquireAsync("u", 1, Duration.ofMillis(999)).toCompletableFuture();
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join)
        .cause()
        .isInstanceOfSatisfying(
            RateLimitExceededException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(RATE_EXCEEDED);
              assertThat(e.retryAfter()).isEqualTo(secs(1));
            });
    assertThat(clock.pendingTasks()).isZero();
    assertThat(limiter.rejectedCount()).isEqualTo(1);
    RateLimiter l = keyLimited(1);
    l.tryAcquire("a");
    assertThat(l.acquireAsync("b", 1, secs(1)).toCompletableFuture())
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            RateLimitExceededException.class, e -> assertThat(e.reason()).isEqualTo(KEY_LIMIT));
  }

  @Test
  void acquireAsyncGivesItsPermitsBackWhenTheSchedulerRefusesTheWait() {
    burst(limiter, "u");
    clock.shutdownScheduler();
    CompletableFuture<Void> f = limiter.acquireAsync("u", 1, secs(2)).toCompletableFuture();
    assertThatThrownBy(f::join).hasCauseInstanceOf(RejectedExecutionException.class);
    assertThat(limiter.permittedCount()).isEqualTo(10);
    clock.advance(secs(1));
    assertThat(limiter.tryAcquire("u")).isTrue();
    assertThat(limiter.tryAcquire("u")).isFalse();
  }

  @Test
  void reconfigureKeepsEveryKeysState() {
    limiter.subscribe(events::add);
    burst(limiter, "u");
    RateLimitConfig twenty = RateLimitConfig.of(20, WINDOW); // one permit every 0.5 s
    limiter.reconfigure(twenty);
    assertThat(limiter.config()).isEqualTo(twenty);
    assertThat(limiter.tryAcquire("u")).isFalse(); // still used up: no fresh start
    burst(limiter, "v"); // a new key gets the new capacity
    assertThat(limiter.tryAcquire("v")).isFalse();
    clock.advance(secs(1));
    assertThat(limiter.tryAcquire("u")).isTrue(); // two permits earned at the new rate
    assertThat(limiter.tryAcquire("u")).isTrue();
    assertThat(limiter.tryAcquire("u")).isFalse();
    assertThat(events)
        .filteredOn(RateLimitEvent.ConfigChanged.class::isInstance)
        .containsExactly(
            new RateLimitEvent.ConfigChanged(
                "search", FakeClock.DEFAULT_WALL_START, TEN_PER_10S, twenty));
  }

  @Test
  void twoConcurrentEditsBothApply() throws Exception {
    limiter.subscribe(events::add);
    CountDownLatch editing = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AtomicInteger applied = new AtomicInteger();
    Running<Boolean> slow =
        start(
            () -> {
              limiter.reconfigure(
                  b -> {
                    if (applied.getAndIncrement() == 0) {
                      editing.countDown();
                      awaitLatch(proceed);
                    }
                    return b.capacity(20);
                  });
              return true;
            });
    assertThat(editing.await(10, TimeUnit.SECONDS)).isTrue();
    limiter.reconfigure(b -> b.maxKeys(5_000).cleanupThreshold(500));
    proceed.countDown();
    assertThat(slow.result().get(10, TimeUnit.SECONDS)).isTrue();
    RateLimitConfig keys = TEN_PER_10S.toBuilder().maxKeys(5_000).cleanupThreshold(500).build();
    RateLimitConfig both = keys.toBuilder().capacity(20).build();
    assertThat(limiter.config()).isEqualTo(both);
    assertThat(applied).hasValue(2); // the slow edit was applied again to the new config
    assertThat(events)
        .containsExactly(
            new RateLimitEvent.ConfigChanged("search", clock.instant(), TEN_PER_10S, keys),
            new RateLimitEvent.ConfigChanged("search", clock.instant(), keys, both));
  }

  @Test
  void aRefusedOrEmptyEditChangesNothingAndPublishesNothing() {
    limiter.subscribe(events::add);
    assertThatThrownBy(() -> limiter.reconfigure(b -> b.capacity(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be in [1, 1000000000], was 0");
    assertThat(limiter.config()).isEqualTo(TEN_PER_10S);
    limiter.reconfigure(b -> b);
    limiter.reconfigure(RateLimitConfig.of(10, WINDOW));
    assertThat(events).isEmpty();
  }

  @Test
  void rejectionsArePublishedWithKeyPermitsAndRetryAfter() throws Exception {
    Subscription s = limiter.subscribe(events::add);
    burst(limiter, "u");
    assertThat(events).isEmpty();
    limiter.tryAcquire("u", 2);
    limiter.decide("u");
    limiter.acquire("u", 3, secs(1));
    limiter.acquireAsync("u", 1, Duration.ZERO);
    clock.advanceMillis(250);
    assertThatThrownBy(() -> limiter.acquireOrThrow("u", 1));
    var at = FakeClock.DEFAULT_WALL_START;
    assertThat(events)
        .containsExactly(
            new RateLimitEvent.Rejected("search", at, "u", 2, secs(2)),
            new RateLimitEvent.Rejected("search", at, "u", 1, secs(1)),
            new RateLimitEvent.Rejected("search", at, "u", 3, secs(3)),
            new RateLimitEvent.Rejected("search", at, "u", 1, secs(1)),
            new RateLimitEvent.Rejected("search", at.plusMillis(250), "u", 1, millis(750)));
    s.close();
    limiter.tryAcquire("u");
    assertThat(events).hasSize(5);
  }

  @Test
  void keyLimitReachedIsPublishedAtMostOnceAMinute() {
    RateLimiter l = keyLimited(1);
    l.subscribe(events::add);
    assertThat(l.tryAcquire("a")).isTrue();
    assertThat(l.tryAcquire("b")).isFalse();
    assertThat(l.tryAcquire("c")).isFalse();
    assertThat(l.decide("d").reason()).isEqualTo(KEY_LIMIT);
    clock.advance(Duration.ofSeconds(59));
    assertThat(l.tryAcquire("e")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(l.tryAcquire("f")).isFalse();
    assertThat(l.tryAcquire("g")).isFalse();
    var at = FakeClock.DEFAULT_WALL_START;
    assertThat(events)
        .containsExactly(
            new RateLimitEvent.KeyLimitReached("search", at, 1),
            new RateLimitEvent.KeyLimitReached("search", at.plusSeconds(60), 1));
    assertThat(l.keyLimitedCount()).isEqualTo(6);
  }

  @Test
  void aThrowingListenerNeverBreaksARequest() throws Exception {
    limiter.subscribe(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    limiter.subscribe(events::add);
    burst(limiter, "u");
    assertThat(limiter.tryAcquire("u")).isFalse();
    assertThat(limiter.decide("u").reason()).isEqualTo(RATE_EXCEEDED);
    assertThat(limiter.acquire("u", 1, Duration.ZERO)).isFalse();
    assertThatThrownBy(() -> limiter.acquireOrThrow("u"))
        .isInstanceOf(RateLimitExceededException.class);
    limiter.reconfigure(b -> b.capacity(11));
    assertThat(limiter.config().capacity()).isEqualTo(11);
    RateLimiter l = keyLimited(1);
    l.subscribe(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    l.tryAcquire("a");
    assertThat(l.tryAcquire("b")).isFalse();
    assertThat(events).hasSize(5); // the second listener saw every event
  }

  @Test
  void theRecorderReceivesOnlyRejections() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    RateLimiter l =
        RateLimiter.builder("search")
            .config(TEN_PER_10S.toBuilder().cleanupThreshold(1).maxKeys(1).build())
            .clock(clock)
            .scheduler(clock)
            .recorder(
                (name, engine, outcome, latency, attempts) ->
                    calls.add(name + " " + engine + " " + outcome + " " + latency + " " + attempts))
            .build();
    l.tryAcquire("u", 5);
    l.decide("u", 3);
    l.acquireOrThrow("u");
    assertThat(l.acquireAsync("u", 1, secs(1))).isDone(); // the 10th permit
    CompletableFuture<Void> waiting = l.acquireAsync("u", 1, secs(1)).toCompletableFuture();
    clock.advance(secs(1));
    assertThat(waiting).isCompleted();
    assertThat(calls).isEmpty();
    l.tryAcquire("u");
    l.decide("u");
    assertThatThrownBy(() -> l.acquireOrThrow("u"));
    l.acquire("u", 1, Duration.ZERO);
    l.acquireAsync("u", 1, Duration.ZERO);
    l.tryAcquire("new key");
    String rejected = "search " + EngineType.RATE_LIMITER + " " + CallOutcome.REJECTED + " 0 0";
    assertThat(calls).hasSize(6).containsOnly(rejected);
  }

  @Test
  void describeShowsConfigCountersAndStore() {
    RateLimiter l = limiter(TEN_PER_10S.toBuilder().cleanupThreshold(2).maxKeys(2).build());
    burst(l, "u");
    l.tryAcquire("u");
    l.tryAcquire("v");
    l.tryAcquire("w");
    assertThat(l.describe())
        .containsExactly(
            entry("name", "search"),
            entry(
                "config",
                Map.of("capacity", 10, "window", "10s", "cleanupThreshold", 2, "maxKeys", 2)),
            entry("permitted", 11L),
            entry("rejected", 1L),
            entry("keyLimited", 1L),
            entry(
                "store",
                Map.of(
                    "kind", "memory",
                    "keys", 2L,
                    "evictedKeys", 0L,
                    "refusedKeys", 1L,
                    "sweeps", 1L,
                    "leasedKeys", 0L)));
    assertThat(l.rejectedCount()).isEqualTo(2);
    assertThat(l.name()).isEqualTo("search");
    assertThat(l.toString()).startsWith("RateLimiter[search, RateLimitConfig{capacity=10");
    assertThat(l.store().describe()).containsEntry("keys", 2L);
  }

  @Test
  void worksAcrossTheWrapOfTheClock() {
    FakeClock wrapping = FakeClock.startingAt(Long.MAX_VALUE - secs(5).toNanos());
    RateLimiter l =
        RateLimiter.builder("search")
            .config(TEN_PER_10S)
            .clock(wrapping)
            .scheduler(wrapping)
            .build();
    burst(l, "u");
    assertThat(l.tryAcquire("u")).isFalse();
    for (int s = 0; s < 12; s++) {
      wrapping.advance(secs(1));
      assertThat(l.tryAcquire("u")).as("second %d", s + 1).isTrue();
      assertThat(l.tryAcquire("u")).isFalse();
    }
    wrapping.advance(Duration.ofMinutes(1));
    burst(l, "u");
    assertThat(l.tryAcquire("u")).isFalse();
  }

  @Test
  void ofUsesTheSystemClock() {
    RateLimiter l = RateLimiter.of("plain", RateLimitConfig.of(2, Duration.ofHours(1)));
    assertThat(l.tryAcquire("k")).isTrue();
    assertThat(l.tryAcquire("k")).isTrue();
    assertThat(l.tryAcquire("k")).isFalse();
    assertThat(l.config()).isEqualTo(RateLimitConfig.of(2, Duration.ofHours(1)));
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }

  private static Duration millis(long ms) {
    return Duration.ofMillis(ms);
  }

  private void awaitPendingTasks(int n) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> clock.pendingTasks() == n);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A blocking call running on a thread of its own. */
  record Running<T>(Thread thread, CompletableFuture<T> result) {}

  static <T> Running<T> start(Callable<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(call.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "ratelimit-test-caller");
    t.setDaemon(true);
    t.start();
    return new Running<>(t, result);
  }
}
