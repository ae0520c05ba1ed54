package io.tailguard.spring.aop;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Rethrows any throwable unchanged, checked ones included, and unwraps future wrappers. */
final class Sneaky {

  private Sneaky() {}

  static RuntimeException rethrow(Throwable t) {
    throw Sneaky.<RuntimeException>cast(t);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T cast(Throwable t) throws T {
    throw (T) t;
  }

  static Throwable unwrap(Throwable t) {
    Throwable u = t;
    while ((u instanceof CompletionException || u instanceof ExecutionException)
        && u.getCause() != null) {
      u = u.getCause();
    }
    return u;
  }
}
