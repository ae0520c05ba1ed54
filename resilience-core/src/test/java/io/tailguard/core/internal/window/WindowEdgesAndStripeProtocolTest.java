package io.tailguard.core.internal.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The edges of a window's buckets (a negative origin, records from before the origin, a ring reused
 * by a newer window), the completed-bucket feed across stripes, and the stripes' sequence protocol:
 * how a write moves a stripe's sequence, that reads leave it alone, how a held stripe makes the
 * table grow, and that a reader finishes while its stripe is rewritten without pause.
 *
 * <p>A test stands in for another recorder by holding a stripe through its sequence, as a recorder
 * does: odd while held.
 */
class WindowEdgesAndStripeProtocolTest {

  private static final long ORIGIN = 7_000_000_000L;
  private static final long WIDTH = 100;
  private static final VarHandle SEQ;

  static {
    try {
      SEQ =
          MethodHandles.lookup().findVarHandle(OutcomeCells.StripeFields.class, "seq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final List<String> completed = new ArrayList<>();

  private static long at(long epoch) {
    return ORIGIN + epoch * WIDTH;
  }

  private RollingWindow reporting(int size, OutcomeCells cells) {
    return new RollingWindow(
        ORIGIN, WIDTH, size, 0, (calls, failures) -> completed.add(calls + "/" + failures), cells);
  }

  private static final class TestClaim extends OutcomeCells.Claim {}

  // -------------------------------------------------------------------------------------------
  // The window's shape and statistics

  @Test
  void aWindowOfTheLargestSizeIsAccepted() {
    assertThat(new RollingWindow(0, 1, RollingWindow.MAX_SIZE, 0, null).size())
        .isEqualTo(RollingWindow.MAX_SIZE);
  }

  @Test
  void theRunOfConsecutiveFailuresCanBeRead() {
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 3, 0, null);
    w.incrementConsecutiveFailures();
    w.incrementConsecutiveFailures();
    assertThat(w.consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void twoCallsHaveTheirPopulationStdDev() {
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 3, 0, null);
    w.record(at(0), 1_000_000, false, false);
    w.record(at(0), 3_000_000, false, false);
    WindowSnapshot s = w.snapshot(at(0), 1.0);
    assertThat(s.meanLatencyNanos()).isEqualTo(2_000_000.0);
    assertThat(s.latencyStdDevNanos()).isCloseTo(1_000_000.0, within(1.0));
  }

  // -------------------------------------------------------------------------------------------
  // Which bucket a record lands in

  @Test
  void aNegativeOriginWorksLikeAnyOther() {
    // nanoTime() may be negative; bucket starts are then negative too.
    RollingWindow w = new RollingWindow(-1000, WIDTH, 4, 0, null);
    w.record(-990, 1, true, false); // epoch 0
    w.record(1050, 1, false, false); // epoch 20: epoch 0 left the window long ago
    WindowSnapshot s = w.snapshot(1050, 1.0);
    assertThat(s.calls()).isEqualTo(1);
    assertThat(s.failures()).isZero();
    w.record(1060, 1, false, false);
    assertThat(w.snapshot(1060, 1.0).calls()).isEqualTo(2);
  }

  @Test
  void aRecordEndingBeforeTheOriginCountsInTheFirstBucket() {
    // A call whose end was read just before a new window was created.
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 4, 0, null);
    w.record(at(0) + 10, 1, false, false);
    w.record(ORIGIN - 50, 1, true, false);
    WindowSnapshot s = w.snapshot(at(0), 1.0);
    assertThat(s.calls()).isEqualTo(2);
    assertThat(s.failures()).isEqualTo(1);
  }

  @Test
  void aRecordFromBeforeTheOriginIsDroppedOnceTheFirstBucketHasLeft() {
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 2, 0, null);
    w.record(at(2), 1, false, false);
    w.record(ORIGIN - 150, 1, true, false); // bucket 0, which left the window at epoch 2
    WindowSnapshot s = w.snapshot(at(2), 1.0);
    assertThat(s.calls()).isEqualTo(1);
    assertThat(s.failures()).isZero();
  }

  @Test
  void aWindowTakingOverARingOfItsSizeStartsFromEmptyBuckets() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow first = new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    first.record(at(0), 1, true, false);
    first.record(at(1), 1, true, false);
    first.record(at(2), 1, true, false);
    RollingWindow second = new RollingWindow(ORIGIN, WIDTH, 4, 1, null, cells);
    second.record(at(2), 1, false, false);
    WindowSnapshot s = second.snapshot(at(2), 1.0);
    assertThat(s.calls()).isEqualTo(1);
    assertThat(s.failures()).isZero();
  }

