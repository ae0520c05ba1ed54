package io.tailguard.core.health;

import io.tailguard.core.internal.Durations;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probes of a {@link HealthRegistry}: schedules each enabled probe every {@code interval},
 * runs its check on the probe executor with a {@code timeout}, interrupts a check that overruns,
 * skips a run whose predecessor is still going, and shuts all of it down in two phases. How each
 * run ended goes to the probe's {@link ProbeState}, which owns the status.
 *
 * <p>Thread-safe.
 */
final class ProbeScheduler {

  /*
   * Concurrency.
   *
   * Threads: the scheduler thread runs ticks (start a run, schedule the next tick) and timeouts;
   * probe threads run checks; registry callers add, remove, refresh and close.
   *
   * - `closed` (volatile) is set once, under `runsLock` (and the registry's lifecycle lock), so
   *   that after markClosed() no run is tracked (track() checks it under `runsLock`).
   * - `inFlight` (guarded by `runsLock`) holds every run from the moment it is started until its
   *   check returns or it is cancelled before starting; `runsEnded` is signalled when it empties.
   *
   * Per probe (class Probe), its settings and scheduling (`scheduleGeneration`, `nextTask`, due
   * times, `removed`) are guarded by the Probe's monitor. A tick carries the generation it was
   * scheduled in and does nothing if the generation moved on (reconfigured, disabled, removed,
   * closed), so a cancelled tick that was already running cannot schedule a second chain.
   * `current` (AtomicReference) is the run in flight; only a tick sets it (from null), and the
   * run clears it when its check returns or it is cancelled before starting. That is the whole
   * no-overlap rule: a tick that finds it non-null skips.
   *
   * Per run (class Run): `settled` (AtomicBoolean) decides who records the run's outcome: the
   * check returning, the timeout, or the executor refusing it; the first compareAndSet wins and the
   * others record nothing. `state` and `thread` are guarded by the Run's monitor and make the
   * interrupt safe: the timeout interrupts `thread` only while the check is still inside the Run
   * (state RUNNING), and the Run, when the check returns, clears the interrupt it was sent before
   * its thread goes back to the pool. So an interrupt meant for one check can never hit a later
   * task on the same thread (the protocol of FutureTask.cancel(true)).
   *
   * Lock order: Probe monitor -> ProbeState monitor (refresh). A Probe's monitor and a Run's
   * monitor are never held together, and neither is held while listeners run.
   */

  /** Idle threads of the default executor end after this long. */
  private static final long THREAD_KEEP_ALIVE_SECONDS = 60;

  /** How long close() waits for a thread of the default executor that has already finished. */
  private static final long THREAD_EXIT_JOIN_MILLIS = 1000;

