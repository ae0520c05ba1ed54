package io.tailguard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.tailguard.core.testing.Race;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leases on a contended key of {@link InMemoryRateLimiterStore}: when a thread gets them and of
 * what size, what each one charges to the key's TAT, that unused credits die with their lease, that
 * only one-permit non-waiting {@code acquire}s lease, how a stale slot is taken over, and that the
 * GCRA bound ({@code capacity + t / interval} permits over any interval {@code t}) still holds for
 * every interleaving of threads.
 *
 * <p>Thread identity matters to leases, so every call that must come from a given thread is run on
 * a single-thread executor and awaited; the clock is a {@link FakeClock} that only the test moves.
 * Most tests read how far the key's TAT runs ahead of the clock with {@link #ahead}, a request the
 * store must refuse: a refusal writes nothing, so reading changes nothing, and the difference of
 * two readings at one clock time is exactly what a call charged.
 */
class InMemoryRateLimiterStoreLeaseTest {

  private static final String KEY = "hot";
  private static final long US = 1_000;
  private static final long MS = 1_000_000;
  private static final long LEASE = InMemoryRateLimiterStore.LEASE_MICROS * US;
  // How long after its end a lease may be taken over by another thread (the store's constant).
  private static final long STALE = 10 * MS;

  private final FakeClock clock = new FakeClock();
  private final List<ExecutorService> executors = new ArrayList<>();

