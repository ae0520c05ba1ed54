package io.tailguard.core.hedge;

import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.Validate;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executors for hedge attempts: virtual threads where the JDK has them (21 and later,
 * found at run time so the code still runs on 17), otherwise a bounded pool of daemon platform
 * threads named {@code tailguard-hedge-N}.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class HedgeExecutors {

  /** The most platform threads the fallback pool starts; beyond them attempts are refused. */
  public static final int MAX_PLATFORM_THREADS = 256;

  private static final AtomicInteger POOL_THREADS = new AtomicInteger();

  private HedgeExecutors() {}

  /**
   * Returns whether this JDK offers virtual threads.
   *
   * @return {@code true} on JDK 21 and later
   */
  public static boolean virtualThreadsAvailable() {
    return virtualFactory() != null;
  }

  /**
   * Creates the default executor: a virtual-thread-per-task executor on JDK 21+, else {@link
   * #newPlatformPool()}.
   *
   * @return a new executor, owned by the caller
   */
  public static ExecutorService newDefault() {
    MethodHandle factory = virtualFactory();
    if (factory != null) {
      try {
        return (ExecutorService) factory.invoke();
      } catch (Throwable e) {
        // fall through to the platform pool
      }
    }
    return newPlatformPool();
  }

  /**
   * Creates a pool of up to {@value #MAX_PLATFORM_THREADS} daemon platform threads that are started
   * on demand and end after 30 seconds idle; a task arriving when all are busy is refused. A {@link
   * Hedger} whose blocking primary is refused runs it on the caller's thread, unhedged and still
   * under its timeout; a refused hedge is not sent.
   *
   * @return a new executor, owned by the caller
   */
  public static ExecutorService newPlatformPool() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            MAX_PLATFORM_THREADS,
            Duration.ofSeconds(30).toNanos(),
            TimeUnit.NANOSECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "tailguard-hedge-" + POOL_THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return pool;
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

  /**
   * Stops an executor of hedge attempts in two phases: no new attempts and wait up to {@code
   * grace}, then interrupt the attempts still running and wait up to {@code grace} again. An
   * interrupt of the calling thread interrupts the attempts at once and is kept.
   *
   * @param executor the executor
   * @param grace how long each phase waits, in [0, 1h]
   * @return whether every attempt has ended
   * @throws IllegalArgumentException if {@code grace} is out of range
   */
  public static boolean shutdown(ExecutorService executor, Duration grace) {
    Validate.notNull("executor", executor);
    return Shutdown.stop(
        executor, Validate.inRange("grace", grace, Duration.ZERO, Shutdown.MAX_GRACE));
  }
}
