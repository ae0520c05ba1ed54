package io.tailguard.spring.autoconfigure;

import io.tailguard.core.hedge.HedgeExecutors;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.DisposableBean;

/**
 * The executor the starter creates for hedge attempts and for the retries of asynchronous
 * {@code @Retried} calls, shut down with the application context in two phases: stop accepting work
 * and wait, then interrupt and wait again.
 *
 * <p>Thread-safe, as the executor it wraps.
 */
public final class ManagedExecutor implements Executor, DisposableBean {

  private final ExecutorService executor;
  private final Duration grace;
  private final boolean virtual;

  ManagedExecutor(boolean virtualThreads, Duration grace) {
    this.virtual = virtualThreads && HedgeExecutors.virtualThreadsAvailable();
    this.executor = virtual ? HedgeExecutors.newDefault() : HedgeExecutors.newPlatformPool();
    this.grace = grace;
  }

  /**
   * Returns whether attempts run on virtual threads.
   *
   * @return {@code true} on JDK 21+ when {@code spring.threads.virtual.enabled} is true
   */
  public boolean isVirtual() {
    return virtual;
  }

  @Override
  public void execute(Runnable command) {
    executor.execute(command);
  }

  /**
   * Returns whether every thread has ended.
   *
   * @return {@code true} after a completed shutdown
   */
  public boolean isTerminated() {
    return executor.isTerminated();
  }

  @Override
  public void destroy() {
    HedgeExecutors.shutdown(executor, grace);
  }
}
