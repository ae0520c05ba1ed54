package io.tailguard.benchmarks.hedge.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a scenario in real time: every policy at once, in the same wall-clock time, each against its
 * own backend on the same draws. One generator thread issues the requests open-loop at the
 * scenario's rate, each on a thread of its own calling the policy's blocking {@code call}; a
 * request's latency counts from its intended start, so a late generator does not hide latency.
 * Attempts sleep for their simulated duration and are withdrawn by interrupt.
 *
 * <p>Bounded: the run issues a fixed number of requests, then waits at most {@link #DRAIN_NANOS}
 * for the calls still running, and stops every thread it started.
 *
 * <p>Stateless and thread-safe; run one scenario at a time, since they would compete for CPU.
 */
final class RealTimeRunner {

  /** How long after the last arrival the run waits for the calls still running. */
  static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(45);

  // Time to create the policies' threads before the first request.
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private RealTimeRunner() {}

  /**
   * Runs every policy through a scenario, all at once.
   *
   * @param scenario the scenario
   * @param policies the policies
   * @return the figures, in the order of {@code policies}
   */
  static List<PolicyResult> run(Scenario scenario, List<PolicySpec> policies) {
    long origin = System.nanoTime() + START_DELAY_NANOS;
    List<Lane> lanes = new ArrayList<>();
    ExecutorService threads = RequestThreads.newExecutor();
    try {
      for (PolicySpec p : policies) {
        lanes.add(new Lane(scenario, p, origin));
      }
      long requests = scenario.requests();
      CountDownLatch ended = new CountDownLatch(Math.toIntExact(requests * lanes.size()));
      long[] markAt = {scenario.measuredStart(), scenario.half(), scenario.end()};
      int mark = 0;
      for (long i = 0; i < requests; i++) {
        long intended = origin + scenario.intendedNanos(i);
        parkUntil(intended);
        while (mark < markAt.length && origin + markAt[mark] <= intended) {
          mark(lanes, mark++, scenario.restoreAtStart());
        }
        for (Lane lane : lanes) {
          lane.send(threads, i, intended, ended);
        }
      }
      parkUntil(origin + scenario.end());
      while (mark < markAt.length) {
        mark(lanes, mark++, scenario.restoreAtStart());
      }
      if (!ended.await(DRAIN_NANOS, TimeUnit.NANOSECONDS)) {
        System.err.printf("%s: some calls still running after the drain time%n", scenario.name());
      }
      long waited = System.nanoTime() - (origin + scenario.end());
      List<PolicyResult> results = new ArrayList<>();
      for (Lane lane : lanes) {
        results.add(lane.result(waited));
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + scenario.name(), e);
    } finally {
      lanes.forEach(Lane::close);
      threads.shutdownNow();
      try {
        threads.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void mark(List<Lane> lanes, int mark, boolean restoreAtStart) {
    for (Lane lane : lanes) {
      if (mark == 0 && restoreAtStart) {
        lane.restart();
      }
      lane.marks[mark] = lane.current.counters();
    }
  }

  private static void parkUntil(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /**
   * One policy's part of the run. Its policy is replaced only by the generator thread; request
   * threads read the instance they were given.
   */
  private static final class Lane {
    private final PolicySpec spec;
    private final long origin;
    private final QueueStats queue;
    private final BlockingBackend backend;
    private final CallRecorder recorder;
    private final Counters[] marks = new Counters[3];
    private volatile SimPolicy current;
    private SimPolicy trainer;

    Lane(Scenario scenario, PolicySpec spec, long origin) {
      this.spec = spec;
      this.origin = origin;
      this.recorder = new CallRecorder(scenario);
      if (scenario.servers() > 0) {
        queue = new QueueStats(scenario);
        backend =
            new SemaphoreBackend(
                scenario.model(), scenario.servers(), origin, queue, scenario.cancellable());
      } else {
        queue = null;
        backend = new DelayBackend(scenario.model(), origin);
      }
      current = spec.create(Wiring.realTime());
    }

    void send(ExecutorService threads, long i, long intended, CountDownLatch ended) {
      SimPolicy policy = current;
      threads.execute(
          () -> {
            boolean succeeded = false;
            try {
              policy.call(k -> backend.attemptBlocking(i, k));
              succeeded = true;
            } catch (RuntimeException e) {
              // a failed call: counted by the recorder below
            } finally {
              recorder.record(intended - origin, System.nanoTime() - origin, succeeded);
              ended.countDown();
            }
          });
    }

    // The trained instance keeps its calls in flight; new requests go to the restored one.
    void restart() {
      SimPolicy next = spec.create(Wiring.realTime());
      byte[] state = current.snapshot();
      if (state != null) {
        next.restore(state);
      }
      trainer = current;
      current = next;
    }

    PolicyResult result(long waitedNanos) {
      return recorder.result(spec.name(), marks[0], marks[1], marks[2], queue, waitedNanos);
    }

    void close() {
      current.close();
      if (trainer != null) {
        trainer.close();
      }
    }
  }
}
