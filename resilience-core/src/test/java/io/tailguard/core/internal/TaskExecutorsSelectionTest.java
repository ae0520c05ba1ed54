package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where the engines run user code on their own initiative: virtual threads or a bounded pool. */
class TaskExecutorsSelectionTest {

  private static final boolean JDK_HAS_VIRTUAL_THREADS = Runtime.version().feature() >= 21;

  @Test
  void virtualThreadsAreFoundOnJdk21AndLater() {
    assertThat(TaskExecutors.virtualThreadsAvailable()).isEqualTo(JDK_HAS_VIRTUAL_THREADS);
  }

  @Test
  void theDefaultRunsOnVirtualThreadsWhereAvailableElseOnTheNamedPool() throws Exception {
    ExecutorService executor = TaskExecutors.newDefault("default-test");
    try {
      Thread thread = executor.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      assertThat(thread.isDaemon()).isTrue();
      if (JDK_HAS_VIRTUAL_THREADS) {
        assertThat(Thread.class.getMethod("isVirtual").invoke(thread)).isEqualTo(true);
      } else {
        assertThat(executor).isInstanceOf(ThreadPoolExecutor.class);
        assertThat(thread.getName()).matches("tailguard-default-test-\\d+");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void thePlatformPoolStartsNamedDaemonThreadsOnDemandUpToItsBound() throws Exception {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TaskExecutors.newPlatformPool(null))
        .withMessage("purpose must not be null");
    ThreadPoolExecutor pool = (ThreadPoolExecutor) TaskExecutors.newPlatformPool("pool-test");
    CountDownLatch release = new CountDownLatch(1);
    try {
      assertThat(pool.getPoolSize()).as("no thread before a task").isZero();
      assertThat(pool.getKeepAliveTime(TimeUnit.SECONDS)).isEqualTo(30);
      List<Future<Thread>> busy = new ArrayList<>();
      CountDownLatch allStarted = new CountDownLatch(TaskExecutors.MAX_PLATFORM_THREADS);
      for (int i = 0; i < TaskExecutors.MAX_PLATFORM_THREADS; i++) {
        busy.add(
            pool.submit(
                () -> {
                  allStarted.countDown();
                  release.await();
                  return Thread.currentThread();
                }));
      }
      assertThat(allStarted.await(30, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> pool.execute(() -> {}))
          .as("a task beyond the bound waits in no queue")
          .isInstanceOf(RejectedExecutionException.class);

      release.countDown();
      Thread first = busy.get(0).get(10, TimeUnit.SECONDS);
      assertThat(first.isDaemon()).isTrue();
      assertThat(first.getName()).matches("tailguard-pool-test-\\d+");
      assertThat(busy.get(1).get(10, TimeUnit.SECONDS).getName()).isNotEqualTo(first.getName());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
