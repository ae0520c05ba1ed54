package io.tailguard.core.hedge;

import io.tailguard.core.internal.Durations;
import java.time.Duration;

/**
 * Thrown (or completes a future) when a hedged call has no answer within its timeout. Every attempt
 * has been cancelled (its {@link AttemptContext#cancelReason()} is {@link
 * AttemptContext.CancelReason#TIMED_OUT TIMED_OUT}), and with the hedger's breaker each attempt
 * still running counted as a failure. The failures of attempts that ended earlier are attached as
 * suppressed exceptions, each distinct instance once.
 *
 * <p>Instances are thread-safe once thrown.
 */
public final class HedgeTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final transient Duration timeout;
  private final int attempts;

  /**
   * Creates the exception.
   *
   * @param name the hedger
   * @param timeout the timeout that passed
   * @param attempts how many attempts had started
   */
  public HedgeTimeoutException(String name, Duration timeout, int attempts) {
    super(
        "Hedged call of '"
            + name
            + "' timed out after "
            + Durations.format(timeout)
            + " with "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts"));
    this.name = name;
    this.timeout = timeout;
    this.attempts = attempts;
  }

  /**
   * Returns the hedger's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the timeout that passed.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Returns how many attempts had started.
   *
   * @return the attempt count
   */
  public int attempts() {
    return attempts;
  }
}
