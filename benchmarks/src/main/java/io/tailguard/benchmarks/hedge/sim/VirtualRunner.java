package io.tailguard.benchmarks.hedge.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario in virtual time. Each policy gets a simulation of its own (its own {@link
 * SimTime}, backend and policy instance) driven by one thread, with the hedger wired to the virtual
 * clock, the virtual scheduler and a direct executor; the simulations run in parallel on a pool,
 * which changes nothing in their results.
 *
 * <p>Stateless and thread-safe.
 */
final class VirtualRunner {

  /** How long after the last arrival a run waits, in virtual time, for the calls still running. */
  static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(60);

  private VirtualRunner() {}

  /**
   * Runs every policy through a scenario.
   *
   * @param scenario the scenario
   * @param policies the policies
   * @param pool the threads to run the simulations on
   * @return the figures, in the order of {@code policies}
   */
  static List<PolicyResult> run(
      Scenario scenario, List<PolicySpec> policies, ExecutorService pool) {
    List<Future<PolicyResult>> running = new ArrayList<>();
    for (PolicySpec p : policies) {
      running.add(pool.submit(() -> new Run(scenario, p).run()));
    }
    List<PolicyResult> results = new ArrayList<>();
    try {
      for (Future<PolicyResult> f : running) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while simulating " + scenario.name(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("simulating " + scenario.name() + " failed", e.getCause());
    } finally {
      running.forEach(f -> f.cancel(true));
    }
    return results;
  }

  /** One policy's simulation of one scenario. Confined to the thread that runs it. */
  private static final class Run {
    private final Scenario scenario;
    private final PolicySpec spec;
    private final SimTime sim = new SimTime();
    private final long origin = sim.nanoTime();
    private final Wiring wiring = Wiring.virtual(sim);
    private final QueueStats queue;
    private final AsyncBackend backend;
    private final CallRecorder recorder;
    private final Counters[] marks = new Counters[3];
    private final long requests;
    private SimPolicy current;
    private SimPolicy trainer;

    Run(Scenario scenario, PolicySpec spec) {
      this.scenario = scenario;
      this.spec = spec;
      this.recorder = new CallRecorder(scenario);
      this.requests = scenario.requests();
      if (scenario.servers() > 0) {
        queue = new QueueStats(scenario);
        backend =
            new QueueBackend(
                scenario.model(), scenario.servers(), sim, origin, queue, scenario.cancellable());
      } else {
        queue = null;
        backend = new DelayBackend(scenario.model(), sim, origin);
      }
    }

    PolicyResult run() {
      current = spec.create(wiring);
      try {
        // Scheduled before the first arrival, so that at equal times they come first.
        sim.scheduleAt(
            origin + scenario.measuredStart(),
            () -> {
              if (scenario.restoreAtStart()) {
                restart();
              }
              marks[0] = current.counters();
            });
        sim.scheduleAt(origin + scenario.half(), () -> marks[1] = current.counters());
        sim.scheduleAt(origin + scenario.end(), () -> marks[2] = current.counters());
        if (requests > 0) {
          sim.scheduleAt(origin + scenario.intendedNanos(0), () -> arrive(0));
        }
        long limit = origin + scenario.end() + DRAIN_NANOS;
        while (!(marks[2] != null && recorder.allMeasuredEnded()) && sim.runNext(limit)) {
          // each iteration runs one event
        }
        return recorder.result(spec.name(), marks[0], marks[1], marks[2], queue, DRAIN_NANOS);
      } finally {
        current.close();
        if (trainer != null) {
          trainer.close();
        }
      }
    }

    private void arrive(long i) {
      long intended = sim.nanoTime();
      current
          .callAsync(k -> backend.attempt(i, k))
          .whenComplete(
              (v, e) -> recorder.record(intended - origin, sim.nanoTime() - origin, e == null));
      if (i + 1 < requests) {
        sim.scheduleAt(origin + scenario.intendedNanos(i + 1), () -> arrive(i + 1));
      }
    }

    // The trained instance keeps its calls in flight; new requests go to the restored one.
    private void restart() {
      SimPolicy next = spec.create(wiring);
      byte[] state = current.snapshot();
      if (state != null) {
        next.restore(state);
      }
      trainer = current;
      current = next;
    }
  }
}
