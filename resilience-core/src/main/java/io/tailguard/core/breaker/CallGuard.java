package io.tailguard.core.breaker;

import io.tailguard.core.internal.window.OutcomeCells;
import io.tailguard.core.internal.window.RollingWindow;
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
// The superclass is the window's claim flag, kept inside the guard so a call allocates one object;
// it has no public members, so a client of the module misses nothing by not seeing it.
@SuppressWarnings("exports")
public final class CallGuard extends OutcomeCells.Claim implements AutoCloseable {

  static final int KIND_CLOSED = 0;
  static final int KIND_HALF_OPEN = 1;
  static final int KIND_DISABLED = 2;

  final CircuitBreaker breaker;
  // The configuration in force when the permit was granted; the whole call is judged by it.
  final CircuitConfig config;
  final long startNanos;
  final int kind;
  // The window this call counts into while CLOSED; null otherwise.
  final RollingWindow window;
  // The breaker generation whose half-open permit this guard holds; meaningful for KIND_HALF_OPEN.
  final long generation;
  // The stripe of the breaker's outcome cells under whose lock the outcome is claimed, once.
  final OutcomeCells.Stripe stripe;

  CallGuard(
      CircuitBreaker breaker,
      CircuitConfig config,
      long startNanos,
      int kind,
      RollingWindow window,
      long generation,
      OutcomeCells.Stripe stripe) {
    this.breaker = breaker;
    this.config = config;
    this.startNanos = startNanos;
    this.kind = kind;
    this.window = window;
    this.generation = generation;
    this.stripe = stripe;
  }

  /** Reports that the call succeeded. */
  public void success() {
    breaker.complete(this, false);
  }

  /** Reports that the call failed, without an exception to classify. */
  public void failure() {
    breaker.complete(this, true);
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
    if (failure == null) {
      breaker.complete(this, true);
    } else if (failure instanceof InterruptedException
        || failure instanceof CancellationException
        || Thread.currentThread().isInterrupted()) {
      if (breaker.claim(this)) {
        breaker.abandon(this);
      }
    } else if (breaker.claim(this)) {
      breaker.completeExceptionally(this, failure);
    }
  }

  /**
   * Returns the permit without reporting an outcome, for a call that was abandoned rather than
   * answered, such as a hedge attempt cancelled because another attempt won.
   */
  public void release() {
    if (breaker.claim(this)) {
      breaker.abandon(this);
    }
  }

  /**
   * Reports a failure if no outcome has been reported yet, so a guard used in try-with-resources
   * whose body threw counts as failed.
   */
  @Override
  public void close() {
    if (!isClaimed()) { // after success() or failure(): nothing to do, no clock read, no CAS
      breaker.complete(this, true);
    }
  }

  /**
   * Returns whether an outcome has been reported.
   *
   * @return {@code true} once any of the reporting methods has run
   */
  public boolean isDone() {
    return isClaimed();
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
