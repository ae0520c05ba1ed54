package io.tailguard.core.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Blocks the calling thread for a while. Engines that wait on the caller's thread (a blocking
 * retry's backoff) take a {@code Sleeper} through their builder, so that tests can pass a fake
 * clock that implements it by moving time forward instead of sleeping; an engine whose clock is a
 * {@code Sleeper} uses it by default, so that time and waiting always agree.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits for {@code duration}, or returns at once if it is zero or negative.
   *
   * @param duration how long to wait
   * @throws InterruptedException if the thread is interrupted before or while waiting; its
   *     interrupt status is then cleared, as {@link Thread#sleep(long)} does
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Returns the sleeper that blocks the thread for real, with {@link TimeUnit#sleep(long)}.
   *
   * @return the system sleeper
   */
  static Sleeper system() {
    return duration -> {
      long nanos;
      try {
        nanos = duration.toNanos();
      } catch (ArithmeticException tooLong) {
        nanos = Long.MAX_VALUE;
      }
      if (nanos > 0) {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } else if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    };
  }
}
