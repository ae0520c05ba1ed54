package io.tailguard.benchmarks.hedge.sim;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads real-time requests run on, one per request: virtual threads on JDK 21 and later
 * (found by reflection, since the code is compiled for 17), else a cached pool of daemon platform
 * threads.
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
    MethodHandle virtual = virtualFactory();
    if (virtual != null) {
      try {
        return (ExecutorService) virtual.invokeExact();
      } catch (Throwable e) {
        throw new IllegalStateException("cannot create a virtual-thread executor", e);
      }
    }
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
   * @return "virtual threads" or "platform threads"
   */
  static String describe() {
    return virtualFactory() != null
        ? "a virtual thread per request"
        : "a platform thread per request (cached pool)";
  }

  private static MethodHandle virtualFactory() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              Executors.class,
              "newVirtualThreadPerTaskExecutor",
              MethodType.methodType(ExecutorService.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
