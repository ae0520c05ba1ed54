package io.tailguard.core.event;

/**
 * A listener's registration; closing it removes the listener. Closing twice is harmless.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Removes the listener. Events already being delivered may still reach it. */
  @Override
  void close();
}
