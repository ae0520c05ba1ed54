package io.tailguard.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * For any arrival sequence: the limiter decides exactly as a plain reference model of GCRA (so it
 * is never stingier than the algorithm, and evicting idle keys changes nothing), and over every
 * interval a key is granted at most {@code capacity + elapsed / emissionInterval} permits.
 */
class RateLimiterPropertyTest {

  /**
   * One request: {@code gapPermille / 1000} emission intervals plus {@code jitterNanos} after the
   * previous one, for {@code permits} (folded into [1, capacity]) of key number {@code key}; a
   * waiting request ({@code acquireAsync}) accepts a wait of up to {@code timeoutPermille / 1000}
   * of the window, the others ({@code decide}) none.
   */
  record Arrival(
      int gapPermille,
      long jitterNanos,
      int permits,
      int key,
      boolean waits,
      int timeoutPermille) {}

  @Provide
  Arbitrary<List<Arrival>> arrivals() {
    Arbitrary<Integer> gaps =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0)),
            Tuple.of(6, Arbitraries.integers().between(0, 2_000)),
            Tuple.of(1, Arbitraries.integers().between(2_000, 30_000)));
    Arbitrary<Arrival> arrival =
        Combinators.combine(
                gaps,
                Arbitraries.longs().between(0, 1_000),
                Arbitraries.integers().between(1, 20),
                Arbitraries.integers().between(0, 19),
                Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true)),
                Arbitraries.integers().between(0, 1_000))
            .as(Arrival::new);
    return arrival.list().ofMinSize(1).ofMaxSize(200);
  }

  @Property(tries = 300, seed = "20261129")
  void oneKeyNeverExceedsCapacityPlusRateTimesElapsed(
      @ForAll("arrivals") List<Arrival> arrivals,
      @ForAll @IntRange(min = 1, max = 20) int capacity,
      @ForAll @LongRange(min = 1_000_000, max = 10_000_000_000L) long windowNanos,
      @ForAll long clockStart) {
    run(arrivals, capacity, windowNanos, clockStart, 1, RateLimitConfig.defaults().maxKeys());
  }

  @Property(tries = 300, seed = "20261129")
  void evictingIdleKeysChangesNoDecision(
      @ForAll("arrivals") List<Arrival> arrivals,
      @ForAll @IntRange(min = 1, max = 20) int capacity,
      @ForAll @LongRange(min = 1_000_000, max = 10_000_000_000L) long windowNanos,
      @ForAll long clockStart,
      @ForAll @IntRange(min = 1, max = 3) int cleanupThreshold) {
    RateLimiter limiter = run(arrivals, capacity, windowNanos, clockStart, 20, cleanupThreshold);
    long evicted = (long) limiter.store().describe().get("evictedKeys");
    Statistics.label("keys evicted").collect(evicted > 0);
    Statistics.label("keys evicted").coverage(c -> c.check(true).percentage(p -> p >= 25));
  }

  /** Drives a limiter and the reference through the arrivals, checking both properties. */
  private static RateLimiter run(
      List<Arrival> arrivals,
      int capacity,
      long windowNanos,
      long clockStart,
      int keys,
      int cleanupThreshold) {
    FakeClock clock = FakeClock.startingAt(clockStart);
    RateLimitConfig config =
        RateLimitConfig.builder()
            .capacity(capacity)
            .window(Duration.ofNanos(windowNanos))
            .cleanupThreshold(cleanupThreshold)
            .build();
    RateLimiter limiter =
        RateLimiter.builder("prop").config(config).clock(clock).scheduler(clock).build();
    Reference ref = new Reference(capacity, windowNanos);
    assertThat(config.emissionIntervalNanos()).isEqualTo(ref.interval);

    Map<Integer, List<long[]>> grants = new HashMap<>(); // key -> {usable time, permits}
    List<long[]> expectedCompletions = new ArrayList<>(); // {index, expected relative time}
    long[] completedAt = new long[arrivals.size()];
    long now = 0; // relative to clockStart
    for (int i = 0; i < arrivals.size(); i++) {
      Arrival a = arrivals.get(i);
      long gap = a.gapPermille() * ref.interval / 1_000 + a.jitterNanos();
      clock.advanceNanos(gap);
      now += gap;
      int key = a.key() % keys;
      int permits = 1 + (a.permits() - 1) % capacity;
      String k = "key-" + key;
      if (a.waits()) {
        long timeout = windowNanos * a.timeoutPermille() / 1_000;
        long expected = ref.acquire(key, now, permits, timeout);
        CompletableFuture<Void> f =
            limiter.acquireAsync(k, permits, Duration.ofNanos(timeout)).toCompletableFuture();
        if (expected < 0) {
          assertThat(f).as("step %d refused", i).isCompletedExceptionally();
          Throwable cause = catchCause(f);
          assertThat(cause).isInstanceOf(RateLimitExceededException.class);
          assertThat(((RateLimitExceededException) cause).retryAfter())
              .isEqualTo(Duration.ofNanos(-expected));
        } else {
          int index = i;
          f.thenRun(() -> completedAt[index] = clock.nanoTime() - clockStart);
          expectedCompletions.add(new long[] {i, now + expected});
          grants
              .computeIfAbsent(key, x -> new ArrayList<>())
              .add(new long[] {now + expected, permits});
        }
      } else {
        RateLimitDecision expected = ref.decide(key, now, permits, config);
        assertThat(limiter.decide(k, permits)).as("step %d", i).isEqualTo(expected);
        if (expected.permitted()) {
          grants.computeIfAbsent(key, x -> new ArrayList<>()).add(new long[] {now, permits});
        }
      }
    }
    clock.advanceNanos(2 * windowNanos + 1); // every reserved permit falls due
    for (long[] c : expectedCompletions) {
      assertThat(completedAt[(int) c[0]]).as("step %d completes", c[0]).isEqualTo(c[1]);
    }
    assertThat(clock.pendingTasks()).isZero();
    grants.values().forEach(g -> assertWithinTheBound(g, ref, capacity, windowNanos));
    return limiter;
  }

  /** Over every interval between two grants of a key, the permits stay within the bound. */
  private static void assertWithinTheBound(
      List<long[]> grants, Reference ref, int capacity, long windowNanos) {
    grants.sort((x, y) -> Long.compare(x[0], y[0]));
    for (int i = 0; i < grants.size(); i++) {
      long permits = 0;
      for (int j = i; j < grants.size(); j++) {
        permits += grants.get(j)[1];
        long elapsed = grants.get(j)[0] - grants.get(i)[0];
        // permits <= capacity + elapsed / interval, in whole nanoseconds ...
        assertThat(permits * ref.interval)
            .as("permits granted in [%d, %d]", i, j)
            .isLessThanOrEqualTo(ref.burst + elapsed);
        // ... hence also within the nominal rate: permits <= capacity + elapsed * capacity /
        // window.
        assertThat(permits * windowNanos)
            .isLessThanOrEqualTo(capacity * windowNanos + elapsed * capacity);
      }
    }
  }

  private static Throwable catchCause(CompletableFuture<Void> f) {
    try {
      f.join();
      throw new AssertionError("expected a failed stage");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  /**
   * GCRA as textbooks state it, on exact times relative to the start: a theoretical arrival time
   * per key, never forgotten; a request for {@code n} permits at {@code now} fits if {@code
   * max(tat, now) + n * interval - now <= burst + maxWait}.
   */
  static final class Reference {
    final long interval;
    final long burst;
    private final Map<Integer, Long> tat = new HashMap<>();

    Reference(int capacity, long windowNanos) {
      this.interval = (windowNanos + capacity - 1) / capacity; // window / capacity, rounded up
      this.burst = interval * capacity;
    }

    /** Returns the wait if granted ({@code >= 0}), else minus the time until it would fit. */
    long acquire(int key, long now, int permits, long maxWait) {
      long next = Math.max(tat.getOrDefault(key, now), now) + permits * interval;
      long excess = next - now - burst;
      if (excess > maxWait) {
        return -excess;
      }
      tat.put(key, next);
      return Math.max(0, excess);
    }

    RateLimitDecision decide(int key, long now, int permits, RateLimitConfig config) {
      long before = Math.max(tat.getOrDefault(key, now), now);
      long r = acquire(key, now, permits, 0);
      int limit = config.capacity();
      if (r < 0) {
        return new RateLimitDecision(
            RateLimitDecision.Reason.RATE_EXCEEDED,
            limit,
            0,
            Duration.ofNanos(-r),
            Duration.ofNanos(before - now));
      }
      long ahead = tat.get(key) - now;
      return new RateLimitDecision(
          RateLimitDecision.Reason.PERMITTED,
          limit,
          (burst - ahead) / interval,
          Duration.ZERO,
          Duration.ofNanos(ahead));
    }
  }
}
