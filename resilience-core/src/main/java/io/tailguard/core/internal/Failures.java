package io.tailguard.core.internal;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Classifying and unwrapping failures, shared by the engines' exception rules.
 *
 * <p>Not part of the public API. This class is stateless and thread-safe.
 */
public final class Failures {

  /** How deep a chain of causes is followed; guards against cycles and absurd chains. */
  public static final int MAX_CAUSE_DEPTH = 32;

  private Failures() {}

  /**
   * Returns whether {@code failure} is an instance of one of {@code types}.
   *
   * @param types the types
   * @param failure the failure
   * @return {@code true} if one matches
   */
  public static boolean isAny(List<Class<? extends Throwable>> types, Throwable failure) {
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i).isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether {@code failure} or one of its causes (at most {@link #MAX_CAUSE_DEPTH} deep) is
   * an instance of one of {@code types}.
   *
   * @param types the types
   * @param failure the failure
   * @return {@code true} if one matches
   */
  public static boolean isAnyInChain(List<Class<? extends Throwable>> types, Throwable failure) {
    if (types.isEmpty()) {
      return false;
    }
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (isAny(types, t)) {
        return true;
      }
      Throwable cause = t.getCause();
      t = cause == t ? null : cause;
    }
    return false;
  }

  /**
   * Strips the {@link CompletionException} and {@link ExecutionException} wrappers that futures add
   * around a failure.
   *
   * @param error the failure as a future reported it
   * @return the failure itself
   */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
