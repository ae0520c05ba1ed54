package io.tailguard.spring.annotation;

import io.tailguard.core.hedge.AttemptContext;
import java.util.Optional;

/**
 * The attempt of a {@link Hedged} method being run on the current thread.
 *
 * <p>For a blocking method it is set for the whole attempt; for a method returning a stage or a
 * publisher, while the method builds it. Thread-safe: each thread sees its own attempt.
 */
public final class CurrentAttempt {

  private static final ThreadLocal<AttemptContext> CURRENT = new ThreadLocal<>();

  private CurrentAttempt() {}

  /**
   * Returns the attempt running on this thread, if any.
   *
   * @return the attempt context, or empty outside a hedged call
   */
  public static Optional<AttemptContext> get() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Runs {@code body} with {@code attempt} as the current attempt. For the starter's aspects.
   *
   * @param attempt the attempt
   * @param body what to run
   * @param <T> the result type
   * @return what the body returned
   * @throws Throwable what the body threw
   */
  public static <T> T with(AttemptContext attempt, Body<T> body) throws Throwable {
    AttemptContext previous = CURRENT.get();
    CURRENT.set(attempt);
    try {
      return body.run();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /**
   * Something run as an attempt.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface Body<T> {
    /**
     * Runs it.
     *
     * @return the result
     * @throws Throwable anything
     */
    T run() throws Throwable;
  }
}
