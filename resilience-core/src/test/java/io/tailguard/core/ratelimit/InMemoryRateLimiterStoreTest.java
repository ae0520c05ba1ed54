package io.tailguard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tailguard.core.time.Clock;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The in-memory store: idle-key eviction, the hard key cap, sweeps, release and clock wrap. */
class InMemoryRateLimiterStoreTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final FakeClock clock = new FakeClock();
  private final InMemoryRateLimiterStore store = new InMemoryRateLimiterStore(clock);

  /** Two permits per 2 s: one earned back every second. */
  private static RateLimitConfig config(int cleanupThreshold, int maxKeys) {
    return RateLimitConfig.builder()
        .capacity(2)
        .window(Duration.ofSeconds(2))
        .cleanupThreshold(cleanupThreshold)
        .maxKeys(maxKeys)
        .build();
  }

  private long sweeps() {
    return (long) store.describe().get("sweeps");
  }

  @Test
  void idleKeysAreKeptWhileTheCountStaysWithinTheThreshold() {
    RateLimitConfig c = config(3, 100);
    assertThat(store.acquire("a", 1, 0, c)).isZero();
    assertThat(store.acquire("b", 1, 0, c)).isZero();
    clock.advance(Duration.ofSeconds(5)); // a and b are idle (back to full capacity)
    assertThat(store.acquire("c", 1, 0, c)).isZero(); // 2 keys before: no sweep
    assertThat(store.keyCount()).isEqualTo(3);
    assertThat(store.evictedKeys()).isZero();
    assertThat(sweeps()).isZero();
  }

  @Test
  void onceTheCountPassesTheThresholdOnlyIdleKeysAreEvicted() {
    RateLimitConfig c = config(3, 100);
    assertThat(store.acquire("busy", 2, 0, c)).isZero(); // full until +2s
    assertThat(store.acquire("idle1", 1, 0, c)).isZero(); // full until +1s
    assertThat(store.acquire("idle2", 1, 0, c)).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.acquire("new", 1, 0, c)).isZero(); // the 4th key passes the threshold
    assertThat(store.evictedKeys()).isEqualTo(2);
    assertThat(store.keyCount()).isEqualTo(2); // busy and new
    assertThat(sweeps()).isEqualTo(1);
    // busy kept its state: it has earned back exactly one permit.
    assertThat(store.acquire("busy", 1, 0, c)).isZero();
    assertThat(store.acquire("busy", 1, 0, c)).isEqualTo(-SECOND);
    assertThat(store.describe())
        .containsExactly(
            entry("kind", "memory"),
            entry("keys", 2L),
            entry("evictedKeys", 2L),
            entry("refusedKeys", 0L),
            entry("sweeps", 1L),
            entry("leasedKeys", 0L));
  }

  @Test
  void anEvictedKeyBehavesExactlyAsIfItHadNeverBeenEvicted() {
    RateLimitConfig evicting = config(1, 1_000);
    RateLimitConfig keeping = config(1_000, 1_000);
    InMemoryRateLimiterStore keeper = new InMemoryRateLimiterStore(clock);
    long[] gapsMillis = {0, 0, 0, 400, 600, 1000, 0, 0, 2500, 300, 700, 0, 5000, 0, 0, 0, 999, 1};
    int i = 0;
    for (long gap : gapsMillis) {
      clock.advanceMillis(gap);
      int permits = 1 + (i++ % 2);
      RateLimitDecision expected = keeper.decide("k", permits, keeping);
      assertThat(store.decide("k", permits, evicting)).as("step %d", i).isEqualTo(expected);
      // Another key passes the threshold of 1 and sweeps "k" out whenever it is idle.
      store.decide("other" + i, 1, evicting);
    }
    assertThat(store.evictedKeys()).isGreaterThanOrEqualTo(4);
    assertThat(keeper.evictedKeys()).isZero();
  }

  @Test
  void atMaxKeysNewKeysAreRefusedAndKnownKeysKeepWorking() {
    RateLimitConfig c = config(3, 3);
    for (String k : List.of("a", "b", "c")) {
      assertThat(store.acquire(k, 1, 0, c)).isZero();
    }
    assertThat(store.acquire("d", 1, 0, c)).isEqualTo(RateLimiterStore.KEY_LIMIT);
    assertThat(store.decide("e", 1, c)).isEqualTo(RateLimitDecision.keyLimit(c));
    assertThat(store.refusedKeys()).isEqualTo(2);
    assertThat(store.keyCount()).isEqualTo(3);
    assertThat(store.acquire("a", 1, 0, c)).isZero();
    assertThat(store.acquire("a", 1, 0, c)).isEqualTo(-SECOND);
    assertThat(store.decide("b", 1, c).reason()).isEqualTo(RateLimitDecision.Reason.PERMITTED);
  }

  @Test
  void aFullTableIsSweptAtMostOncePerSecond() {
    // Four permits per 2 s: a key that took one permit is idle again after 0.5 s.
    RateLimitConfig c =
        RateLimitConfig.builder()
            .capacity(4)
            .window(Duration.ofSeconds(2))
            .cleanupThreshold(3)
            .maxKeys(3)
            .build();
    for (String k : List.of("a", "b", "c")) {
      assertThat(store.acquire(k, 1, 0, c)).isZero();
    }
    long before = sweeps();
    assertThat(store.acquire("d", 1, 0, c)).isEqualTo(RateLimiterStore.KEY_LIMIT);
    assertThat(sweeps()).isEqualTo(before + 1); // the forced sweep found nothing idle
    clock.advanceMillis(600); // a, b and c are idle now, but the last sweep was 0.6 s ago
    for (int i = 0; i < 100; i++) {
      assertThat(store.acquire("d" + i, 1, 0, c)).isEqualTo(RateLimiterStore.KEY_LIMIT);
    }
    assertThat(sweeps()).isEqualTo(before + 1);
    assertThat(store.keyCount()).isEqualTo(3);
    clock.advanceMillis(400); // one second after the last sweep
    assertThat(store.acquire("d", 1, 0, c)).isZero();
    assertThat(sweeps()).isEqualTo(before + 2);
    assertThat(store.evictedKeys()).isEqualTo(3);
    assertThat(store.keyCount()).isEqualTo(1);
    assertThat(store.acquire("e", 1, 0, c)).isZero(); // room for two more now
    assertThat(store.acquire("f", 1, 0, c)).isZero();
    assertThat(store.keyCount()).isEqualTo(3);
  }

  @Test
  void aHostileFloodOfKeysStaysWithinMaxKeysAndIsCheap() {
    RateLimitConfig c =
        RateLimitConfig.builder()
            .capacity(10)
            .window(Duration.ofMinutes(1))
            .cleanupThreshold(1_000)
            .maxKeys(10_000)
            .build();
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          long refused = 0;
          for (int i = 0; i < 1_000_000; i++) {
            if (store.acquire("attacker-" + i, 1, 0, c) == RateLimiterStore.KEY_LIMIT) {
              refused++;
            }
            if ((i & 0xFFF) == 0) {
              assertThat(store.keyCount()).isLessThanOrEqualTo(10_000);
            }
          }
          assertThat(refused).isEqualTo(990_000);
        });
    assertThat(store.keyCount()).isEqualTo(10_000);
    assertThat(store.refusedKeys()).isEqualTo(990_000);
    // The cost stays bounded: a few threshold sweeps while filling, then at most one forced
    // sweep per second of clock time (the clock did not move).
    assertThat(sweeps()).isLessThanOrEqualTo(10);
    // A known key still works.
    assertThat(store.acquire("attacker-0", 1, 0, c)).isZero();
  }

  @Test
  void aFloodOverTimeFreesRoomOnceKeysGoIdle() {
    RateLimitConfig c =
        RateLimitConfig.builder()
            .capacity(1)
            .window(Duration.ofMillis(500))
            .cleanupThreshold(100)
            .maxKeys(1_000)
            .build();
    long admitted = 0;
    for (int i = 0; i < 200_000; i++) {
      if (store.acquire("k" + i, 1, 0, c) == 0) {
        admitted++;
      }
      clock.advanceNanos(10_000); // 10 µs per request: 2 s in all
      assertThat(store.keyCount()).isLessThanOrEqualTo(1_000);
    }
    // Each second of clock time admits at least a full table: keys go idle after 0.5 s.
    assertThat(admitted).isGreaterThanOrEqualTo(2_000);
    assertThat(sweeps()).isLessThan(1_000);
  }

  @Test
  void releaseGivesBackAReservation() {
    RateLimitConfig c = config(1_000, 1_000);
    assertThat(store.acquire("k", 2, 0, c)).isZero();
    assertThat(store.acquire("k", 1, SECOND, c)).isEqualTo(SECOND); // reserved: wait 1 s
    store.release("k", 1, c);
    assertThat(store.acquire("k", 1, SECOND, c)).isEqualTo(SECOND); // the same slot again
    store.release("k", 1, c);
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.acquire("k", 1, 0, c)).isZero();
    assertThat(store.acquire("k", 1, 0, c)).isEqualTo(-SECOND);
  }

  @Test
  void releaseOfAnUnknownOrEvictedKeyChangesNothing() {
    RateLimitConfig c = config(1, 1_000);
    store.release("never-seen", 1, c);
    assertThat(store.keyCount()).isZero();
    assertThat(store.acquire("k", 1, 0, c)).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.acquire("other", 1, 0, c)).isZero(); // sweeps k out
    assertThat(store.evictedKeys()).isEqualTo(1);
    store.release("k", 2, c);
    assertThat(store.keyCount()).isEqualTo(1);
    assertThat(store.acquire("k", 2, 0, c)).isZero();
    assertThat(store.acquire("k", 1, 0, c)).isEqualTo(-SECOND);
  }

  @Test
  void waitsAndRefusalsAreMeasuredFromNow() {
    RateLimitConfig c = config(1_000, 1_000);
    assertThat(store.acquire("k", 2, 0, c)).isZero();
    assertThat(store.acquire("k", 2, SECOND, c)).isEqualTo(-2 * SECOND); // fits in 2 s, not 1 s
    assertThat(store.acquire("k", 2, 2 * SECOND, c)).isEqualTo(2 * SECOND);
    clock.advanceMillis(500);
    assertThat(store.acquire("k", 1, 0, c)).isEqualTo(-(SECOND * 5 / 2)); // 2.5 s until it fits
  }

  /**
   * A request reads the clock, then its thread is descheduled while the key is used, goes idle and
   * is evicted. When it resumes, the key it re-creates must not start before that eviction, or the
   * key would be granted more than its capacity.
   */
  @Test
  void aStaleClockReadRacingAnEvictionNeverOverPermits() throws Exception {
    PausingClock paused = new PausingClock(clock);
    InMemoryRateLimiterStore racy = new InMemoryRateLimiterStore(paused);
    RateLimitConfig c =
        RateLimitConfig.builder()
            .capacity(1)
            .window(Duration.ofSeconds(10))
            .cleanupThreshold(1)
            .maxKeys(100)
            .build();
    assertThat(racy.acquire("k", 1, 0, c)).isZero(); // t0: k is used until t0 + 10s
    clock.advance(Duration.ofSeconds(9));
    CompletableFuture<Long> slow = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              paused.pauseNextReadOn(Thread.currentThread());
              slow.complete(racy.acquire("k", 1, 0, c)); // reads t0 + 9s, then pauses
            });
    t.start();
    assertThat(paused.awaitPaused()).isTrue();
    clock.advance(Duration.ofSeconds(1)); // t0 + 10s: k is idle
    assertThat(racy.acquire("other", 1, 0, c)).isZero(); // sweeps k out
    assertThat(racy.evictedKeys()).isEqualTo(1);
    paused.resume();
    t.join(TimeUnit.SECONDS.toMillis(10));
    // The slow request runs after t0 + 10s, so it may have the permit of t0 + 10s ...
    assertThat(slow.get(10, TimeUnit.SECONDS)).isZero();
    // ... but then k has nothing left before t0 + 20s: 2 permits in [t0, t0 + 19s], not 3.
    clock.advance(Duration.ofSeconds(9));
    assertThat(racy.acquire("k", 1, 0, c)).isEqualTo(-SECOND);
  }

  /**
   * The store compares clock times only by difference, so it works across the wrap of {@code
   * nanoTime()}, including where a theoretical arrival time lands exactly on {@link Long#MIN_VALUE}
   * or the clock reads it.
   */
  @ParameterizedTest
  @ValueSource(
      longs = {
        Long.MAX_VALUE - 999_999, // first TAT = Long.MIN_VALUE (one interval is 1 ms)
        Long.MAX_VALUE - 1_999_999,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        Long.MIN_VALUE + 1,
        -1,
        0
      })
  void worksAcrossTheWrapOfTheClock(long start) {
    FakeClock wrapping = FakeClock.startingAt(start);
    InMemoryRateLimiterStore s = new InMemoryRateLimiterStore(wrapping);
    RateLimitConfig c =
        RateLimitConfig.builder()
            .capacity(2)
            .window(Duration.ofMillis(2))
            .cleanupThreshold(1)
            .maxKeys(10)
            .build();
    long ms = 1_000_000;
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          List<Long> results = new ArrayList<>();
          for (int step = 0; step < 6; step++) {
            for (int i = 0; i < 3; i++) {
              results.add(s.acquire("k", 1, 0, c));
            }
            s.acquire("other" + step, 1, 0, c); // sweeps k when it is idle
            wrapping.advanceNanos(ms / 2);
          }
          // Per step of 0.5 ms: a full burst of 2 first, then one permit every 1 ms.
          assertThat(results)
              .containsExactly(
                  0L, 0L, -ms, // t = 0
                  -ms / 2, -ms / 2, -ms / 2, // 0.5 ms
                  0L, -ms, -ms, // 1 ms
                  -ms / 2, -ms / 2, -ms / 2, // 1.5 ms
                  0L, -ms, -ms, // 2 ms
                  -ms / 2, -ms / 2, -ms / 2); // 2.5 ms
        });
  }

  /**
   * A clock that, on its next read on one thread, returns the time and then pauses until the test
   * resumes it, as a thread descheduled right after reading the clock would.
   */
  static final class PausingClock implements Clock {
    private final FakeClock time;
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile Thread target;

    PausingClock(FakeClock time) {
      this.time = time;
    }

    void pauseNextReadOn(Thread thread) {
      target = thread;
    }

    boolean awaitPaused() throws InterruptedException {
      return paused.await(10, TimeUnit.SECONDS);
    }

    void resume() {
      resumed.countDown();
    }

    @Override
    public long nanoTime() {
      long now = time.nanoTime();
      if (Thread.currentThread() == target) {
        target = null;
        paused.countDown();
        try {
          resumed.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return now;
    }

    @Override
    public long currentTimeMillis() {
      return time.currentTimeMillis();
    }
  }
}
