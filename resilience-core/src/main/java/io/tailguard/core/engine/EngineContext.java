package io.tailguard.core.engine;

import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.TaskExecutors;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * What the engines of one application share: the clock, the scheduler that times delays and
 * timeouts, the executor that runs attempts the engines start on their own, the recorder told about
 * every call, and the grace period of each shutdown phase. Every registry takes one, and {@link
 * io.tailguard.core.runtime.ResilienceRuntime} makes one and gives it to all of its registries, so
 * an application has one timer thread and one attempt executor, not one per engine.
 *
 * <p>A scheduler or executor given to the builder is <em>borrowed</em>: its owner stops it. One not
 * given is <em>owned</em>: the context creates it on first use (so a context nobody asks for a
 * thread starts none) and {@link #close()} stops it, gracefully, then by interrupting after the
 * grace period. The clock and the recorder hold no threads.
 *
 * <pre>{@code
 * try (EngineContext shared = EngineContext.builder().clock(clock).recorder(telemetry).build()) {
 *   HedgerRegistry hedgers = HedgerRegistry.builder().context(shared).build();
 *   RetryRegistry retriers = RetryRegistry.builder().context(shared).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>This class is thread-safe.
 */
public final class EngineContext implements AutoCloseable {

  /*
   * Concurrency. The owned scheduler and executor are created on first use and the context is
   * closed holding `lock`, so close() stops exactly what was created and nothing is created after
   * it. The fields they are kept in are volatile so that a reader that finds them set takes no lock.
   */

  private final Clock clock;
  private final Scheduler borrowedScheduler;
  private final Executor borrowedExecutor;
  private final CallRecorder recorder;
  private final Duration closeGrace;
  private final String threadNames;

  private final Object lock = new Object();
  // Created under `lock` on first use when no scheduler was given; read freely.
  private volatile DefaultScheduler ownedScheduler;
  // Created under `lock` on first use when no executor was given; read freely.
  private volatile ExecutorService ownedExecutor;
  // Written under `lock`, once, to true; read freely.
  private volatile boolean closed;

  private EngineContext(Builder b) {
    this.clock = b.clock;
    this.borrowedScheduler = b.scheduler;
    this.borrowedExecutor = b.executor;
    this.recorder = b.recorder;
    this.closeGrace = b.closeGrace;
    this.threadNames = b.threadNames;
  }

  /**
   * Returns a builder: the system clock, no recorder, an owned scheduler and executor whose threads
   * are named {@code tailguard-engine-N}, and a 5 s grace period.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the clock.
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns the scheduler: the borrowed one, or the owned one, created now if this is its first
   * use.
   *
   * @return the scheduler
   * @throws IllegalStateException if the context owns the scheduler and is closed
   */
  public Scheduler scheduler() {
    if (borrowedScheduler != null) {
      return borrowedScheduler;
    }
    DefaultScheduler s = ownedScheduler;
    if (s != null && !closed) {
      return s;
    }
    synchronized (lock) {
      checkOpen();
      if (ownedScheduler == null) {
        ownedScheduler = new DefaultScheduler(threadNames, closeGrace);
      }
      return ownedScheduler;
    }
  }

  /**
   * Returns the executor: the borrowed one, or the owned one (virtual threads on JDK 21 and later,
   * else a bounded pool of daemon threads), created now if this is its first use.
   *
   * @return the executor
   * @throws IllegalStateException if the context owns the executor and is closed
   */
  public Executor executor() {
    if (borrowedExecutor != null) {
      return borrowedExecutor;
    }
    ExecutorService e = ownedExecutor;
    if (e != null && !closed) {
      return e;
    }
    synchronized (lock) {
      checkOpen();
      if (ownedExecutor == null) {
        ownedExecutor = TaskExecutors.newDefault(threadNames);
      }
      return ownedExecutor;
    }
  }

  /**
   * Returns the recorder every call is reported to, if there is one.
   *
   * @return the recorder, or empty
   */
  public Optional<CallRecorder> recorder() {
    return Optional.ofNullable(recorder);
  }

  /**
   * Returns the grace period of each shutdown phase, of this context's threads and of the engines
   * built with it.
   *
   * @return the grace period
   */
  public Duration closeGrace() {
    return closeGrace;
  }

  /**
   * Returns whether the scheduler is owned by this context (none was given to the builder).
   *
   * @return {@code true} if {@link #close()} stops it
   */
  public boolean ownsScheduler() {
    return borrowedScheduler == null;
  }

  /**
   * Returns whether the executor is owned by this context (none was given to the builder).
   *
   * @return {@code true} if {@link #close()} stops it
   */
  public boolean ownsExecutor() {
    return borrowedExecutor == null;
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Returns whether the threads this context owns have ended: {@code true} if it never started
   * them.
   *
   * @return {@code true} once they have
   */
  public boolean isTerminated() {
    DefaultScheduler s = ownedScheduler;
    ExecutorService e = ownedExecutor;
    return (s == null || s.isTerminated()) && (e == null || e.isTerminated());
  }

  /**
   * Stops the scheduler and the executor this context owns, each gracefully and then by
   * interrupting after the grace period; borrowed ones are left to their owner. From then on the
   * context creates no thread. Calling it again does nothing.
   */
  @Override
  public void close() {
    DefaultScheduler s;
    ExecutorService e;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = ownedScheduler;
      e = ownedExecutor;
    }
    try {
      if (s != null) {
        s.close();
      }
    } finally {
      if (e != null) {
        Shutdown.stop(e, closeGrace);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the engine context is closed");
    }
  }

  @Override
  public String toString() {
    return "EngineContext[scheduler "
        + (ownsScheduler() ? "owned" : "borrowed")
        + ", executor "
        + (ownsExecutor() ? "owned" : "borrowed")
        + (closed ? ", closed]" : "]");
  }

  /**
   * Builds an {@link EngineContext}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private Executor executor;
    private CallRecorder recorder;
    private Duration closeGrace = Shutdown.DEFAULT_GRACE;
    private String threadNames = "engine";

    private Builder() {}

    /**
     * Sets the clock; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Lends a scheduler, which its owner stops; default one owned by the context.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Lends an executor, which its owner stops; default one owned by the context.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Validate.notNull("executor", executor);
      return this;
    }

    /**
     * Reports every call of the engines to a recorder, such as the telemetry hub; default none.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    /**
     * Sets the grace period of each shutdown phase; default 5 s.
     *
     * @param grace the grace period, in [0, 1h]
     * @return this builder
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Shutdown.checkGrace(grace);
      return this;
    }

    /**
     * Sets the word in the names of the threads the context owns, {@code tailguard-<word>-N};
     * default {@code engine}.
     *
     * @param word a short word, such as {@code hedge}
     * @return this builder
     */
    public Builder threadNames(String word) {
      Validate.notNull("threadNames", word);
      if (word.isBlank()) {
        throw new IllegalArgumentException("threadNames must not be blank");
      }
      this.threadNames = word;
      return this;
    }

    /**
     * Creates the context; it starts no thread.
     *
     * @return the context
     */
    public EngineContext build() {
      return new EngineContext(this);
    }
  }
}
