package io.tailguard.core.internal.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.testing.Race;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The striped outcome cells: lifetime totals by kind, claims that record once, windows that take
 * the cells over from the windows before them, growth under contention and readers that see whole
 * records while recorders run.
 */
class OutcomeCellsTest {

  private static final long BUCKET = 100;

  private static final class TestClaim extends OutcomeCells.Claim {
    boolean done() {
      return isClaimed();
    }
  }

  @Test
  void totalsCountEachKindOnce() {
    OutcomeCells cells = new OutcomeCells();

    cells.record(null, 1, 1, false, false);
    cells.record(null, 1, 1, false, true);
    cells.record(null, 1, 1, true, true); // a slow failure is a failure
    cells.record(null, 1, 1, true, false);

    assertThat(cells.totals()).containsExactly(1, 2, 1);
    assertThat(cells.successfulCalls()).isEqualTo(1);
    assertThat(cells.failedCalls()).isEqualTo(2);
    assertThat(cells.slowCalls()).isEqualTo(1);
  }

  @Test
  void aClaimRecordsOnceAndThenRefusesEveryOtherReport() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow window = new RollingWindow(0, BUCKET, 4, 0, null, cells);
    TestClaim claim = new TestClaim();
    OutcomeCells.Stripe stripe = cells.stripe();

    assertThat(claim.done()).isFalse();
    assertThat(cells.recordOnce(stripe, claim, window, 10, 5, false, false)).isTrue();
    assertThat(claim.done()).isTrue();
    assertThat(cells.recordOnce(stripe, claim, window, 10, 5, true, false)).isFalse();
    assertThat(cells.claim(stripe, claim)).isFalse();

