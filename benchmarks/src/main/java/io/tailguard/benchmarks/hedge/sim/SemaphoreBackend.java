package io.tailguard.benchmarks.hedge.sim;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * A backend of finite capacity in real time: {@code servers} permits of a fair (FIFO) semaphore
 * stand for the servers, and an attempt holding one sleeps for its service time. An interrupt
 * withdraws the attempt from the queue, or frees its server at once if it is in service; unless the
 * backend is not cancellable, when the attempt is served in full and the interrupt is kept for the
 * end.
 *
 * <p>Thread-safe.
 */
final class SemaphoreBackend implements BlockingBackend {

  private final LatencyModel model;
  private final Semaphore servers;
  private final long originNanos;
  private final QueueStats stats;
  private final boolean cancellable;

  /**
   * Creates the backend.
   *
   * @param model the service times
   * @param servers the number of servers
   * @param originNanos the run's origin on {@link System#nanoTime()}
   * @param stats where to record queue figures
   * @param cancellable whether an interrupt stops the attempt's work
   */
  SemaphoreBackend(
      LatencyModel model, int servers, long originNanos, QueueStats stats, boolean cancellable) {
    this.cancellable = cancellable;
    this.model = model;
    this.servers = new Semaphore(servers, true);
    this.originNanos = originNanos;
    this.stats = stats;
  }

  @Override
  public String attemptBlocking(long request, int attempt) {
    long arrival = System.nanoTime();
    if (!cancellable) {
      return serveInFull(request, attempt, arrival);
    }
    try {
      servers.acquire();
    } catch (InterruptedException e) {
      stats.left(arrival - originNanos, System.nanoTime() - arrival);
      Thread.currentThread().interrupt();
      throw new CancellationException("attempt withdrawn from the queue");
    }
    long start = System.nanoTime();
    stats.left(arrival - originNanos, start - arrival);
    try {
      long d = model.durationNanos(request, attempt, start - originNanos);
      if (d == LatencyModel.FAILURE) {
        throw new SimulatedFailure();
      }
      DelayBackend.sleepUntil(start + d);
      return "ok";
    } finally {
      stats.served(start - originNanos, System.nanoTime() - start);
      servers.release();
    }
  }

  // Waits and works through interrupts, then ends as a withdrawn attempt would if it was one.
  private String serveInFull(long request, int attempt, long arrival) {
    servers.acquireUninterruptibly();
    long start = System.nanoTime();
    stats.left(arrival - originNanos, start - arrival);
    boolean interrupted = false;
    try {
      long d = model.durationNanos(request, attempt, start - originNanos);
      if (d == LatencyModel.FAILURE) {
        throw new SimulatedFailure();
      }
      for (long left = start + d - System.nanoTime(); left > 0; ) {
        LockSupport.parkNanos(left);
        interrupted |= Thread.interrupted();
        left = start + d - System.nanoTime();
      }
    } finally {
      stats.served(start - originNanos, System.nanoTime() - start);
      servers.release();
    }
    if (interrupted || Thread.currentThread().isInterrupted()) {
      Thread.currentThread().interrupt();
      throw new CancellationException("attempt withdrawn after its work");
    }
    return "ok";
  }
}
