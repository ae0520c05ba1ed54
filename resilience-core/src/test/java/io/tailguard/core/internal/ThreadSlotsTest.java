package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Slot ownership by thread id: probing, claiming, taking over, and the sizes. */
class ThreadSlotsTest {

  /** Thread ids whose probes all start at slot 0 of a table of {@code count} slots. */
  private static long[] idsHomeAtZero(int count, int n) {
    long[] ids = new long[n];
    int found = 0;
    for (long id = 1; found < n; id++) {
      if ((ThreadSlots.home(id) & (count - 1)) == 0) {
        ids[found++] = id;
      }
    }
    return ids;
  }

  @Test
  void aThreadFindsTheSlotItClaimedAndOthersProbeOnUntilAllTheirProbesAreTaken() {
    ThreadSlots slots = new ThreadSlots(8);
    long[] ids = idsHomeAtZero(8, ThreadSlots.PROBES + 1);
    for (int k = 0; k < ThreadSlots.PROBES; k++) {
      int home = ThreadSlots.home(ids[k]);
      assertThat(slots.find(home, ids[k])).isEqualTo(-1);
      assertThat(slots.claim(home, ids[k], 0)).isEqualTo(k);
      assertThat(slots.find(home, ids[k])).isEqualTo(k);
    }
    long last = ids[ThreadSlots.PROBES];
    assertThat(slots.claim(ThreadSlots.home(last), last, 0))
        .as("every slot it probes is owned, and none may be taken over")
        .isEqualTo(-1);
    assertThat(slots.find(ThreadSlots.home(last), last)).isEqualTo(-1);
  }

  @Test
  void aSubclassDecidesWhichOwnedSlotsMayBeTakenOver() {
    ThreadSlots slots =
        new ThreadSlots(1) {
          @Override
          protected boolean reclaimable(int i, long now) {
            return now > 100;
          }
        };
    assertThat(slots.claim(ThreadSlots.home(7), 7, 0)).isZero();
    assertThat(slots.claim(ThreadSlots.home(8), 8, 100)).isEqualTo(-1);
    assertThat(slots.claim(ThreadSlots.home(8), 8, 101)).isZero();
    assertThat(slots.find(ThreadSlots.home(8), 8)).isZero();
    assertThat(slots.find(ThreadSlots.home(7), 7)).as("7 lost its slot").isEqualTo(-1);
  }

  @Test
  void slotCountsAreTwiceThePowerOfTwoAtOrAboveTheCpuCount() {
    assertThat(ThreadSlots.forCpus(1)).isEqualTo(2);
    assertThat(ThreadSlots.forCpus(2)).isEqualTo(4);
    assertThat(ThreadSlots.forCpus(3)).isEqualTo(8);
    assertThat(ThreadSlots.forCpus(8)).isEqualTo(16);
    assertThat(ThreadSlots.forCpus(9)).isEqualTo(32);
    assertThat(new ThreadSlots(16).count()).isEqualTo(16);
  }

  @Test
  void findLooksOnlyAtTheProbesFromTheHomeItIsGiven() {
    ThreadSlots slots = new ThreadSlots(16);
    assertThat(slots.claim(ThreadSlots.PROBES, 99, 0)).isEqualTo(ThreadSlots.PROBES);
    assertThat(slots.find(ThreadSlots.PROBES, 99)).isEqualTo(ThreadSlots.PROBES);
    assertThat(slots.find(1, 99)).isEqualTo(ThreadSlots.PROBES);
    assertThat(slots.find(0, 99)).as("one slot past its last probe").isEqualTo(-1);
    // Probes wrap around the end of the table.
    assertThat(slots.claim(15, 98, 0)).isEqualTo(15);
    assertThat(slots.claim(15, 97, 0)).isZero();
    assertThat(slots.find(15, 97)).isZero();
  }

  @Test
  void homesSpreadConsecutiveThreadIds() {
    // Thread ids are mostly consecutive; their homes must not pile up, or threads would fall back
    // to shared state while slots stand free.
    int count = 64;
    java.util.Set<Integer> homes = new java.util.HashSet<>();
    for (long id = 1; id <= count; id++) {
      homes.add(ThreadSlots.home(id) & (count - 1));
    }
    assertThat(homes).hasSizeGreaterThan(count / 2);
  }

  @Test
  void theLargestTableHas1024Slots() {
    assertThat(new ThreadSlots(1024).count()).isEqualTo(1024);
    assertThat(new ThreadSlots(1).count()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -4, 6, 2048})
  void aCountThatIsNotAPowerOfTwoInRangeIsRefused(int count) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ThreadSlots(count))
        .withMessage("slotCount must be a power of two in [1, 1024], was " + count);
  }
}
