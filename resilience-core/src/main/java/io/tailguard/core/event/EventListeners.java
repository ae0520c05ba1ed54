package io.tailguard.core.event;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one engine instance or registry, and the delivery of events to them.
 *
 * <p>Engines ask {@link #isEmpty()} before they build an event, so a call made while nobody listens
 * allocates nothing. Each listener runs in registration order on the publishing thread; one that
 * throws is logged (its first failure with a stack trace, later ones at debug level), counted in
 * {@link #failures()}, and skipped, so neither the call nor the other listeners notice.
 *
 * <p>This class is thread-safe: the list is copy-on-write, so publishing takes no lock and sees a
 * consistent snapshot of the listeners registered before it started.
 *
 * @param <E> the event family
 */
public final class EventListeners<E extends ResilienceEvent> {

  private static final Logger log = LoggerFactory.getLogger(EventListeners.class);

  private final CopyOnWriteArrayList<Entry<E>> entries = new CopyOnWriteArrayList<>();
  private final LongAdder failures = new LongAdder();

  /** Creates a list without listeners. */
  public EventListeners() {}

  /**
   * Adds a listener.
   *
   * @param listener the listener
   * @return a subscription that removes it again
   * @throws IllegalArgumentException if {@code listener} is {@code null}
   */
  public Subscription subscribe(EventListener<? super E> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    Entry<E> entry = new Entry<>(listener);
    entries.add(entry);
    return () -> entries.remove(entry);
  }

  /**
   * Returns whether no listener is registered, so the caller can skip building an event.
   *
   * @return {@code true} if publishing would do nothing
   */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Delivers an event to every listener. Never throws because of a listener.
   *
   * @param event the event
   */
  public void publish(E event) {
    Objects.requireNonNull(event, "event");
    for (Entry<E> entry : entries) {
      try {
        entry.listener.onEvent(event);
      } catch (Exception | LinkageError | AssertionError e) {
        // Exception, not RuntimeException: a listener written in Kotlin or with a sneaky throw can
        // throw a checked exception, and it must not escape into the call that published.
        failures.increment();
        if (entry.loggedFailure) {
          log.debug("Event listener {} failed again on {}", entry.listener, event, e);
        } else {
          entry.loggedFailure = true;
          log.warn(
              "Event listener {} failed on {}; the event is skipped for this listener and further"
                  + " failures are logged at debug level",
              entry.listener,
              event,
              e);
        }
      }
    }
  }

  /**
   * Returns how many times a listener has thrown.
   *
   * @return the number of listener failures since creation
   */
  public long failures() {
    return failures.sum();
  }

  private static final class Entry<E extends ResilienceEvent> {
    final EventListener<? super E> listener;

    // Racy on purpose: at worst a second failure is also logged at warn level.
    volatile boolean loggedFailure;

    Entry(EventListener<? super E> listener) {
      this.listener = listener;
    }
  }
}