    assertThat(cells.totals()).containsExactly(1, 0, 0);
    assertThat(window.snapshot(10, 1.0).calls()).isEqualTo(1);
  }

  @Test
  void aClaimWithoutARecordCountsNothing() {
    OutcomeCells cells = new OutcomeCells();
    TestClaim claim = new TestClaim();
    OutcomeCells.Stripe stripe = cells.stripe();

    assertThat(cells.claim(stripe, claim)).isTrue();
    assertThat(cells.recordOnce(stripe, claim, null, 1, 1, false, false)).isFalse();

    assertThat(cells.totals()).containsExactly(0, 0, 0);
  }

  @Test
  void aNewerWindowTakesTheCellsOverAndAnOlderOneCountsOnlyInTheTotals() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow first = new RollingWindow(0, BUCKET, 4, 0, null, cells);
    RollingWindow second = new RollingWindow(0, BUCKET, 2, 1, null, cells);

    first.record(10, 1, true, false);
    assertThat(first.snapshot(10, 1.0).calls()).isEqualTo(1);
    assertThat(second.snapshot(10, 1.0).calls()).isZero();

    second.record(20, 1, false, false);
    first.record(30, 1, true, false); // late: its window has been replaced

    assertThat(second.snapshot(30, 1.0).calls()).isEqualTo(1);
    assertThat(second.snapshot(30, 1.0).failures()).isZero();
    assertThat(first.snapshot(30, 1.0).calls()).isZero(); // a replaced window keeps nothing
    assertThat(cells.totals()).containsExactly(1, 2, 0);
  }

  @Test
  void theStripeLimitIsTwiceThePowerOfTwoAtOrAboveTheProcessorsWithinTheRingBudget() {
    int n = Runtime.getRuntime().availableProcessors();
    int pow2 = 1;
    while (pow2 < n) {
      pow2 <<= 1;
    }

    assertThat(OutcomeCells.maxCells(10)).isEqualTo(Math.min(2 * pow2, 128)); // 480 B per ring
    assertThat(OutcomeCells.maxCells(1000)).isEqualTo(1); // 48 KB per ring
    assertThat(OutcomeCells.maxCells(100)).isEqualTo(Math.min(2 * pow2, 8)); // 4.8 KB per ring
  }

  @Test
  void theNewestWindowsRingSizeBoundsStripesAddedForRecordsWithoutAWindow() {
    OutcomeCells cells = new OutcomeCells();
    new RollingWindow(0, 1, 1000, 0, null, cells);

    cells.record(null, 1, 1, false, false);
    cells.collided(cells.stripes());

    assertThat(cells.stripes()).hasSize(1);
  }

  @Test
  void aWindowOfMoreThanAMillionBucketsIsRefused() {
    assertThatThrownBy(() -> new RollingWindow(0, 1, 1_000_001, 0, null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be at most 1000000, was 1000001");
  }

  @Test
  void aWindowNeedsCells() {
    assertThatThrownBy(() -> new RollingWindow(0, BUCKET, 4, 0, null, null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("cells must not be null");
  }

  @Test
  void aCollisionDoublesTheTableUpToTwiceTheProcessorsAndKeepsEveryStripe() {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow window = new RollingWindow(0, BUCKET, 10, 0, null, cells);
    window.record(10, 1, false, false);
    OutcomeCells.Stripe first = cells.stripes()[0];
    int max = OutcomeCells.maxCells(10);

    for (int i = 0; i < 40; i++) {
      cells.collided(cells.stripes());
    }

    assertThat(cells.stripes()).hasSize(max).contains(first);
    assertThat(window.snapshot(10, 1.0).calls()).isEqualTo(1);
  }

  @Test
  void aFineGrainedWindowStaysOnOneStripeToBoundItsMemory() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow window = new RollingWindow(0, 1, 1000, 0, null, cells); // 48 KB per ring

    cells.collided(cells.stripes());
    hammer(4, 20_000, () -> window.record(5, 1, false, false));

    assertThat(cells.stripes()).hasSize(1);
    assertThat(window.snapshot(5, 1.0).calls()).isEqualTo(80_000);
  }

  @Test
  void concurrentRecordersLoseNothingWhileTheTableGrows() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow window = new RollingWindow(0, BUCKET, 4, 0, null, cells);

    hammer(4, 50_000, () -> window.record(10, 3, false, false));

    WindowSnapshot s = window.snapshot(10, 1.0);
    assertThat(s.calls()).isEqualTo(200_000);
    assertThat(s.meanLatencyNanos()).isEqualTo(3.0);
    assertThat(cells.totals()).containsExactly(200_000, 0, 0);
  }

  @Test
  void concurrentClaimsOfDistinctCallsAreAllRecorded() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow window = new RollingWindow(0, BUCKET, 4, 0, null, cells);

    hammer(
        4,
        50_000,
        () -> cells.recordOnce(cells.stripe(), new TestClaim(), window, 10, 1, true, false));

    assertThat(cells.totals()).containsExactly(0, 200_000, 0);
    assertThat(window.snapshot(10, 1.0).failures()).isEqualTo(200_000);
  }

  @Test
  void aReaderSeesOnlyWholeRecordsAndTotalsThatNeverGoBack() throws Exception {
    OutcomeCells cells = new OutcomeCells();
    RollingWindow window = new RollingWindow(0, BUCKET, 4, 0, null, cells);
    AtomicBoolean stop = new AtomicBoolean();
    List<String> problems = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              long last = 0;
              while (!stop.get()) {
                WindowSnapshot s = window.snapshot(10, 1.0);
                // every record is a failure of 4 ns that is slow: a torn read breaks one of these
                if (s.calls() != s.failures()
                    || s.calls() != s.slowCalls()
                    || (s.calls() > 0 && s.meanLatencyNanos() != 4.0)) {
                  problems.add("torn snapshot " + s);
                  return;
                }
                long total = cells.failedCalls();
                if (total < last) {
                  problems.add("total went back from " + last + " to " + total);
                  return;
                }
                last = total;
              }
            });
    reader.start();
    try {
      hammer(2, 100_000, () -> window.record(10, 4, true, true));
    } finally {
      stop.set(true);
      reader.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(reader.isAlive()).isFalse();
    assertThat(problems).isEmpty();
    assertThat(window.snapshot(10, 1.0).calls()).isEqualTo(200_000);
  }

  /** Runs {@code action} {@code times} times on each of {@code threads} threads started at once. */
  private static void hammer(int threads, int times, Runnable action) throws Exception {
    Race.onNewThreads(
        threads,
        () -> {
          for (int i = 0; i < times; i++) {
            action.run();
          }
          return null;
        });
  }
}
