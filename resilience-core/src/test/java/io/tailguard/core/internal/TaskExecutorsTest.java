package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The platform pool's stop: when it reports termination, its threads have ended. */
class TaskExecutorsTest {

  @Test
  void platformPoolThreadsHaveEndedWhenStopReturns() throws Exception {
    ExecutorService pool = TaskExecutors.newPlatformPool("test-join");
    List<Thread> workers = new CopyOnWriteArrayList<>();
    int tasks = 8;
    CountDownLatch started = new CountDownLatch(tasks);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < tasks; i++) {
      pool.execute(
          () -> {
            workers.add(Thread.currentThread());
            started.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown();

    assertThat(Shutdown.stop(pool, Duration.ofSeconds(10))).isTrue();

    assertThat(workers).hasSize(tasks).noneMatch(Thread::isAlive);
    assertThat(workers)
        .allSatisfy(t -> assertThat(t.getName()).startsWith("tailguard-test-join-"))
        .allMatch(Thread::isDaemon);
  }

  @Test
  void awaitTerminationStillTimesOutWhileATaskRuns() throws Exception {
    ExecutorService pool = TaskExecutors.newPlatformPool("test-busy");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    pool.execute(
        () -> {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();
    try {
      assertThat(pool.awaitTermination(1, TimeUnit.MILLISECONDS)).isFalse();
    } finally {
      release.countDown();
    }
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.isTerminated()).isTrue();
  }
}