  @AfterEach
  void stopThreads() throws InterruptedException {
    for (ExecutorService e : executors) {
      e.shutdownNow();
      assertThat(e.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A thread of its own, for calls that must come from one thread and not another. */
  private ExecutorService newThread() {
    ExecutorService e = Executors.newSingleThreadExecutor();
    executors.add(e);
    return e;
  }

  private static <T> T on(ExecutorService thread, Callable<T> task) throws Exception {
    return thread.submit(task).get(10, TimeUnit.SECONDS);
  }

  /**
   * {@code capacity} permits per {@code capacity} ms: one every millisecond, 20 times {@code
   * LEASE}, so a lease of n is charged exactly n intervals.
   */
  private static RateLimitConfig oneEveryMilli(int capacity) {
    return RateLimitConfig.of(capacity, Duration.ofMillis(capacity));
  }

  /**
   * Creates the key's cell without charging it: a request for more than the capacity is refused,
   * and a refusal writes nothing. ({@code contend} needs the cell.)
   */
  private static void create(InMemoryRateLimiterStore s, RateLimitConfig c) {
    assertThat(s.acquire(KEY, c.capacity() + 1, 0, c)).isNegative();
  }

  /** A store whose key is contended from the start, as two lost races would make it. */
  private InMemoryRateLimiterStore contended(int slots, RateLimitConfig c) {
    InMemoryRateLimiterStore s = new InMemoryRateLimiterStore(clock, slots);
    create(s, c);
    s.contend(KEY, c);
    assertThat(leasedKeys(s)).isEqualTo(1);
    return s;
  }

  /** A store whose key nobody contends. */
  private InMemoryRateLimiterStore plain(int slots, RateLimitConfig c) {
    InMemoryRateLimiterStore s = new InMemoryRateLimiterStore(clock, slots);
    create(s, c);
    return s;
  }

  /**
   * How far the key's TAT runs ahead of the clock ({@code max(TAT - now, 0)}), read without
   * charging: {@code decide} is plain GCRA, and its refusal reports {@code max(TAT, now) - now} as
   * {@code resetAfter}.
   */
  private static long ahead(InMemoryRateLimiterStore s, RateLimitConfig c) {
    RateLimitDecision d = s.decide(KEY, c.capacity() + 1, c);
    assertThat(d.permitted()).isFalse();
    return d.resetAfter().toNanos();
  }

  private static long leasedKeys(InMemoryRateLimiterStore s) {
    return (long) s.describe().get("leasedKeys");
  }

  /** One permit without waiting: the only request that may lease. */
  private static long take(InMemoryRateLimiterStore s, RateLimitConfig c) {
    return s.acquire(KEY, 1, 0, c);
  }

  // ---------------------------------------------------------------------------------------------
  // 1. No contention, no lease.

  @Test
  void aKeyNobodyContendsGetsNoLeaseTableAndIsPlainGcra() {
    RateLimitConfig c = oneEveryMilli(1_000);
    long interval = c.emissionIntervalNanos();
    long burst = c.burstNanos();
    InMemoryRateLimiterStore store = plain(1, c); // one slot: the largest leases, if any
    // Plain GCRA on times relative to the key's creation.
    long tat = 0;
    long now = 0;
    long[] gaps = {0, 0, 0, 10 * US, 0, 49 * US, 0, 60 * US, 3 * MS, 0, 0, 700 * US};
    int granted = 0;
    int refused = 0;
    for (int i = 0; i < 5_000; i++) {
      long gap = i < 1_200 ? 0 : gaps[i % gaps.length]; // a tight loop past the capacity first
      clock.advanceNanos(gap);
      now += gap;
      long next = Math.max(tat, now) + interval;
      long expected = next - now > burst ? burst - (next - now) : 0;
      if (expected == 0) {
        tat = next;
        granted++;
      } else {
        refused++;
      }
      assertThat(take(store, c)).as("call %d", i).isEqualTo(expected);
    }
    assertThat(granted).isGreaterThan(1_000);
    assertThat(refused).isGreaterThan(200);
    assertThat(leasedKeys(store)).isZero();
    assertThat(store.describe()).containsEntry("leasedKeys", 0L);
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Lease sizes and charges in a tight loop.

  @Test
  void aTightLoopLeasesOneTwoFourEightPermitsEachChargedOneIntervalApiece() {
    // interval (1 ms) >= LEASE (50 µs): a lease of n charges exactly n intervals.
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    // Leases are taken at calls 1, 2, 4, 8 and 16; the calls between use their credits.
    long[] expectedMillis = {1, 3, 3, 7, 7, 7, 7, 15, 15, 15, 15, 15, 15, 15, 15, 31};
    for (int call = 1; call <= expectedMillis.length; call++) {
      assertThat(take(store, c)).as("call %d", call).isZero();
      assertThat(ahead(store, c))
          .as("after call %d", call)
          .isEqualTo(expectedMillis[call - 1] * MS);
    }
    // decide is plain GCRA: it charges one more interval and shows what was charged before it.
    assertThat(store.decide(KEY, 1, c).remaining()).isEqualTo(1_000 - 31 - 1);
  }

  @Test
  void aSteadyCallerSettlesOnALeaseItUsesUpInHalfItsTimeAndWastesNothing() {
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    // 5 µs per call. The next lease is what the thread used of its last one, at the pace it used
    // it, over half a lease (25 µs), and at most twice the last. The TAT (relative to the start,
    // in ms) after each call: 1 (lease 1), 3 (call 2 at 5 µs: 1 used in 5 µs, min(2, 5) = 2), 7
    // (call 4: 2 in 10 µs, min(4, 5) = 4), 12 (call 8: 4 in 20 µs, min(8, 5) = 5), then a lease of
    // 5 every 5 calls (5 in 25 µs): settled, and every permit charged exactly one interval.
    long[] tatMillis = new long[32];
    long[] start = {1, 3, 3, 7, 7, 7, 7};
    System.arraycopy(start, 0, tatMillis, 0, start.length);
    for (int call = 8; call <= 32; call++) {
      tatMillis[call - 1] = 12 + 5L * ((call - 8) / 5);
    }
    for (int call = 1; call <= 32; call++) {
      long elapsed = (call - 1) * 5 * US;
      clock.advanceNanos(call > 1 ? 5 * US : 0);
      assertThat(take(store, c)).as("call %d", call).isZero();
      assertThat(ahead(store, c) + elapsed)
          .as("TAT after call %d", call)
          .isEqualTo(tatMillis[call - 1] * MS);
    }
    assertThat(tatMillis[31]).as("32 permits, 32 intervals: nothing lost").isEqualTo(32);
  }

  @Test
  void withATinyIntervalALeaseIsChargedFromItsEnd() {
    // interval 1 µs, LEASE 50 µs: max(TAT + interval, now + LEASE) + (n - 1) * interval.
    RateLimitConfig c = RateLimitConfig.of(1_000_000, Duration.ofSeconds(1));
    assertThat(c.emissionIntervalNanos()).isEqualTo(US);
    InMemoryRateLimiterStore store = contended(1, c);
    // Clock fixed. Call 1: lease 1, TAT 1. Call 2: lease 2, max(2, 50) + 1 = 51. Call 4: lease 4,
    // max(52, 50) + 3 = 55. Call 8: 63. Call 16: 79 (µs).
    long[] fixed = {1, 51, 51, 55, 55, 55, 55, 63, 63, 63, 63, 63, 63, 63, 63, 79};
    for (int call = 1; call <= fixed.length; call++) {
      assertThat(take(store, c)).as("call %d", call).isZero();
      assertThat(ahead(store, c)).as("after call %d", call).isEqualTo(fixed[call - 1] * US);
    }
  }

  @Test
  void withATinyIntervalAndAMovingClockEachLeaseIsChargedFromItsEnd() {
    RateLimitConfig c = RateLimitConfig.of(1_000_000, Duration.ofSeconds(1)); // 1 µs
    InMemoryRateLimiterStore store = contended(1, c);
    // 10 µs per call. t = 0: lease 1, TAT 1. t = 10: 1 used in 10 µs, so min(2, 1 * 50 / 20) = 2:
    // max(11, 60) + 1 = 61, ends 60. t = 20: credit. t = 30: 2 used in 20 µs, min(4, 2) = 2:
    // max(62, 80) + 1 = 81. From then on a lease of 2 every 20 µs, each charged from its end: the
    // TAT stays 51 µs ahead after a lease and 41 after its credit, and never runs further ahead.
    long[] aheadMicros = new long[17];
    aheadMicros[0] = 1;
    for (int call = 2; call <= 17; call++) {
      aheadMicros[call - 1] = call % 2 == 0 ? 51 : 41;
    }
    for (int call = 1; call <= aheadMicros.length; call++) {
      if (call > 1) {
        clock.advanceNanos(10 * US);
      }
      assertThat(take(store, c)).as("call %d", call).isZero();
      assertThat(ahead(store, c)).as("after call %d", call).isEqualTo(aheadMicros[call - 1] * US);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. A fixed clock: exactly the capacity.

  @Test
  void withAFixedClockOneThreadIsGrantedExactlyTheCapacityAndLeasesStopAtHalfTheBurst() {
    RateLimitConfig c = oneEveryMilli(1_000); // maxLease = min(256, 1000 / 16) = 62
    InMemoryRateLimiterStore store = contended(1, c);
    List<Long> charges = new ArrayList<>(); // in intervals, of the calls that charged anything
    int granted = 0;
    long before = ahead(store, c);
    while (take(store, c) == 0) {
      granted++;
      long after = ahead(store, c);
      if (after != before) {
        charges.add((after - before) / MS);
        assertThat((after - before) % MS).isZero();
      }
      before = after;
    }
    assertThat(granted).isEqualTo(1_000);
    assertThat(ahead(store, c)).isEqualTo(c.burstNanos());
    for (int i = 0; i < 5; i++) {
      assertThat(take(store, c)).isEqualTo(-MS);
    }
    // 1 + 2 + ... + 32 = 63, seven leases of 62 up to 497; the next (559) passes half the burst
    // (500), so 1; then a lease of 2 fits exactly (500); after that plain GCRA, one at a time.
    List<Long> expected = new ArrayList<>(List.of(1L, 2L, 4L, 8L, 16L, 32L));
    for (int i = 0; i < 7; i++) {
      expected.add(62L);
    }
    expected.add(1L);
    expected.add(2L);
    for (int i = 0; i < 500; i++) {
      expected.add(1L);
    }
    assertThat(charges).isEqualTo(expected);
  }

  @Test
  void withATinyIntervalAndAFixedClockTheFirstLeaseOfTwoCostsTheRestOfItsLease() {
    // A cost of charging a lease from its end, though every credit is handed out: the lease of 2
    // at call 2 is charged as if its second permit were taken 50 µs on, which a fixed clock never
    // reaches, so 48 intervals of the burst go unused. The bound holds (fewer than capacity), and
    // the loss is under LEASE / interval permits.
    RateLimitConfig c = RateLimitConfig.of(1_000_000, Duration.ofSeconds(1)); // 1 µs
    InMemoryRateLimiterStore store = contended(1, c);
    int granted = 0;
    while (take(store, c) == 0) {
      granted++;
    }
    assertThat(granted).isEqualTo(1_000_000 - (LEASE / US - 2));
    assertThat(ahead(store, c)).isEqualTo(c.burstNanos());
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Credits die with their lease.

  @Test
  void creditsLeftWhenALeaseEndsAreNotHandedOutAndTheNextLeaseFitsWhatWasUsed() {
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    for (int call = 1; call <= 4; call++) {
      assertThat(take(store, c)).isZero();
    }
    assertThat(ahead(store, c)).isEqualTo(7 * MS); // a lease of 4 taken at t = 0: 3 credits
    clock.advanceNanos(LEASE - 1); // the lease's last instant
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("a credit, nothing charged").isEqualTo(7 * MS - (LEASE - 1));
    clock.advanceNanos(1); // the lease has ended with 2 credits left
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c))
        .as("2 of 4 used in the whole lease, 1 in half of it: a lease of 1")
        .isEqualTo(8 * MS - LEASE);
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("used up at once: a lease of 2").isEqualTo(10 * MS - LEASE);
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("its credit").isEqualTo(10 * MS - LEASE);
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("used up: a lease of 4").isEqualTo(14 * MS - LEASE);
  }

  @Test
  void creditsOfALeaseThatEndedLongAgoDoNotAddToAFullKeysCapacity() {
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    for (int call = 1; call <= 5; call++) {
      assertThat(take(store, c)).isZero(); // a lease of 4 at call 4, one credit used at call 5
    }
    clock.advance(Duration.ofSeconds(2)); // the key is at full capacity again
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c))
        .as("the 2 credits left were dropped: a lease of 1 (2 used in the whole lease)")
        .isEqualTo(MS);
    int granted = 1;
    while (take(store, c) == 0) {
      granted++;
    }
    // Handing out the 2 old credits would grant 1,002 at one instant: over the bound.
    assertThat(granted).isEqualTo(1_000);
  }

  @Test
  void creditsHandedOutLateInTheirLeaseWereChargedAsOfItsEnd() {
    // interval 1 µs. At t = 0 the 32nd call takes a lease of 32, charged up to 111 µs (51, 55, 63,
    // 79, 111: see withATinyIntervalALeaseIsChargedFromItsEnd). Its 31 credits are handed out at
    // t = 49 µs, its last microsecond, and the thread goes on until refused at that instant.
    RateLimitConfig c = RateLimitConfig.of(1_000, Duration.ofMillis(1)); // maxLease 62
    assertThat(c.emissionIntervalNanos()).isEqualTo(US);
    InMemoryRateLimiterStore store = contended(1, c);
    for (int call = 1; call <= 32; call++) {
      assertThat(take(store, c)).isZero();
    }
    long charged = ahead(store, c);
    clock.advanceNanos(LEASE - US);
    int granted = 0;
    while (take(store, c) == 0) {
      granted++;
    }
    // 31 credits, then charges from 111 µs to 49 + 1000 µs. Charging the credits from the lease's
    // start instead (TAT 63 µs, 14 µs ahead at t = 49) would grant 31 + 986 = 1,017 at one
    // instant: more than the capacity.
    assertThat(granted).as("granted at t = 49 µs").isLessThanOrEqualTo(c.capacity());
    assertThat(charged).isEqualTo(111 * US);
    assertThat(granted).isEqualTo(31 + (1_049 - 111));
  }

  @Test
  void aLeasesCreditsAreItsThreadsAloneAndAtMostALeaseIsLostToOthers() throws Exception {
    // A thread that stops right after taking a lease of n leaves n - 1 credits (a batch less one,
    // not half of it) that no other thread can take: at most maxLease - 1 per slot, capacity / 16
    // in all.
    RateLimitConfig c = oneEveryMilli(1_000); // maxLease 62 with one slot
    InMemoryRateLimiterStore store = contended(1, c);
    ExecutorService a = newThread();
    ExecutorService b = newThread();
    Callable<Integer> untilRefused =
        () -> {
          int n = 0;
          while (take(store, c) == 0) {
            n++;
          }
          return n;
        };
    // A's 64th call takes a lease of 62 (1 + 2 + ... + 32 = 63 charged before): 61 credits.
    int grantedToA =
        on(
            a,
            () -> {
              for (int call = 0; call < 64; call++) {
                assertThat(take(store, c)).isZero();
              }
              return 64;
            });
    assertThat(ahead(store, c)).isEqualTo(125 * MS);
    // B has no slot (A's lease is fresh): plain GCRA up to the burst.
    int grantedToB = on(b, untilRefused);
    assertThat(grantedToB).isEqualTo(1_000 - 125);
    assertThat(grantedToA + grantedToB).isEqualTo(c.capacity() - 61);
    // Back within its lease, A is handed its 61 credits: the key has granted exactly its capacity.
    assertThat(on(a, untilRefused)).isEqualTo(61);
  }

  @Test
  void aTableHasTwiceThePowerOfTwoAtOrAboveTheCpuCountInSlotsUpTo64() {
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(1)).isEqualTo(2);
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(2)).isEqualTo(4);
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(3)).isEqualTo(8);
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(4)).isEqualTo(8);
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(5)).isEqualTo(16);
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(32)).isEqualTo(64);
    assertThat(InMemoryRateLimiterStore.leaseSlotsFor(1_000)).isEqualTo(64);
  }

  // ---------------------------------------------------------------------------------------------
  // 5. A slow caller wastes nothing.

  @Test
  void aCallerSlowerThanALeaseIsChargedOneIntervalPerPermitLikeAnUncontendedKey() {
    RateLimitConfig c = oneEveryMilli(100); // maxLease = 6 with one slot
    InMemoryRateLimiterStore store = contended(1, c);
    InMemoryRateLimiterStore twin = plain(1, c);
    Random random = new Random(42);
    int refused = 0;
    for (int i = 0; i < 2_000; i++) {
      // At least LEASE apart (exactly LEASE: the lease ended at that very instant), mostly 10 to
      // 20 times faster than the rate, so the key spends much of the run at its limit.
      long gap = i % 10 == 0 ? LEASE : LEASE + random.nextInt(i % 7 == 0 ? 5_000_000 : 60_000);
      clock.advanceNanos(gap);
      long expected = take(twin, c);
      assertThat(take(store, c)).as("call %d", i).isEqualTo(expected);
      assertThat(ahead(store, c)).as("after call %d", i).isEqualTo(ahead(twin, c));
      if (expected < 0) {
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(100);
    assertThat(leasedKeys(twin)).isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Capacity too small for leases.

  @ParameterizedTest(name = "{0} slots, capacity {1}")
  @CsvSource({
    "1, 31, false",
    "1, 32, true",
    "2, 63, false",
    "2, 64, true",
    "4, 127, false",
    "4, 128, true"
  })
  void aKeyGetsALeaseTableOnlyIfItsLeasesCouldHoldTwoPermits(
      int slots, int capacity, boolean leases) {
    RateLimitConfig c = oneEveryMilli(capacity);
    InMemoryRateLimiterStore store = new InMemoryRateLimiterStore(clock, slots);
    create(store, c);
    store.contend(KEY, c);
    assertThat(leasedKeys(store)).isEqualTo(leases ? 1 : 0);
    assertThat(take(store, c)).isZero();
    assertThat(take(store, c)).isZero();
    // A lease of 2 at the second call charges 3 intervals; plain GCRA charges 2.
    assertThat(ahead(store, c)).isEqualTo((leases ? 3 : 2) * MS);
    int granted = 2;
    while (take(store, c) == 0) {
      granted++;
    }
    assertThat(granted).isEqualTo(capacity);
    assertThat(leasedKeys(store)).isEqualTo(leases ? 1 : 0);
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Only a single non-waiting permit leases.

  @Test
  void decideSeveralPermitsAndWaitingRequestsOnAContendedKeyAreExactlyPlainGcra() {
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    InMemoryRateLimiterStore twin = plain(1, c);
    int refusals = 0;
    int waits = 0;
    for (int i = 0; i < 3_000; i++) {
      clock.advanceNanos(i % 400 == 399 ? 3 * MS : i % 10 == 0 ? 30 * US : 0);
      switch (i % 3) {
        case 0 -> {
          RateLimitDecision d = twin.decide(KEY, 1, c);
          assertThat(store.decide(KEY, 1, c)).as("decide %d", i).isEqualTo(d);
          refusals += d.permitted() ? 0 : 1;
        }
        case 1 -> {
          long r = twin.acquire(KEY, 2, 0, c);
          assertThat(store.acquire(KEY, 2, 0, c)).as("acquire 2, %d", i).isEqualTo(r);
          refusals += r < 0 ? 1 : 0;
        }
        default -> {
          long r = twin.acquire(KEY, 1, 5 * MS, c);
          assertThat(store.acquire(KEY, 1, 5 * MS, c)).as("acquire waiting, %d", i).isEqualTo(r);
          waits += r > 0 ? 1 : 0;
        }
      }
      assertThat(ahead(store, c)).isEqualTo(ahead(twin, c));
    }
    assertThat(refusals).isPositive();
    assertThat(waits).isPositive();
  }

  @Test
  void requestsThatDoNotLeaseAreChargedPlainlyAndLeaveALiveLeaseAlone() {
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    for (int call = 1; call <= 4; call++) {
      assertThat(take(store, c)).isZero();
    }
    assertThat(ahead(store, c)).isEqualTo(7 * MS); // a lease of 4 with 3 credits left
    assertThat(store.decide(KEY, 1, c).permitted()).isTrue();
    assertThat(ahead(store, c)).isEqualTo(8 * MS);
    assertThat(store.acquire(KEY, 2, 0, c)).isZero();
    assertThat(ahead(store, c)).isEqualTo(10 * MS);
    assertThat(store.acquire(KEY, 1, MS, c)).isZero();
    assertThat(ahead(store, c)).isEqualTo(11 * MS);
    for (int credit = 0; credit < 3; credit++) {
      assertThat(take(store, c)).isZero();
      assertThat(ahead(store, c)).as("credit %d", credit).isEqualTo(11 * MS);
    }
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("used up in time: a lease of 8").isEqualTo(19 * MS);
  }

  // ---------------------------------------------------------------------------------------------
  // 8. Any arrivals from up to three threads stay within the bound.

  /**
   * One call of {@code acquire(key, 1, 0)} by simulated thread {@code thread}, after a gap of one
   * of four kinds, which {@code roll} picks: none, under a lease ({@code (0, LEASE)}), at least a
   * lease ({@code LEASE} plus up to 3 intervals) or past a stale lease (over {@code LEASE + 10
   * ms}); {@code permille} places it in its range.
   */
  record Call(int roll, int permille, int thread) {

    /**
     * The gap before this call: of none with weight {@code none}, under a lease 30, of a lease or
     * more 8, past a stale lease 1.
     */
    long gap(double none, long interval) {
      double p = roll / 100_000.0 * (none + 39);
      if (p < none) {
        return 0;
      } else if (p < none + 30) {
        return 1 + permille * (LEASE - 2) / 999;
      } else if (p < none + 38) {
        return LEASE + permille * 3 * interval / 1_000;
      }
      return LEASE + STALE + 1 + permille * 1_000L;
    }
  }

  /** Lists of 100 to 800 calls: some are long enough to use up a capacity several times. */
  @Provide
  Arbitrary<List<Call>> calls() {
    return Combinators.combine(
            uniform(0, 99_999), uniform(0, 999), Arbitraries.integers().between(0, 2))
        .as(Call::new)
        .list()
        .ofMinSize(100)
        .ofMaxSize(800)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  /** Uniform and without edge cases: a roll of 99,999 in every list would refill the key. */
  private static Arbitrary<Integer> uniform(int min, int max) {
    return Arbitraries.integers()
        .between(min, max)
        .withDistribution(RandomDistribution.uniform())
        .withoutEdgeCases();
  }

  /** Uniform: too small a capacity for leases with 2 or 4 slots in some tries, not most. */
  @Provide
  Arbitrary<Integer> capacities() {
    return uniform(32, 160);
  }

  @Provide
  Arbitrary<Integer> permille() {
    return uniform(0, 1_000);
  }

  @Provide
  Arbitrary<Integer> slotCounts() {
    return Arbitraries.of(1, 2, 4);
  }

  @Property(tries = 200, seed = "20261130")
  void callsFromAnyThreadsAtAnyGapsStayWithinTheBoundAndNeverBeatPlainGcra(
      @ForAll("calls") List<Call> calls,
      @ForAll("capacities") int capacity,
      @ForAll("permille") int intervalScale,
      @ForAll("permille") int tightness,
      @ForAll("slotCounts") int slots,
      @ForAll @IntRange(min = 1, max = 3) int threads,
      @ForAll long clockStart)
      throws Exception {
    FakeClock time = FakeClock.startingAt(clockStart);
    // An interval from 1 µs to 4 ms, log-uniform: as many below LEASE as above it. The window is
    // at least 1 ms, so the interval at least 1 ms / capacity.
    long intervalNanos = Math.round(US * Math.pow(4_000, intervalScale / 1_000.0));
    long window = Math.max(MS, capacity * intervalNanos);
    RateLimitConfig c = RateLimitConfig.of(capacity, Duration.ofNanos(window));
    long interval = c.emissionIntervalNanos();
    // The weight of no gap, against 39 for the others: from 40 to 4,000, log-uniform, so that with
    // short intervals as with long ones some tries keep the key at its limit.
    double none = 40 * Math.pow(100, tightness / 1_000.0);
    InMemoryRateLimiterStore store = new InMemoryRateLimiterStore(time, slots);
    InMemoryRateLimiterStore twin = new InMemoryRateLimiterStore(time, slots);
    create(store, c);
    create(twin, c);
    store.contend(KEY, c);
    ExecutorService[] pool = new ExecutorService[threads];
    for (int t = 0; t < threads; t++) {
      pool[t] = Executors.newSingleThreadExecutor();
    }
    try {
      List<Long> grants = new ArrayList<>(); // clock times relative to the start
      int plainGrants = 0;
      boolean leasedMore = false;
      boolean refused = false;
      long now = 0;
      for (int i = 0; i < calls.size(); i++) {
        Call call = calls.get(i);
        long gap = call.gap(none, interval);
        time.advanceNanos(gap);
        now += gap;
        long before = ahead(store, c);
        long r = on(pool[call.thread() % threads], () -> take(store, c));
        assertThat(r).as("call %d: a wait of 0 or a refusal", i).isLessThanOrEqualTo(0);
        if (r == 0) {
          grants.add(now);
        } else {
          refused = true;
        }
        leasedMore |= ahead(store, c) - before > interval;
        // The twin is plain GCRA, called by this thread only: never contended. It grants greedily,
        // which grants the most any schedule within the bound can, up to every call.
        if (take(twin, c) == 0) {
          plainGrants++;
        }
        assertThat(grants.size()).as("grants up to call %d", i).isLessThanOrEqualTo(plainGrants);
      }
      assertGrantTimesWithinTheBound(grants, c);
      assertThat(leasedKeys(twin)).isZero();
      Statistics.label("leased, refused").collect(leasedMore, refused);
      Statistics.label("leased, refused")
          .coverage(
              k -> {
                k.check(true, true).percentage(p -> p >= 40);
                k.check(true, false).percentage(p -> p >= 8);
                k.check(false, true).percentage(p -> p >= 10);
              });
    } finally {
      for (ExecutorService e : pool) {
        e.shutdownNow();
      }
    }
  }

  /** Over every interval [a, b] between two grant times: permits * interval <= burst + (b - a). */
  private static void assertGrantTimesWithinTheBound(List<Long> times, RateLimitConfig c) {
    for (int i = 0; i < times.size(); i++) {
      for (int j = i; j < times.size(); j++) {
        long permits = j - i + 1;
        assertThat(permits * c.emissionIntervalNanos())
            .as("permits granted between grants %d and %d", i, j)
            .isLessThanOrEqualTo(c.burstNanos() + times.get(j) - times.get(i));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 9. Real threads racing.

  /** Runs {@code task} on {@code workers} new threads at once; returns their results. */
  private static <T> List<T> race(int workers, Callable<T> task) throws Exception {
    return Race.onNewThreads(workers, task);
  }

  @ParameterizedTest(name = "{0} slots")
  @ValueSource(ints = {1, 2, 8})
  void threadsRacingOnAFixedClockAreGrantedExactlyTheCapacity(int slots) throws Exception {
    // Why exactly, in every interleaving: with the clock fixed, no lease ends and no slot goes
    // stale, so each thread keeps the one slot it found (or none) and hands out every credit it
    // leased before it can be refused; interval >= LEASE, so every charge is a whole number of
    // intervals, a refusal means the TAT is at the burst, and then every permit charged was
    // granted.
    RateLimitConfig c = oneEveryMilli(20_000);
    InMemoryRateLimiterStore store = contended(slots, c);
    List<Integer> granted =
        race(
            4,
            () -> {
              int n = 0;
              int refused = 0;
              while (refused < 3) {
                if (take(store, c) == 0) {
                  n++;
                } else {
                  refused++;
                }
              }
              return n;
            });
    assertThat(granted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20_000);
    assertThat(ahead(store, c)).isEqualTo(c.burstNanos());
    assertThat(leasedKeys(store)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} slots")
  @ValueSource(ints = {1, 2})
  void threadsRacingOnAMovingClockStayWithinTheBoundOverEveryInterval(int slots) throws Exception {
    // One permit every 100 µs, burst 51.2 ms. The clock moves 20 µs per 50 calls (leases grow),
    // and every 200th step 11 ms: the key fills up again and the slots' leases go stale, so a
    // thread without a slot may take one over.
    RateLimitConfig c = RateLimitConfig.of(512, Duration.ofNanos(51_200_000));
    assertThat(c.emissionIntervalNanos()).isEqualTo(100 * US);
    InMemoryRateLimiterStore store = contended(slots, c);
    int workers = 3;
    int perWorker = 20_000;
    int perStep = 50;
    int steps = workers * perWorker / perStep;
    long start = clock.nanoTime();
    AtomicLong requests = new AtomicLong();
    AtomicLong ticks = new AtomicLong();
    AtomicBoolean workersDone = new AtomicBoolean();
    ExecutorService tickerThread = newThread();
    Future<?> ticker =
        tickerThread.submit(
            () -> {
              for (int step = 1; step <= steps; step++) {
                while (requests.get() < (long) step * perStep && !workersDone.get()) {
                  Thread.yield();
                }
                clock.advanceNanos(step % 200 == 0 ? 11 * MS : 20 * US);
                ticks.incrementAndGet();
              }
              ticks.set(Long.MAX_VALUE / 2); // done: workers wait no more
            });
    List<long[][]> results;
    try {
      results =
          race(
              workers,
              () -> {
                // The clock before and after each granted call: the grant read a time between.
                long[][] grants = new long[2][perWorker];
                int n = 0;
                for (int i = 0; i < perWorker; i++) {
                  long r = requests.incrementAndGet();
                  while (ticks.get() + 10 < r / perStep) {
                    Thread.yield();
                  }
                  long before = clock.nanoTime() - start;
                  long result = take(store, c);
                  long after = clock.nanoTime() - start;
                  if (result > 0) {
                    throw new AssertionError("a wait from a non-waiting acquire: " + result);
                  }
                  if (result == 0) {
                    grants[0][n] = before;
                    grants[1][n] = after;
                    n++;
                  }
                }
                return new long[][] {Arrays.copyOf(grants[0], n), Arrays.copyOf(grants[1], n)};
              });
    } finally {
      workersDone.set(true);
      ticker.get(60, TimeUnit.SECONDS);
    }
    long total = results.stream().mapToLong(g -> g[0].length).sum();
    long elapsed = clock.nanoTime() - start;
    assertThat(total).isGreaterThan(c.capacity()); // the clock moved far enough to grant more
    assertThat(total).isLessThan((long) workers * perWorker); // and the key was at its limit
    assertThat(total * c.emissionIntervalNanos()).isLessThanOrEqualTo(c.burstNanos() + elapsed);
    assertGrantSpansWithinTheBound(results, c);
  }

  /**
   * Over every interval [t_i, t_j] of clock times seen, the grants that surely fell in it (read the
   * clock no earlier than t_i before the call and no later than t_j after it) are within the bound.
   */
  private static void assertGrantSpansWithinTheBound(List<long[][]> grants, RateLimitConfig c) {
    long[] times =
        grants.stream()
            .flatMapToLong(g -> LongStream.concat(Arrays.stream(g[0]), Arrays.stream(g[1])))
            .distinct()
            .sorted()
            .toArray();
    int n = times.length;
    // within[i][j]: grants whose time before is at index >= i and time after at index <= j.
    int[][] within = new int[n + 1][n];
    for (long[][] g : grants) {
      for (int k = 0; k < g[0].length; k++) {
        within[Arrays.binarySearch(times, g[0][k])][Arrays.binarySearch(times, g[1][k])]++;
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      for (int j = 0; j < n; j++) {
        within[i][j] += within[i + 1][j] + (j > 0 ? within[i][j - 1] - within[i + 1][j - 1] : 0);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        if ((long) within[i][j] * c.emissionIntervalNanos()
            > c.burstNanos() + times[j] - times[i]) {
          throw new AssertionError(
              within[i][j] + " permits granted in [" + times[i] + ", " + times[j] + "] ns");
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 10. Slot take-over.

  @Test
  void aThreadWithoutASlotIsPlainUntilTheOwnersLeaseIsStaleThenTakesTheSlotOver() throws Exception {
    RateLimitConfig c = oneEveryMilli(1_000);
    InMemoryRateLimiterStore store = contended(1, c);
    ExecutorService a = newThread();
    ExecutorService b = newThread();
    Callable<Long> call = () -> take(store, c);
    // A takes the only slot: a lease of 1, then of 2 (one credit left). A's lease ends at LEASE.
    assertThat(on(a, call)).isZero();
    assertThat(on(a, call)).isZero();
    assertThat(ahead(store, c)).isEqualTo(3 * MS);
    // B finds the slot taken by a fresh lease: plain GCRA, one interval per call (a lease would
    // charge 1, 2, 0, 4).
    for (int i = 1; i <= 4; i++) {
      assertThat(on(b, call)).isZero();
      assertThat(ahead(store, c)).as("B's call %d", i).isEqualTo((3 + i) * MS);
    }
    assertThat(on(a, call)).isZero();
    assertThat(ahead(store, c)).as("A still has its lease: a credit").isEqualTo(7 * MS);

    // Exactly STALE after A's lease ended: not stale yet. The key is full again (TAT 7 ms).
    clock.advanceNanos(LEASE + STALE);
    assertThat(on(b, call)).isZero();
    assertThat(on(b, call)).isZero();
    assertThat(ahead(store, c)).as("B still plain").isEqualTo(2 * MS);

    clock.advanceNanos(1); // now A's lease ended more than STALE ago
    assertThat(on(b, call)).isZero();
    assertThat(ahead(store, c)).as("B's first lease, of 1").isEqualTo(3 * MS - 1);
    assertThat(on(b, call)).isZero();
    assertThat(ahead(store, c)).as("B's lease of 2").isEqualTo(5 * MS - 1);
    assertThat(on(b, call)).isZero();
    assertThat(ahead(store, c)).as("B's credit").isEqualTo(5 * MS - 1);
    // A lost its slot to a fresh lease: plain, one interval per call (with its own lease, ended
    // with no credit left, A would charge 1, then 2, then nothing).
    assertThat(on(a, call)).isZero();
    assertThat(ahead(store, c)).isEqualTo(6 * MS - 1);
    assertThat(on(a, call)).isZero();
    assertThat(ahead(store, c)).isEqualTo(7 * MS - 1);
    assertThat(on(a, call)).isZero();
    assertThat(ahead(store, c)).isEqualTo(8 * MS - 1);
    assertThat(leasedKeys(store)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 3, 128})
  void aSlotCountThatIsNotAPowerOfTwoUpTo64IsRefused(int slots) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new InMemoryRateLimiterStore(clock, slots))
        .withMessage("leaseSlots must be a power of two in [1, 64], was " + slots);
  }

  @Test
  void contendingAKeyTheStoreDoesNotTrackIsAClearError() {
    InMemoryRateLimiterStore store = new InMemoryRateLimiterStore(clock, 2);
    assertThatIllegalStateException()
        .isThrownBy(() -> store.contend("nobody", RateLimitConfig.of(1_000, Duration.ofSeconds(1))))
        .withMessage("key 'nobody' is not tracked");
  }

  @Test
  void aSweepKeepsAKeyWhoseLeaseMayStillHandOutPermitsAndAnEvictedKeyStartsPlain() {
    RateLimitConfig c = oneEveryMilli(1_000).toBuilder().cleanupThreshold(1).maxKeys(100).build();
    InMemoryRateLimiterStore store = contended(1, c);
    for (int call = 1; call <= 4; call++) {
      assertThat(take(store, c)).isZero();
    }
    assertThat(ahead(store, c)).as("a lease of 4: 3 credits").isEqualTo(7 * MS);
    clock.advanceNanos(LEASE - 1);
    assertThat(store.acquire("other", 1, 0, c)).isZero(); // a new key past the threshold: a sweep
    assertThat(sweeps(store)).isEqualTo(1);
    assertThat(store.evictedKeys()).as("the leased key is ahead of the clock").isZero();
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("a credit: nothing charged").isEqualTo(7 * MS - (LEASE - 1));

    clock.advance(Duration.ofMillis(8)); // the lease ended long ago; both keys are idle
    assertThat(store.acquire("third", 1, 0, c)).isZero();
    assertThat(sweeps(store)).isEqualTo(2);
    assertThat(store.evictedKeys()).isEqualTo(2);
    // The key starts over in a fresh cell, without the table of its evicted one.
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).isEqualTo(MS);
    assertThat(take(store, c)).isZero();
    assertThat(ahead(store, c)).as("plain: no lease of 2").isEqualTo(2 * MS);
    assertThat(leasedKeys(store)).as("keys that ever got a table").isEqualTo(1);
  }

  private static long sweeps(InMemoryRateLimiterStore s) {
    return (long) s.describe().get("sweeps");
  }
}
