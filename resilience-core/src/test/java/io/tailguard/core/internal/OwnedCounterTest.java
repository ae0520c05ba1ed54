package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tailguard.core.testing.Race;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Owned slots and the shared adder together lose no update, however many threads add. */
class OwnedCounterTest {

  @Test
  void countsOneThreadsAddsExactly() {
    OwnedCounter c = new OwnedCounter();
    for (int i = 0; i < 1_000; i++) {
      c.increment();
    }
    c.decrement();
    c.add(-99);
    c.add(10);
    assertThat(c.sum()).isEqualTo(910);
    assertThat(c).hasToString("910");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 64})
  void manyMoreThreadsThanSlotsLoseNoUpdate(int slots) throws Exception {
    OwnedCounter c = new OwnedCounter(slots);
    int threads = 8;
    int adds = 50_000;
    Race.onNewThreads(
        threads,
        () -> {
          for (int i = 0; i < adds; i++) {
            c.increment();
          }
          c.add(-5);
          return null;
        });
    assertThat(c.sum()).isEqualTo((long) threads * (adds - 5));
  }

  @Test
  void aReaderNeverSeesTheTotalGoBackWhileThreadsOnlyAdd() throws Exception {
    OwnedCounter c = new OwnedCounter(2);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200_000; i++) {
                    c.increment();
                  }
                }));
      }
      long last = 0;
      while (!writers.stream().allMatch(Future::isDone)) {
        long now = c.sum();
        assertThat(now).isGreaterThanOrEqualTo(last);
        last = now;
      }
      for (Future<?> f : writers) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(c.sum()).isEqualTo(600_000);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 3, 2048})
  void aSlotCountThatIsNotAPowerOfTwoInRangeIsRefused(int slots) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new OwnedCounter(slots))
        .withMessage("slotCount must be a power of two in [1, 1024], was " + slots);
  }
}
