package io.tailguard.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DefaultSchedulerTest {

  @Test
  void noThreadOutlivesClose() throws InterruptedException {
    // awaitTermination() alone returns a moment before the worker thread ends; close() must join
    // it. Repeated, because the window is small.
    for (int i = 0; i < 50; i++) {
      DefaultScheduler scheduler = new DefaultScheduler("closetest", Duration.ofSeconds(5));
      CountDownLatch ran = new CountDownLatch(1);
      List<Thread> worker = new ArrayList<>();
      scheduler.schedule(
          () -> {
            synchronized (worker) {
              worker.add(Thread.currentThread());
            }
            ran.countDown();
          },
          Duration.ZERO);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      scheduler.close();
      assertThat(scheduler.isTerminated()).isTrue();
      synchronized (worker) {
        assertThat(worker.get(0).isAlive()).as("worker of %s", scheduler).isFalse();
      }
    }
  }
}
