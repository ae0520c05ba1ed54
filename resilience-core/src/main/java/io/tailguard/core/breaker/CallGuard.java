package io.tailguard.core.breaker;

import io.tailguard.core.breaker.window.RollingWindow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;

/**
 * A permit for one call through a {@link CircuitBreaker}, and the place to report its outcome.
 *
 * <pre>{@code
 * try (CallGuard guard = breaker.acquire()) {
 *   Quote quote = client.fetch(symbol);
 *   guard.success();
 *   return quote;
 * } // a guard closed without an outcome counts as a failure
 * }</pre>
 *
 * <p>The latency of the call is measured from {@link CircuitBreaker#acquire()} to the outcome. The
 * first of {@link #success()}, {@link #failure(Throwable)}, {@link #release()} or {@link #close()}
 * decides the outcome; later calls do nothing, so a half-open permit is returned exactly once and
 * can never leak as long as the guard is closed.
 *
 * <p>This class is thread-safe: the outcome may be reported from any thread, for example from the
 * callback of an asynchronous call.
 */
public final class CallGuard implements AutoCloseable {

  static final int KIND_CLOSED = 0;
  static final int KIND_HALF_OPEN = 1;
  static final int KIND_DISABLED = 2;

  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(CallGuard.class, "done", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final CircuitBreaker breaker;
  // The configuration in force when the permit was granted; the whole call is judged by it.
  final CircuitConfig config;
  final long startNanos;
  final int kind;
  // The window this call counts into while CLOSED; null otherwise.
  final RollingWindow window;
  // The breaker generation whose half-open permit this guard holds; meaningful for KIND_HALF_OPEN.
  final long generation;

  // 0 until the outcome is claimed by CAS, then 1. Exactly one claimant reports an outcome.
  @SuppressWarnings("unused") // accessed through DONE
  private volatile int done;

  CallGuard(
      CircuitBreaker breaker,
      CircuitConfig config,
      long startNanos,
      int kind,
      RollingWindow window,
      long generation) {
    this.breaker = breaker;
    this.config = config;
    this.startNanos = startNanos;
    this.kind = kind;
    this.window = window;
    this.generation = generation;
  }

  private boolean claim() {
    return DONE.compareAndSet(this, 0, 1);
  }

  /** Reports that the call succeeded. */
  public void success() {
    if (claim()) {
      breaker.complete(this, false);
    }
  }

  /** Reports that the call failed, without an exception to classify. */
  public void failure() {
    if (claim()) {
      breaker.complete(this, true);
    }
  }

  /**
   * Reports that the call failed with {@code failure}, classified by the breaker's configuration:
   * an ignored type releases the permit without counting, a type outside {@code recordExceptions}
   * counts as a success, anything else as a failure. An {@link InterruptedException} or {@link
   * CancellationException}, or any failure reported while the current thread is interrupted, means
   * the caller gave up (for example a losing hedge attempt whose thread was interrupted), so it
   * releases the permit without counting, as {@link #release()} does.
   *
   * @param failure the exception; {@code null} counts as a plain failure
   */
  public void failure(Throwable failure) {
    if (!claim()) {
      return;
    }
    if (failure == null) {
      breaker.complete(this, true);
    } else if (failure instanceof InterruptedException
        || failure instanceof CancellationException
        || Thread.currentThread().isInterrupted()) {
      breaker.abandon(this);
    } else {
      breaker.completeExceptionally(this, failure);
    }
  }

  /**
   * Returns the permit without reporting an outcome, for a call that was abandoned rather than
   * answered, such as a hedge attempt cancelled because another attempt won.
   */
  public void release() {
    if (claim()) {
      breaker.abandon(this);
    }
  }

  /**
   * Reports a failure if no outcome has been reported yet, so a guard used in try-with-resources
   * whose body threw counts as failed.
   */
  @Override
  public void close() {
    if (claim()) {
      breaker.complete(this, true);
    }
  }

  /**
   * Returns whether an outcome has been reported.
   *
   * @return {@code true} once any of the reporting methods has run
   */
  public boolean isDone() {
    return (int) DONE.getVolatile(this) != 0;
  }

  /**
   * Returns whether this guard holds one of the breaker's half-open trial permits.
   *
   * @return {@code true} for a trial call
   */
  public boolean isTrial() {
    return kind == KIND_HALF_OPEN;
  }

  /**
   * Returns the clock time at which the permit was granted.
   *
   * @return the start time in nanoseconds, from the breaker's clock
   */
  public long startNanos() {
    return startNanos;
  }
}
