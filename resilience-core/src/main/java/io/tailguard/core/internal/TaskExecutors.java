package io.tailguard.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors for the user's code that an engine runs on its own initiative (a retry after its
 * backoff), so that a scheduler's timer thread only hands work over: virtual threads where the JDK
 * has them (21 and later, found at run time so the code still runs on 17), otherwise a bounded pool
 * of daemon platform threads named {@code tailguard-<purpose>-N}. {@code HedgeExecutors} makes the
 * same choice through it, with its own thread names.
 *
 * <p>Not part of the public API. This class is stateless and thread-safe.
 */
public final class TaskExecutors {

  /** The most platform threads a fallback pool starts; beyond them tasks are refused. */
  public static final int MAX_PLATFORM_THREADS = 256;

  private static final AtomicInteger POOL_THREADS = new AtomicInteger();

  private TaskExecutors() {}

  /**
   * Returns whether this JDK offers virtual threads.
   *
   * @return {@code true} on JDK 21 and later
   */
  public static boolean virtualThreadsAvailable() {
    return virtualFactory() != null;
  }

  /**
   * Creates a virtual-thread-per-task executor on JDK 21+, else {@link #newPlatformPool(String)}.
   *
   * @param purpose a short word for platform thread names, for example {@code retry-attempt}
   * @return a new executor, owned by the caller
   */
  public static ExecutorService newDefault(String purpose) {
    MethodHandle factory = virtualFactory();
    if (factory != null) {
      try {
        return (ExecutorService) factory.invoke();
      } catch (Throwable e) {
        // fall through to the platform pool
      }
    }
    return newPlatformPool(purpose);
  }

  /**
   * Creates a pool of up to {@value #MAX_PLATFORM_THREADS} daemon platform threads that are started
   * on demand and end after 30 seconds idle; a task arriving when all are busy is refused.
   *
   * @param purpose a short word for the thread names
   * @return a new executor, owned by the caller
   */
  public static ExecutorService newPlatformPool(String purpose) {
    Validate.notNull("purpose", purpose);
    return new JoiningPool(purpose);
  }

  /**
   * A pool whose {@link #awaitTermination} also waits, within the same timeout, for its threads to
   * end: {@link ThreadPoolExecutor} reports termination once the last worker has left its loop, a
   * moment before that thread ends, so an owner's close() could return with a thread still alive.
   */
  private static final class JoiningPool extends ThreadPoolExecutor {
    // Every thread the pool created that may still be alive. Written by the thread factory (any
    // thread that submits a task), which also forgets threads that ended after idling; read by
    // awaitTermination.
    private final Set<Thread> threads;

    JoiningPool(String purpose) {
      this(purpose, ConcurrentHashMap.newKeySet());
    }

    private JoiningPool(String purpose, Set<Thread> threads) {
      super(
          0,
          MAX_PLATFORM_THREADS,
          Duration.ofSeconds(30).toNanos(),
          TimeUnit.NANOSECONDS,
          new SynchronousQueue<>(),
          r -> {
            threads.removeIf(t -> !t.isAlive());
            Thread t = new Thread(r, "tailguard-" + purpose + "-" + POOL_THREADS.incrementAndGet());
            t.setDaemon(true);
            threads.add(t);
            return t;
          });
      this.threads = threads;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      // A real wait for real threads, like the one in super: no injected Clock can shorten it.
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      if (!super.awaitTermination(timeout, unit)) {
        return false;
      }
      for (Thread t : threads) {
        long left = deadline - System.nanoTime();
        if (t != Thread.currentThread() && left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
      }
      return true;
    }
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
