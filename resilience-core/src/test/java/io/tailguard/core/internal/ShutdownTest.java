package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The two-phase stop of the engines' own threads, and the range of its grace period. */
class ShutdownTest {

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void cleanUp() {
    release.countDown();
    executor.shutdownNow();
  }

  @Test
  void graceIsBetweenZeroAndAnHour() {
    assertThat(Shutdown.checkGrace(Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(Shutdown.checkGrace(Shutdown.MAX_GRACE)).isEqualTo(Duration.ofHours(1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Shutdown.checkGrace(Duration.ofHours(1).plusNanos(1)))
        .withMessageStartingWith("closeGrace must be in [0ms, 1h], was");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Shutdown.checkGrace(Duration.ofNanos(-1)))
        .withMessageStartingWith("closeGrace must be in [0ms, 1h]");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Shutdown.checkGrace(null))
        .withMessage("closeGrace must not be null");
  }

  @Test
  void anIdleExecutorStopsAtOnce() {
    executor.execute(() -> {});
    long start = System.nanoTime();
    assertThat(Shutdown.stop(executor, Duration.ofSeconds(30))).isTrue();
    assertThat(executor.isTerminated()).isTrue();
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(20).toNanos());
  }

  @Test
  void aRunningTaskMayFinishWithinTheGraceWithoutAnInterrupt() throws InterruptedException {
    AtomicBoolean interrupted = startTask(this::awaitRelease);
    // Lets the task end once the executor was told to stop (and refuses new work).
    Thread releaser =
        new Thread(
            () -> {
              await().atMost(Duration.ofSeconds(30)).until(executor::isShutdown);
              release.countDown();
            });
    releaser.start();

    assertThat(Shutdown.stop(executor, Duration.ofSeconds(30))).isTrue();
    assertThat(interrupted).as("interrupted").isFalse();
    releaser.join();
  }

  @Test
  void aTaskStillRunningAfterTheGraceIsInterrupted() throws InterruptedException {
    AtomicBoolean interrupted = startTask(this::awaitRelease);
    assertThat(Shutdown.stop(executor, Duration.ofMillis(10))).isTrue();
    assertThat(interrupted).isTrue();
    assertThat(executor.isTerminated()).isTrue();
  }

  @Test
  void aTaskDeafToInterruptsIsReportedNotWaitedFor() throws InterruptedException {
    AtomicBoolean interrupted = startTask(this::awaitReleaseDeaf);
    assertThat(Shutdown.stop(executor, Duration.ofMillis(10))).isFalse();
    assertThat(executor.isTerminated()).isFalse();
    await().untilTrue(interrupted);
  }

  @Test
  void anInterruptedCallerInterruptsTheTasksAtOnceAndKeepsItsInterrupt()
      throws InterruptedException {
    AtomicBoolean interrupted = startTask(this::awaitReleaseDeaf);

    Thread.currentThread().interrupt();
    long start = System.nanoTime();
    boolean stopped = Shutdown.stop(executor, Duration.ofSeconds(30));
    assertThat(Thread.interrupted()).as("caller's interrupt kept").isTrue();
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(20).toNanos());
    assertThat(stopped).isFalse();
    await().untilTrue(interrupted);
  }

  @Test
  void anInterruptedCallerIsToldWhetherTheExecutorEnded() {
    // An executor that has just ended as the caller's wait is interrupted.
    ExecutorService ended = new InterruptingExecutor(true);
    assertThat(Shutdown.stop(ended, Duration.ofSeconds(1))).isTrue();
    assertThat(Thread.interrupted()).isTrue();

    ExecutorService running = new InterruptingExecutor(false);
    assertThat(Shutdown.stop(running, Duration.ofSeconds(1))).isFalse();
    assertThat(Thread.interrupted()).isTrue();
  }

  /**
   * Runs {@code body} on the executor and waits until it has started; {@code body} notes an
   * interrupt in the flag returned.
   */
  private AtomicBoolean startTask(Consumer<AtomicBoolean> body) throws InterruptedException {
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(
        () -> {
          started.countDown();
          body.accept(interrupted);
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    return interrupted;
  }

  /** Waits for {@link #release}; an interrupt ends the wait (and is noted). */
  private void awaitRelease(AtomicBoolean interrupted) {
    try {
      release.await();
    } catch (InterruptedException e) {
      interrupted.set(true);
    }
  }

  /** Waits for {@link #release}, ignoring interrupts (it notes them). */
  private void awaitReleaseDeaf(AtomicBoolean interrupted) {
    while (true) {
      try {
        release.await();
        return;
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    }
  }

  /** An executor whose awaitTermination is always interrupted. */
  private static final class InterruptingExecutor extends AbstractExecutorService {
    private final boolean terminated;

    InterruptingExecutor(boolean terminated) {
      this.terminated = terminated;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      throw new InterruptedException();
    }

    @Override
    public boolean isTerminated() {
      return terminated;
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return true;
    }

    @Override
    public void execute(Runnable command) {
      throw new UnsupportedOperationException();
    }
  }
}