  // Logged under the registry's name: that is the logger users configure.
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);
  private static final AtomicInteger THREAD_SEQUENCE = new AtomicInteger();

  private final Clock clock;
  private final Scheduler scheduler;
  private final DefaultScheduler ownedScheduler; // null when the scheduler was injected
  private final Executor executor;
  private final ThreadPoolExecutor ownedExecutor; // null when the executor was injected
  private final Set<Thread> ownedThreads = ConcurrentHashMap.newKeySet();
  private final Duration shutdownGrace;
  private final Supplier<HealthConfig> config;
  private final ReentrantLock runsLock = new ReentrantLock();
  private final Condition runsEnded = runsLock.newCondition();

  // Guarded by runsLock.
  private final Set<Run> inFlight = new HashSet<>();

  private volatile boolean closed;

  /**
   * Creates the scheduler of a registry.
   *
   * @param clock due times and durations
   * @param scheduler starts runs and times them out; {@code null} for one of its own
   * @param executor runs checks; {@code null} for a pool of its own of {@code probeThreads}
   * @param probeThreads the size of its own pool
   * @param shutdownGrace how long each phase of {@link #shutdown} waits
   * @param config the registry's configuration in force, read when a probe refreshes
   */
  ProbeScheduler(
      Clock clock,
      Scheduler scheduler,
      Executor executor,
      int probeThreads,
      Duration shutdownGrace,
      Supplier<HealthConfig> config) {
    this.clock = clock;
    this.shutdownGrace = shutdownGrace;
    this.config = config;
    if (scheduler != null) {
      this.scheduler = scheduler;
      this.ownedScheduler = null;
    } else {
      this.ownedScheduler = new DefaultScheduler("health", shutdownGrace);
      this.scheduler = ownedScheduler;
    }
    if (executor != null) {
      this.executor = executor;
      this.ownedExecutor = null;
    } else {
      // The queue is unbounded in type but holds at most one run per probe: runs never overlap.
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              probeThreads,
              probeThreads,
              THREAD_KEEP_ALIVE_SECONDS,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              new ProbeThreadFactory(ownedThreads));
      pool.allowCoreThreadTimeOut(true);
      this.ownedExecutor = pool;
      this.executor = pool;
    }
  }

  /**
   * Creates a probe's schedule, not started yet.
   *
   * @param check the probe
   * @param state the health its runs feed; its settings are the ones to run with
   */
  Probe probe(HealthProbe check, ProbeState state) {
    return new Probe(check, state);
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Marks the scheduler closed: no run is tracked any more. The registry calls it under its
   * lifecycle lock, then {@link #shutdown}.
   *
   * @return {@code false} if it was closed already
   */
  boolean markClosed() {
    runsLock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    } finally {
      runsLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * The two phases of {@link HealthRegistry#close()}, after {@link #markClosed()}: stop scheduling
   * and drop runs not started, wait for running checks; interrupt those still running and wait
   * again; stop the scheduler and executor it created. Keeps the caller's interrupt status.
   *
   * @param probes every registered probe
   */
  void shutdown(Collection<Probe> probes) {
    // Phase 1: stop scheduling, drop runs that have not started, wait for running checks.
    for (Probe p : probes) {
      p.stopScheduling(false);
    }
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    for (Run run : inFlightRuns()) {
      if (run.cancelIfQueued()) {
        run.settled.set(true);
        run.end();
      }
    }
    boolean interrupted = false;
    boolean idle;
    try {
      idle = awaitRuns(shutdownGrace);
    } catch (InterruptedException e) {
      interrupted = true;
      idle = false;
    }
    // Phase 2: interrupt what is still running and wait again.
    if (!idle) {
      for (Run run : inFlightRuns()) {
        run.settled.set(true); // the outcome of a check cut short by shutdown is not recorded
        if (run.stop() == Run.QUEUED) {
          run.end();
        }
      }
      if (!interrupted) {
        try {
          idle = awaitRuns(shutdownGrace);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (ownedExecutor != null) {
      if (idle) {
        ownedExecutor.shutdown();
      } else {
        ownedExecutor.shutdownNow();
      }
      if (idle && !interrupted) {
        try {
          if (ownedExecutor.awaitTermination(shutdownGrace.toNanos(), TimeUnit.NANOSECONDS)) {
            joinOwnedThreads();
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (!idle) {
      List<String> stuck = new ArrayList<>();
      for (Run run : inFlightRuns()) {
        stuck.add(run.probe.state.name());
      }
      log.atWarn()
          .addKeyValue("name", HealthRegistry.NAME)
          .addKeyValue("probes", stuck)
          .setMessage(
              "Health probes {} did not return within {} after an interrupt; their checks ignore"
                  + " interrupts and their threads outlive close()")
          .addArgument(stuck)
          .addArgument(Durations.format(shutdownGrace))
          .log();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void joinOwnedThreads() throws InterruptedException {
    // awaitTermination() returns once the last worker has left its loop, a moment before its
    // thread ends; joining makes "no thread outlives close()" exact.
    for (Thread t : ownedThreads) {
      if (t != Thread.currentThread()) {
        t.join(THREAD_EXIT_JOIN_MILLIS);
      }
    }
  }

  private List<Run> inFlightRuns() {
    runsLock.lock();
    try {
      return new ArrayList<>(inFlight);
    } finally {
      runsLock.unlock();
    }
  }

  private boolean awaitRuns(Duration grace) throws InterruptedException {
    runsLock.lock();
    try {
      long nanos = grace.toNanos();
      while (!inFlight.isEmpty()) {
        if (nanos <= 0) {
          return false;
        }
        nanos = runsEnded.awaitNanos(nanos);
      }
      return true;
    } finally {
      runsLock.unlock();
    }
  }

  private boolean track(Run run) {
    runsLock.lock();
    try {
      if (closed) {
        return false;
      }
      inFlight.add(run);
      return true;
    } finally {
      runsLock.unlock();
    }
  }

  private void untrack(Run run) {
    runsLock.lock();
    try {
      if (inFlight.remove(run) && inFlight.isEmpty()) {
        runsEnded.signalAll();
      }
    } finally {
      runsLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  /** Starts one run of a probe; called by its tick on the scheduler thread. */
  private void startRun(Probe p, HealthConfig.ProbeSettings settings) {
    long start = clock.nanoTime();
    Run running = p.current.get();
    if (running != null) {
      p.skip(running, start);
      return;
    }
    Run run = new Run(p, settings, start);
    if (!p.current.compareAndSet(null, run)) {
      p.skip(p.current.get(), start);
      return;
    }
    if (!track(run)) {
      p.current.compareAndSet(run, null); // closed meanwhile
      return;
    }
    try {
      run.timeoutTask = scheduler.schedule(() -> onTimeout(run), settings.timeout());
    } catch (RejectedExecutionException e) {
      refused(run, "the scheduler refused the run's timeout", e);
      return;
    }
    try {
      executor.execute(run);
    } catch (RuntimeException e) { // RejectedExecutionException, or a broken injected executor
      refused(run, "the probe executor refused the run", e);
    }
  }

  private void refused(Run run, String what, RuntimeException e) {
    if (run.settled.compareAndSet(false, true)) {
      run.cancelIfQueued();
      if (!closed) {
        run.probe.state.recordFailure(
            run.startNanos,
            HealthReason.REJECTED,
            what + ": " + ProbeState.text(e),
            e,
            clock.nanoTime());
      }
    }
    run.end();
  }

  private void onTimeout(Run run) {
    if (!run.settled.compareAndSet(false, true)) {
      return;
    }
    run.timedOut = true;
    int was = run.stop();
    boolean interrupted = was == Run.RUNNING || was == Run.INTERRUPTED;
    run.probe.state.recordTimeout(
        run.startNanos, run.settings.timeout(), interrupted, clock.nanoTime());
    if (was == Run.QUEUED) {
      run.end();
    }
  }

  /** One run of one probe: from its due time until its check returns or it is cancelled. */
  private final class Run implements Runnable {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int INTERRUPTED = 2;
    static final int DONE = 3;
    static final int CANCELLED = 4;

    final Probe probe;
    final HealthConfig.ProbeSettings settings;
    final long startNanos;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile boolean timedOut;
    volatile Scheduler.ScheduledTask timeoutTask;

    // Guarded by this Run's monitor.
    private int state = QUEUED;
    private Thread thread;

    Run(Probe probe, HealthConfig.ProbeSettings settings, long startNanos) {
      this.probe = probe;
      this.settings = settings;
      this.startNanos = startNanos;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (state != QUEUED) {
          return; // cancelled before it started; whoever cancelled it ended it
        }
        state = RUNNING;
        thread = Thread.currentThread();
      }
      HealthCheckResult result = null;
      Throwable failure = null;
      try {
        result = probe.check.check();
      } catch (Throwable t) {
        failure = t;
      }
      boolean interruptedByUs;
      synchronized (this) {
        interruptedByUs = state == INTERRUPTED;
        state = DONE;
        thread = null;
      }
      if (interruptedByUs) {
        Thread.interrupted(); // the interrupt was for this check; the thread goes back clean
      }
      try {
        if (settled.compareAndSet(false, true)) {
          probe.state.recordResult(startNanos, result, failure, clock.nanoTime());
        }
      } finally {
        end();
      }
      if (failure instanceof VirtualMachineError) {
        throw (VirtualMachineError) failure;
      }
    }

    /** Cancels the run if its check has not started. */
    synchronized boolean cancelIfQueued() {
      if (state == QUEUED) {
        state = CANCELLED;
        return true;
      }
      return false;
    }

    /**
     * Cancels the run if it has not started, interrupts its check if it is running.
     *
     * @return the state before
     */
    synchronized int stop() {
      int was = state;
      if (was == QUEUED) {
        state = CANCELLED;
      } else if (was == RUNNING || was == INTERRUPTED) {
        state = INTERRUPTED;
        thread.interrupt();
      }
      return was;
    }

    /** Ends the run: called once, by its thread when the check returns or by who cancelled it. */
    void end() {
      Scheduler.ScheduledTask t = timeoutTask;
      if (t != null) {
        t.cancel();
      }
      probe.current.compareAndSet(this, null);
      untrack(this);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Probes

  /** A registered probe's schedule and its run in flight. See the concurrency comment. */
  final class Probe {
    final HealthProbe check;
    final ProbeState state;
    final AtomicReference<Run> current = new AtomicReference<>();

    // Guarded by this Probe's monitor.
    private HealthConfig.ProbeSettings settings;
    private long scheduleGeneration;
    private Scheduler.ScheduledTask nextTask;
    private long nextDueNanos;
    private long lastDueNanos;
    private boolean hasRun;
    private boolean removed;

    private Probe(HealthProbe check, ProbeState state) {
      this.check = check;
      this.state = state;
      this.settings = state.snapshot().settings();
    }

    /** Returns its report, with how long the run in progress has been going. */
    ProbeReport report() {
      Run run = current.get();
      return state.report(run == null ? ProbeState.NEVER : run.startNanos);
    }

    /** Schedules its first run at once, if it is enabled. */
    synchronized void start() {
      if (settings.enabled() && !closed && !removed) {
        scheduleAt(clock.nanoTime());
      }
    }

    /**
     * Stops scheduling runs; a run in progress is left to finish.
     *
     * @param remove whether the probe was removed (it never runs again)
     */
    synchronized void stopScheduling(boolean remove) {
      if (remove) {
        removed = true;
      }
      scheduleGeneration++;
      cancelNext();
    }

    // Called with the monitor held.
    private void scheduleAt(long dueNanos) {
      long generation = ++scheduleGeneration;
      cancelNext();
      nextDueNanos = dueNanos;
      long delay = Math.max(0, dueNanos - clock.nanoTime());
      try {
        nextTask = scheduler.schedule(() -> tick(generation, dueNanos), Duration.ofNanos(delay));
      } catch (RejectedExecutionException e) {
        nextTask = null;
        if (!closed) {
          log.atWarn()
              .addKeyValue("name", state.name())
              .setMessage("Health probe '{}' cannot be scheduled and will not run again: {}")
              .addArgument(state.name())
              .addArgument(ProbeState.text(e))
              .log();
        }
      }
    }

    // Called with the monitor held.
    private void cancelNext() {
      if (nextTask != null) {
        nextTask.cancel();
        nextTask = null;
      }
    }

    /** Runs on the scheduler thread when a run is due. */
    void tick(long generation, long dueNanos) {
      HealthConfig.ProbeSettings s;
      synchronized (this) {
        if (generation != scheduleGeneration || removed || closed || !settings.enabled()) {
          return;
        }
        nextTask = null;
        s = settings;
        hasRun = true;
        lastDueNanos = dueNanos;
        long intervalNanos = s.interval().toNanos();
        long next = dueNanos + intervalNanos;
        long now = clock.nanoTime();
        if (next - now <= 0) {
          next =
              now + intervalNanos; // fell behind by a whole interval: missed runs are not made up
        }
        scheduleAt(next);
      }
      startRun(this, s);
    }

    /** A tick found the previous run still going. */
    void skip(Run running, long now) {
      if (running == null) {
        state.recordSkip(ProbeState.NEVER, null, now);
      } else {
        state.recordSkip(
            running.startNanos, running.timedOut ? running.settings.timeout() : null, now);
      }
    }

    /** Takes the current config's settings for this probe; see HealthRegistry.reconfigure(). */
    void refresh() {
      synchronized (this) {
        if (removed) {
          return;
        }
        HealthConfig.ProbeSettings next = config.get().settingsFor(state.name());
        HealthConfig.ProbeSettings prev = settings;
        if (next.equals(prev)) {
          return;
        }
        settings = next;
        if (!closed) {
          if (!next.enabled()) {
            scheduleGeneration++;
            cancelNext();
          } else if (!prev.enabled()) {
            scheduleAt(clock.nanoTime());
          } else if (!next.interval().equals(prev.interval())) {
            long now = clock.nanoTime();
            long due = hasRun ? lastDueNanos + next.interval().toNanos() : nextDueNanos;
            scheduleAt(due - now < 0 ? now : due);
          }
        }
        state.applySettings(next);
      }
      state.deliver();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Threads

  /** Names the default executor's threads and remembers them, so close() can join them. */
  private static final class ProbeThreadFactory implements ThreadFactory {
    private final Set<Thread> threads;

    ProbeThreadFactory(Set<Thread> threads) {
      this.threads = threads;
    }

    @Override
    public Thread newThread(Runnable r) {
      threads.removeIf(t -> !t.isAlive()); // forget threads that ended after idling
      Thread t =
          new Thread(r, HealthRegistry.THREAD_NAME_PREFIX + THREAD_SEQUENCE.incrementAndGet());
      t.setDaemon(true);
      threads.add(t);
      return t;
    }
  }
}
