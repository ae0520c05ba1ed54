package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.HedgeExecutors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads real-time requests run on, one per request: virtual threads on JDK 21 and later (the
 * hedger's own default executor there), else a cached pool of daemon platform threads.
 *
 * <p>Stateless and thread-safe.
 */
final class RequestThreads {

  private RequestThreads() {}

  /**
   * Creates an executor that starts a thread per task.
   *
   * @return the executor, owned by the caller
   */
  static ExecutorService newExecutor() {
    if (HedgeExecutors.virtualThreadsAvailable()) {
      return HedgeExecutors.newDefault();
    }
    // Not HedgeExecutors' platform pool: that one is bounded, and a request must never be refused.
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "sim-request");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Describes the threads {@link #newExecutor()} uses.
   *
   * @return what kind of thread each request gets
   */
  static String describe() {
    return HedgeExecutors.virtualThreadsAvailable()
        ? "a virtual thread per request"
        : "a platform thread per request (cached pool)";
  }
}
