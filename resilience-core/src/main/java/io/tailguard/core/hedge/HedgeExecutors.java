package io.tailguard.core.hedge;

import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.TaskExecutors;
import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * The default executors for hedge attempts: virtual threads where the JDK has them (21 and later,
 * found at run time so the code still runs on 17), otherwise a bounded pool of daemon platform
 * threads named {@code tailguard-hedge-N}.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class HedgeExecutors {

  /** The most platform threads the fallback pool starts; beyond them attempts are refused. */
  public static final int MAX_PLATFORM_THREADS = TaskExecutors.MAX_PLATFORM_THREADS;

  private HedgeExecutors() {}

  /**
   * Returns whether this JDK offers virtual threads.
   *
   * @return {@code true} on JDK 21 and later
   */
  public static boolean virtualThreadsAvailable() {
    return TaskExecutors.virtualThreadsAvailable();
  }

  /**
   * Creates the default executor: a virtual-thread-per-task executor on JDK 21+, else {@link
   * #newPlatformPool()}.
   *
   * @return a new executor, owned by the caller
   */
  public static ExecutorService newDefault() {
    return TaskExecutors.newDefault("hedge");
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
    return TaskExecutors.newPlatformPool("hedge");
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
