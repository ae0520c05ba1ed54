package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The two-phase shutdown of an executor of hedge attempts. */
class HedgeExecutorsTest {

  @Test
  void anIdleExecutorStopsInTheFirstPhase() {
    ExecutorService executor = HedgeExecutors.newPlatformPool();
    executor.execute(() -> {});

    assertThat(HedgeExecutors.shutdown(executor, Duration.ofSeconds(5))).isTrue();
    assertThat(executor.isTerminated()).isTrue();
  }

  @Test
  void anAttemptStillRunningAfterTheGraceIsInterrupted() throws Exception {
    ExecutorService executor = HedgeExecutors.newPlatformPool();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    executor.execute(
        () -> {
          started.countDown();
          try {
            new CountDownLatch(1).await(); // never counted down: only an interrupt ends it
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
        });
    started.await();

    // the first phase waits out the second, then the interrupt ends the attempt within the next
    assertThat(HedgeExecutors.shutdown(executor, Duration.ofSeconds(1))).isTrue();
    assertThat(interrupted).isTrue();
  }

  @Test
  void aGraceOutsideZeroToOneHourIsRefused() {
    ExecutorService executor = HedgeExecutors.newPlatformPool();
    try {
      assertThatThrownBy(() -> HedgeExecutors.shutdown(executor, Duration.ofHours(2)))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("grace must be in")
          .hasMessageContaining("was 2h");
      assertThatThrownBy(() -> HedgeExecutors.shutdown(executor, Duration.ofSeconds(-1)))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("grace must be in");
      assertThatThrownBy(() -> HedgeExecutors.shutdown(null, Duration.ZERO))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("executor");
    } finally {
      executor.shutdownNow();
    }
  }
}
