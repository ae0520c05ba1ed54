package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.time.Scheduler.ScheduledTask;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A backend of finite capacity in virtual time: {@code servers} servers and one FIFO queue. An
 * attempt waits for a free server, then holds it for the duration its {@link LatencyModel} gives
 * for the time its service starts. A withdrawn attempt leaves the queue if still waiting, and frees
 * its server at once if in service; unless the backend is not cancellable, when it is served in
 * full all the same.
 *
 * <p>Not thread-safe: driven by the single thread of the event loop.
 */
final class QueueBackend implements AsyncBackend {

  private final LatencyModel model;
  private final int servers;
  private final SimTime sim;
  private final long originNanos;
  private final QueueStats stats;
  private final boolean cancellable;
  // Withdrawn jobs stay here until they come up, and are skipped then.
  private final ArrayDeque<Job> waiting = new ArrayDeque<>();
  private int busy;

  /**
   * Creates the backend.
   *
   * @param model the service times
   * @param servers the number of servers
   * @param sim the virtual time
   * @param originNanos the run's origin on the virtual clock
   * @param stats where to record queue figures
   * @param cancellable whether a withdrawn attempt stops its work
   */
  QueueBackend(
      LatencyModel model,
      int servers,
      SimTime sim,
      long originNanos,
      QueueStats stats,
      boolean cancellable) {
    this.cancellable = cancellable;
    this.model = model;
    this.servers = servers;
    this.sim = sim;
    this.originNanos = originNanos;
    this.stats = stats;
  }

  @Override
  public CompletableFuture<String> attempt(long request, int attempt) {
    Job job = new Job(request, attempt, sim.nanoTime());
    job.answer.whenComplete(
        (v, e) -> {
          if (cancellable && job.answer.isCancelled()) {
            withdraw(job);
          }
        });
    if (busy < servers) {
      serve(job);
    } else {
      waiting.addLast(job);
    }
    return job.answer;
  }

  private void serve(Job job) {
    busy++;
    long now = sim.nanoTime();
    job.state = Job.SERVING;
    job.serviceStart = now;
    stats.left(job.arrival - originNanos, now - job.arrival);
    long d = model.durationNanos(job.request, job.attempt, now - originNanos);
    if (d == LatencyModel.FAILURE) {
      end(job);
      job.answer.completeExceptionally(new SimulatedFailure());
    } else {
      job.done =
          sim.scheduleAfter(
              d,
              () -> {
                end(job);
                job.answer.complete("ok");
              });
    }
  }

  private void withdraw(Job job) {
    if (job.state == Job.WAITING) {
      job.state = Job.ENDED;
      stats.left(job.arrival - originNanos, sim.nanoTime() - job.arrival);
    } else if (job.state == Job.SERVING) {
      job.done.cancel();
      end(job);
    }
  }

  // Frees the job's server and hands it to the next waiting job, before anyone hears of the end.
  private void end(Job job) {
    job.state = Job.ENDED;
    stats.served(job.serviceStart - originNanos, sim.nanoTime() - job.serviceStart);
    busy--;
    while (busy < servers && !waiting.isEmpty()) {
      Job next = waiting.pollFirst();
      if (next.state == Job.WAITING) {
        serve(next);
      }
    }
  }

  /** One attempt at the backend. */
  private static final class Job {
    static final int WAITING = 0;
    static final int SERVING = 1;
    static final int ENDED = 2;

    final long request;
    final int attempt;
    final long arrival;
    final CompletableFuture<String> answer = new CompletableFuture<>();
    int state = WAITING;
    long serviceStart;
    ScheduledTask done;

    Job(long request, int attempt, long arrival) {
      this.request = request;
      this.attempt = attempt;
      this.arrival = arrival;
    }
  }
}
