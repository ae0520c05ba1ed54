package io.tailguard.core;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Thrown by a strict registry asked for an instance it was not configured with.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class UnknownInstanceException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String engine;
  private final String name;
  // An array, not a List: a field of a Serializable class must have a serializable type.
  private final String[] known;

  /**
   * Creates the exception.
   *
   * @param engine what kind of instance, for example {@code circuit breaker}
   * @param name the unknown name
   * @param known the names the registry knows
   */
  public UnknownInstanceException(String engine, String name, Set<String> known) {
    super(
        "unknown "
            + engine
            + " '"
            + name
            + "': the registry is strict and knows only "
            + new TreeSet<>(known));
    this.engine = engine;
    this.name = name;
    this.known = new TreeSet<>(known).toArray(new String[0]);
  }

  /**
   * Returns the kind of instance asked for.
   *
   * @return for example {@code circuit breaker}
   */
  public String engine() {
    return engine;
  }

  /**
   * Returns the unknown name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the names the registry knows, sorted.
   *
   * @return the known names
   */
  public List<String> known() {
    return List.of(known);
  }
}
