package io.tailguard.core.event;

/**
 * Receives the events of one engine instance or registry.
 *
 * <p>Listeners run synchronously on the thread that caused the event, often a caller's thread in
 * the middle of a protected call, so they must be quick and must not block. A listener that throws
 * is logged and counted; the exception never reaches the call.
 *
 * @param <E> the event family
 */
@FunctionalInterface
public interface EventListener<E extends ResilienceEvent> {

  /**
   * Handles one event.
   *
   * @param event the event, never {@code null}
   */
  void onEvent(E event);
}
