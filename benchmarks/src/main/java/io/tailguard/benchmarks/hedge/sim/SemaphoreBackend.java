package io.tailguard.benchmarks.hedge.sim;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;

/**
 * A backend of finite capacity in real time: {@code servers} permits of a fair (FIFO) semaphore
 * stand for the servers, and an attempt holding one sleeps for its service time. An interrupt
 * withdraws the attempt from the queue, or frees its server at once if it is in service.
 *
 * <p>Thread-safe.
 */
final class SemaphoreBackend implements BlockingBackend {

  private final LatencyModel model;
  private final Semaphore servers;
  private final long originNanos;
  private final QueueStats stats;

  /**
   * Creates the backend.
   *
   * @param model the service times
   * @param servers the number of servers
   * @param originNanos the run's origin on {@link System#nanoTime()}
   * @param stats where to record queue figures
   */
  SemaphoreBackend(LatencyModel model, int servers, long originNanos, QueueStats stats) {
    this.model = model;
    this.servers = new Semaphore(servers, true);
    this.originNanos = originNanos;
    this.stats = stats;
  }

  @Override
  public String attemptBlocking(long request, int attempt) {
    long arrival = System.nanoTime();
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
}
