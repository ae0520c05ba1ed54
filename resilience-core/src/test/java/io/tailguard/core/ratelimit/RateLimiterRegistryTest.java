package io.tailguard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RateLimiterRegistryTest {

  private static final RateLimitConfig FIVE_PER_5S = RateLimitConfig.of(5, Duration.ofSeconds(5));
  private static final RateLimitConfig TWO_PER_MIN = RateLimitConfig.of(2, Duration.ofMinutes(1));

  private final FakeClock clock = new FakeClock();
  private final Map<String, TrackingStore> stores = new ConcurrentHashMap<>();

  private RateLimiterRegistry.Builder registry() {
    return RateLimiterRegistry.builder()
        .clock(clock)
        .scheduler(clock)
        .stores(
            name -> {
              TrackingStore s = new TrackingStore(new InMemoryRateLimiterStore(clock));
              stores.put(name, s);
              return s;
            });
  }

  private static void burst(RateLimiter l, String key) {
    for (int i = 0; i < l.config().capacity(); i++) {
      assertThat(l.tryAcquire(key)).isTrue();
    }
  }

  @Test
  void configuredInstancesExistFromTheStartAndOtherNamesGetTheDefaults() {
    try (RateLimiterRegistry r =
        registry().defaults(FIVE_PER_5S).instance("search", TWO_PER_MIN).build()) {
      assertThat(r.names()).containsExactly("search");
      assertThat(r.defaults()).isEqualTo(FIVE_PER_5S);
      RateLimiter search = r.limiter("search");
      assertThat(search.config()).isEqualTo(TWO_PER_MIN);
      assertThat(r.limiter("search")).isSameAs(search);
      assertThat(r.find("other")).isEmpty();
      RateLimiter other = r.limiter("other");
      assertThat(other.config()).isEqualTo(FIVE_PER_5S);
      assertThat(r.find("other")).containsSame(other);
      assertThat(r.names()).containsExactlyInAnyOrder("search", "other");
      assertThat(r.limiters()).containsExactlyInAnyOrder(search, other);
      // Each limiter has its own store: the same key is limited separately.
      assertThat(search.store()).isNotSameAs(other.store());
      burst(search, "u");
      assertThat(search.tryAcquire("u")).isFalse();
      burst(other, "u");
      assertThat(stores).containsOnlyKeys("search", "other");
    }
  }

  @Test
  void theExampleOperationsAreTheDocumentedOnes() {
    Map<String, RateLimitConfig> ops = RateLimiterRegistry.exampleOperations();
    assertThat(ops.keySet()).containsExactly("search", "transform", "embed");
    Duration minute = Duration.ofSeconds(60);
    assertThat(ops.get("search")).isEqualTo(RateLimitConfig.of(30, minute));
    assertThat(ops.get("transform")).isEqualTo(RateLimitConfig.of(10, minute));
    assertThat(ops.get("embed")).isEqualTo(RateLimitConfig.of(60, minute));
    assertThat(ops.values())
        .allSatisfy(
            c -> {
              assertThat(c.cleanupThreshold()).isEqualTo(1_000);
              assertThat(c.maxKeys()).isEqualTo(100_000);
            });
    assertThatThrownBy(() -> ops.put("x", RateLimitConfig.defaults()))
        .isInstanceOf(UnsupportedOperationException.class);

    try (RateLimiterRegistry r = registry().instances(ops).build()) {
      assertThat(r.names()).containsExactlyInAnyOrder("search", "transform", "embed");
      RateLimiter search = r.limiter("search");
      burst(search, "user-1");
      assertThat(search.tryAcquire("user-1")).isFalse();
      burst(r.limiter("transform"), "user-1");
      assertThat(r.limiter("transform").tryAcquire("user-1")).isFalse();
      burst(r.limiter("embed"), "user-1");
      assertThat(r.limiter("embed").tryAcquire("user-1")).isFalse();
      clock.advance(Duration.ofSeconds(2)); // search earns one permit every 2 s
      assertThat(search.tryAcquire("user-1")).isTrue();
      assertThat(search.tryAcquire("user-1")).isFalse();
      assertThat(r.limiter("embed").tryAcquire("user-1", 2)).isTrue(); // one per second
      assertThat(search.describe().get("config"))
          .isEqualTo(
              Map.of("capacity", 30, "window", "1m", "cleanupThreshold", 1000, "maxKeys", 100000));
    }
  }

  @Test
  void reconfigureKeepsKeysAndDefaultsApplyOnlyToLimitersWithoutTheirOwnSettings() {
    RateLimitConfig ten = RateLimitConfig.of(10, Duration.ofSeconds(5));
    RateLimitConfig three = RateLimitConfig.of(3, Duration.ofSeconds(5));
    RateLimitConfig seven = RateLimitConfig.of(7, Duration.ofSeconds(5));
    try (RateLimiterRegistry r =
        registry().defaults(FIVE_PER_5S).instance("own", TWO_PER_MIN).build()) {
      List<RateLimitEvent> events = new CopyOnWriteArrayList<>();
      r.subscribe(events::add);
      RateLimiter own = r.limiter("own");
      RateLimiter shared = r.limiter("shared");
      burst(shared, "u");

      r.reconfigureDefaults(ten);
      assertThat(r.defaults()).isEqualTo(ten);
      assertThat(shared.config()).isEqualTo(ten);
      assertThat(own.config()).isEqualTo(TWO_PER_MIN);
      assertThat(r.limiter("later").config()).isEqualTo(ten);
      assertThat(shared.tryAcquire("u")).isFalse(); // its key kept its state
      burst(shared, "v"); // new keys get the new capacity

      assertThat(r.reconfigure("own", three)).isSameAs(own);
      assertThat(own.config()).isEqualTo(three);
      assertThat(r.reconfigure("shared", seven)).isSameAs(shared);
      r.reconfigureDefaults(FIVE_PER_5S);
      assertThat(own.config()).isEqualTo(three);
      assertThat(shared.config()).isEqualTo(seven); // has its own settings now
      assertThat(r.limiter("later").config()).isEqualTo(FIVE_PER_5S);

      assertThat(events)
          .filteredOn(RateLimitEvent.ConfigChanged.class::isInstance)
          .extracting(RateLimitEvent::name)
          .containsExactlyInAnyOrder("shared", "own", "shared", "later");
    }
  }

  @Test
  void removeClosesTheStoreAndTellsTheHooks() {
    try (RateLimiterRegistry r = registry().instance("search", FIVE_PER_5S).build()) {
      List<String> removed = new CopyOnWriteArrayList<>();
      List<String> added = new CopyOnWriteArrayList<>();
      Subscription onRemoved = r.onRemoved(l -> removed.add(l.name()));
      r.onAdded(l -> added.add(l.name()));
      RateLimiter search = r.limiter("search");
      burst(search, "u");
      TrackingStore store = stores.get("search");

      assertThat(r.remove("search")).containsSame(search);
      assertThat(store.closed).isTrue();
      assertThat(removed).containsExactly("search");
      assertThat(r.names()).isEmpty();
      assertThat(r.remove("search")).isEmpty();
      assertThat(r.remove("never")).isEmpty();
      assertThat(removed).containsExactly("search");

      RateLimiter again = r.limiter("search"); // a fresh limiter with the defaults
      assertThat(again).isNotSameAs(search);
      assertThat(again.config()).isEqualTo(RateLimitConfig.defaults());
      assertThat(again.tryAcquire("u")).isTrue();
      assertThat(stores.get("search")).isNotSameAs(store);
      assertThat(added).containsExactly("search", "search");

      onRemoved.close();
      r.remove("search");
      assertThat(removed).containsExactly("search");
    }
  }

  @Test
  void onAddedSeesPresentLimitersAndEveryLaterOneOnce() {
    try (RateLimiterRegistry r =
        registry().instance("a", FIVE_PER_5S).instance("b", FIVE_PER_5S).build()) {
      List<String> added = new CopyOnWriteArrayList<>();
      Subscription s = r.onAdded(l -> added.add(l.name()));
      assertThat(added).containsExactlyInAnyOrder("a", "b");
      r.limiter("c");
      r.limiter("c");
      r.limiter("a");
      r.reconfigure("d", TWO_PER_MIN);
      r.reconfigure("d", FIVE_PER_5S); // exists: reconfigured, not added
      assertThat(added).containsExactlyInAnyOrder("a", "b", "c", "d");
      s.close();
      r.limiter("e");
      assertThat(added).hasSize(4);
    }
  }

  @Test
  void describeListsEveryLimiterSortedByName() {
    try (RateLimiterRegistry r = registry().build()) {
      r.limiter("zeta").tryAcquire("k");
      r.limiter("alpha");
      r.reconfigure("mid", TWO_PER_MIN);
      Map<String, Map<String, Object>> d = r.describe();
      assertThat(d.keySet()).containsExactly("alpha", "mid", "zeta");
      assertThat(d.get("zeta")).isEqualTo(r.limiter("zeta").describe());
      assertThat(d.get("zeta")).containsEntry("permitted", 1L);
      assertThat(d.get("mid").get("config")).isEqualTo(TWO_PER_MIN.describe());
    }
  }

  @Test
  void listenersAndTheRecorderSeeEveryLimiterPresentAndFuture() {
    List<String> recorded = new CopyOnWriteArrayList<>();
    try (RateLimiterRegistry r =
        registry()
            .instance("early", TWO_PER_MIN)
            .recorder((name, engine, outcome, latency, attempts) -> recorded.add(name))
            .build()) {
      List<RateLimitEvent> events = new CopyOnWriteArrayList<>();
      r.subscribe(events::add);
      burst(r.limiter("early"), "k");
      r.limiter("early").tryAcquire("k");
      RateLimiter late = r.reconfigure("late", TWO_PER_MIN);
      burst(late, "k");
      late.tryAcquire("k");
      assertThat(events)
          .filteredOn(RateLimitEvent.Rejected.class::isInstance)
          .extracting(RateLimitEvent::name)
          .containsExactly("early", "late");
      assertThat(recorded).containsExactly("early", "late");
    }
  }

  @Test
  void waitsUseTheRegistrysClockAndScheduler() {
    try (RateLimiterRegistry r = registry().defaults(FIVE_PER_5S).build()) {
      RateLimiter l = r.limiter("x");
      burst(l, "k");
      CompletableFuture<Void> f =
          l.acquireAsync("k", 1, Duration.ofSeconds(1)).toCompletableFuture();
      assertThat(f).isNotDone();
      clock.advance(Duration.ofSeconds(1));
      assertThat(f).isCompleted();
      assertThat(r.isTerminated()).isTrue(); // it owns no thread
    }
    clock.schedule(() -> {}, Duration.ZERO); // the caller's scheduler is not closed
  }

  @Test
  void closeClosesEveryStore() {
    RateLimiterRegistry r = registry().instance("a", FIVE_PER_5S).build();
    r.limiter("b");
    r.close();
    assertThat(stores.values()).hasSize(2).allSatisfy(s -> assertThat(s.closed).isTrue());
  }

  @Test
  void noThreadOutlivesCloseAfterAWaitOnTheOwnedScheduler() throws Exception {
    Set<String> before = rateLimitThreads();
    RateLimiterRegistry r = RateLimiterRegistry.builder().closeGrace(Duration.ofSeconds(2)).build();
    assertThat(r.isTerminated()).isFalse();
    // 20 per second on the system clock: once the burst is spent, a permit comes every 50 ms.
    RateLimiter l = r.reconfigure("wait", RateLimitConfig.of(20, Duration.ofSeconds(1)));
    for (int i = 0; i < 20; i++) {
      l.tryAcquire("k");
    }
    assertThat(l.acquire("k", 1, Duration.ofSeconds(1))).isTrue();
    l.acquireAsync("k", 1, Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(rateLimitThreads()).isNotEmpty();
    r.close();
    assertThat(r.isTerminated()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(rateLimitThreads()).isSubsetOf(before));
  }

  static Set<String> rateLimitThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("tailguard-ratelimit"))
        .collect(Collectors.toSet());
  }

  /** A store that remembers being closed. */
  static final class TrackingStore implements RateLimiterStore {
    private final RateLimiterStore delegate;
    volatile boolean closed;

    TrackingStore(RateLimiterStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public long acquire(String key, int permits, long maxWaitNanos, RateLimitConfig config) {
      return delegate.acquire(key, permits, maxWaitNanos, config);
    }

    @Override
    public RateLimitDecision decide(String key, int permits, RateLimitConfig config) {
      return delegate.decide(key, permits, config);
    }

    @Override
    public void release(String key, int permits, RateLimitConfig config) {
      delegate.release(key, permits, config);
    }

    @Override
    public long keyCount() {
      return delegate.keyCount();
    }

    @Override
    public Map<String, Object> describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