  @Test
  void theStripeLimitIsOneForAWindowTooLargeForTheRingBudget() {
    assertThat(OutcomeCells.maxCells(2_000)).isEqualTo(1); // 96 KB per ring
    assertThat(OutcomeCells.maxCells(RollingWindow.MAX_SIZE)).isEqualTo(1);
  }

  // -------------------------------------------------------------------------------------------
  // The completed-bucket feed

  @Test
  void bucketsAreReportedRightAfterTheRingHasWrapped() {
    RollingWindow w = reporting(2, new OutcomeCells());
    for (int epoch = 0; epoch < 5; epoch++) {
      for (int i = 0; i <= epoch; i++) {
        w.record(at(epoch), 1, i == 0, false);
      }
    }
    assertThat(completed).containsExactly("1/1", "2/1", "3/1", "4/1");
  }

  @Test
  void claimedRecordsReportBucketsToo() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = reporting(4, cells);
    OutcomeCells.Stripe stripe = cells.stripe();
    assertThat(cells.recordOnce(stripe, new TestClaim(), w, at(0), 1, true, false)).isTrue();
    assertThat(cells.recordOnce(stripe, new TestClaim(), w, at(1), 1, false, false)).isTrue();
    assertThat(completed).containsExactly("1/1");
  }

  @Test
  void aBucketStartedOnTwoStripesIsReportedOnce() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = reporting(4, cells);
    cells.collided(cells.stripes());
    OutcomeCells.Stripe[] stripes = cells.stripes();
    assertThat(stripes).hasSizeGreaterThanOrEqualTo(2);

    cells.recordOnce(stripes[0], new TestClaim(), w, at(0), 1, true, false);
    cells.recordOnce(stripes[1], new TestClaim(), w, at(0), 1, false, false);
    cells.recordOnce(stripes[0], new TestClaim(), w, at(1), 1, false, false);
    assertThat(completed).containsExactly("2/1"); // bucket 0, summed over both stripes
    cells.recordOnce(stripes[1], new TestClaim(), w, at(1), 1, false, false);
    assertThat(completed).as("bucket 1 is not complete yet").containsExactly("2/1");
    cells.recordOnce(stripes[1], new TestClaim(), w, at(2), 1, false, false);
    assertThat(completed).containsExactly("2/1", "2/0");
  }

  @Test
  void aWindowTakingOverTheRingOfALargerWindowReportsItsOwnBuckets() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow larger = new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    larger.record(at(0), 1, false, false);
    RollingWindow w = reporting(2, cells);
    for (int epoch = 0; epoch < 4; epoch++) {
      w.record(at(epoch), 1, true, false);
      w.record(at(epoch), 1, false, false);
    }
    assertThat(completed).containsExactly("2/1", "2/1", "2/1");
    assertThat(w.snapshot(at(3), 1.0).calls()).isEqualTo(4);
  }

  // -------------------------------------------------------------------------------------------
  // The stripes' sequence protocol

  @Test
  void everyWriteMovesItsStripesSequenceForwardByTwo() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    OutcomeCells.Stripe stripe = cells.stripe();
    assertThat(stripe.seq).isZero();

    cells.record(null, at(0), 1, false, false);
    assertThat(stripe.seq).isEqualTo(2);
    w.record(at(0), 1, false, false);
    assertThat(stripe.seq).isEqualTo(4);
    assertThat(cells.recordOnce(stripe, new TestClaim(), w, at(0), 1, false, false)).isTrue();
    assertThat(stripe.seq).isEqualTo(6);
    assertThat(cells.claim(stripe, new TestClaim())).isTrue();
    assertThat(stripe.seq).isEqualTo(8);
    TestClaim done = new TestClaim();
    cells.claim(stripe, done);
    assertThat(cells.recordOnce(stripe, done, w, at(0), 1, false, false)).isFalse();
    assertThat(stripe.seq).as("a refused report still takes and frees the stripe").isEqualTo(12);
  }

  @Test
  void readsLeaveTheSequenceAlone() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = reporting(4, cells);
    w.record(at(0), 2_000_000, true, true);
    w.record(at(1), 2_000_000, false, false);
    OutcomeCells.Stripe stripe = cells.stripe();
    long seq = stripe.seq;

    assertThat(w.snapshot(at(1), 1.0).calls()).isEqualTo(2);
    assertThat(cells.totals()).containsExactly(1, 1, 0);
    assertThat(cells.bucket(w, 1)).containsExactly(1, 0);
    assertThat(cells.failedCalls()).isEqualTo(1);

    assertThat(stripe.seq).isEqualTo(seq);
  }

  @Test
  void aRecorderMeetingAHeldStripeGrowsTheTableAndWaits() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    OutcomeCells.Stripe held = cells.stripe();
    assertThat(OutcomeCells.maxCells(4)).as("room to grow").isGreaterThan(1);
    SEQ.setVolatile(held, 1L); // another recorder holds it

    AtomicBoolean recorded = new AtomicBoolean();
    Thread recorder =
        new Thread(
            () -> {
              w.record(at(0), 1, false, false);
              recorded.set(true);
            });
    recorder.start();
    // Its own table, of one stripe, offers nothing else: it grows the table for the threads
    // after it, and waits for the stripe.
    await().atMost(Duration.ofSeconds(30)).until(() -> cells.stripes().length == 2);
    assertThat(recorded).isFalse();
    SEQ.setVolatile(held, 2L);
    recorder.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(recorded).isTrue();
    assertThat(cells.totals()).containsExactly(1, 0, 0);
    assertThat(w.snapshot(at(0), 1.0).calls()).isEqualTo(1);
  }

  @Test
  void aRecorderWhoseStripeIsHeldMovesToAnother() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    cells.collided(cells.stripes());
    OutcomeCells.Stripe mine = cells.stripe();
    SEQ.setVolatile(mine, 1L);
    try {
      w.record(at(0), 1, false, false); // on this thread: it must not wait
    } finally {
      SEQ.setVolatile(mine, 2L);
    }
    assertThat(cells.totals()).containsExactly(1, 0, 0);
    assertThat(w.snapshot(at(0), 1.0).calls()).isEqualTo(1);
  }

  @Test
  void aClaimWaitsForItsHeldStripeAndGrowsTheTableOnce() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    OutcomeCells.Stripe held = cells.stripe();
    SEQ.setVolatile(held, 1L);

    AtomicReference<Boolean> result = new AtomicReference<>();
    Thread reporter =
        new Thread(
            () -> result.set(cells.recordOnce(held, new TestClaim(), w, at(0), 1, true, false)));
    reporter.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> cells.stripes().length > 1);
    assertThat(result.get()).isNull();
    SEQ.setVolatile(held, 2L);
    reporter.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(result.get()).isTrue();
    assertThat(cells.stripes()).as("one wait, one doubling").hasSize(2);
    assertThat(cells.totals()).containsExactly(0, 1, 0);
  }

  @Test
  void threadsAreSpreadOverTheStripes() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    growToTheLimit(cells, 4);
    Set<OutcomeCells.Stripe> used = new HashSet<>();
    for (int t = 0; t < 32; t++) {
      Thread thread =
          new Thread(
              () -> {
                synchronized (used) {
                  used.add(cells.stripe());
                }
              });
      thread.start();
      thread.join();
    }
    // 32 threads on one stripe would have a chance of 2^-62 with a working hash.
    assertThat(used).hasSizeGreaterThan(1);
  }

  @Test
  void aFullTableReDealsThreadsAfterManyCollisionsNotAfterOne() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    new RollingWindow(ORIGIN, WIDTH, 4, 0, null, cells);
    growToTheLimit(cells, 4);
    int threads = 32;
    OutcomeCells.Stripe[][] seen = new OutcomeCells.Stripe[threads][3];
    CyclicBarrier barrier = new CyclicBarrier(threads + 1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int phase = 0; phase < 3; phase++) {
                    seen[me][phase] = cells.stripe();
                    barrier.await(30, TimeUnit.SECONDS);
                    barrier.await(30, TimeUnit.SECONDS);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      thread.start();
      started.add(thread);
    }
    OutcomeCells.Stripe[] full = cells.stripes();
    barrier.await(30, TimeUnit.SECONDS); // phase 0 read
    for (int i = 0; i < 63; i++) {
      cells.collided(full);
    }
    barrier.await(30, TimeUnit.SECONDS);
    barrier.await(30, TimeUnit.SECONDS); // phase 1 read
    cells.collided(full); // the 64th
    barrier.await(30, TimeUnit.SECONDS);
    barrier.await(30, TimeUnit.SECONDS); // phase 2 read
    barrier.await(30, TimeUnit.SECONDS);
    for (Thread t : started) {
      t.join();
    }

    int movedAfter63 = 0;
    int movedAfter64 = 0;
    for (OutcomeCells.Stripe[] s : seen) {
      movedAfter63 += s[1] == s[0] ? 0 : 1;
      movedAfter64 += s[2] == s[1] ? 0 : 1;
    }
    assertThat(cells.stripes()).isSameAs(full);
    assertThat(movedAfter63).isZero();
    // A new salt keeps all 32 threads where they were with a chance of 2^-64 (4 stripes).
    assertThat(movedAfter64).isPositive();
  }

  @Test
  void aReaderFinishesWhileItsStripeIsRewrittenWithoutPause() throws Exception {
    // A window too large for more than one stripe, so every record and read meets on it. A writer
    // takes and frees the stripe without pause, as a stream of recorders would: a reader's
    // optimistic reads keep failing, and it must fall back to taking the stripe itself.
    OutcomeCells cells = new OutcomeCells();
    RollingWindow w = reporting(10_000, cells);
    for (int epoch = 0; epoch < 3; epoch++) {
      w.record(at(epoch), 2_000_000, epoch == 0, false);
      w.record(at(epoch), 2_000_000, false, true);
    }
    assertThat(cells.stripes()).hasSize(1);
    OutcomeCells.Stripe stripe = cells.stripe();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong readerHeldIt = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              while (!stop.get()) {
                long s = (long) SEQ.getVolatile(stripe);
                if ((s & 1) != 0) {
                  readerHeldIt.incrementAndGet(); // only a reader takes it besides this writer
                  Thread.onSpinWait();
                } else if (SEQ.compareAndSet(stripe, s, s + 1)) {
                  SEQ.setRelease(stripe, s + 2);
                }
              }
            });
    writer.start();
    try {
      int reads = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (readerHeldIt.get() == 0 || reads < 50) {
        assertThat(System.nanoTime() - deadline).as("reader starved").isNegative();
        WindowSnapshot s = w.snapshot(at(2), 1.0);
        assertThat(s.calls()).isEqualTo(6);
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.slowCalls()).isEqualTo(3);
        assertThat(s.meanLatencyNanos()).isEqualTo(2_000_000.0);
        assertThat(s.latencyStdDevNanos()).isZero();
        assertThat(cells.totals()).containsExactly(2, 1, 3);
        assertThat(cells.bucket(w, 1)).containsExactly(2, 0);
        reads++;
      }
    } finally {
      stop.set(true);
      writer.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(writer.isAlive()).isFalse();
    long seq = (long) SEQ.getVolatile(stripe);
    assertThat(seq & 1).as("the stripe is free again").isZero();
  }

  /** Collides until the table has {@code stripes} stripes or its limit. */
  private static void growToTheLimit(OutcomeCells cells, int windowSize) {
    int limit = OutcomeCells.maxCells(windowSize);
    while (cells.stripes().length < limit) {
      cells.collided(cells.stripes());
    }
    assertThat(cells.stripes()).hasSize(limit);
  }
}
