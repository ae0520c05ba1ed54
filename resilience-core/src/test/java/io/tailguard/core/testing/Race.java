package io.tailguard.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Starts the same task on several threads at once, for tests that race threads on shared state. */
public final class Race {

  private Race() {}

  /**
   * Runs {@code task} on {@code workers} threads of {@code pool}, released together by a barrier,
   * and returns their results in submission order.
   *
   * @param pool an executor with at least {@code workers} threads
   * @param workers how many copies of the task to run
   * @param task the task
   * @return each worker's result
   * @throws Exception if a worker failed, or the workers took more than a minute
   */
  public static <T> List<T> run(ExecutorService pool, int workers, Callable<T> task)
      throws Exception {
    CyclicBarrier start = new CyclicBarrier(workers);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      futures.add(
          pool.submit(
              () -> {
                start.await(10, TimeUnit.SECONDS);
                return task.call();
              }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  /**
   * Runs {@code task} on {@code workers} new threads released together, as {@link #run}, then stops
   * the threads.
   *
   * @param workers how many copies of the task to run
   * @param task the task
   * @return each worker's result
   * @throws Exception if a worker failed, the workers took more than a minute, or their threads did
   *     not stop within 10 seconds
   */
  public static <T> List<T> onNewThreads(int workers, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      return run(pool, workers, task);
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(workers + " race threads did not stop within 10 seconds");
      }
    }
  }
}
