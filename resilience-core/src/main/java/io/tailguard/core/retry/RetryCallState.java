package io.tailguard.core.retry;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state of one {@link Retrier} call: its policy, attempts, backoff and the outcome of its last
 * attempt, and the earlier failures it attaches to the final one as suppressed.
 *
 * <p>Not thread-safe: confined to the thread running the call's current step; an asynchronous
 * call's steps are ordered by the completions and hand-overs between them (see Retrier's
 * concurrency comment). Only {@code finished} (claimed by CAS, so a cancellation racing with the
 * last step counts the call once) and {@code attempts} (read by a cancelling thread for its event)
 * are read by other threads.
 */
final class RetryCallState {
  final RetryPolicy policy;
  final long startNanos;
  final AtomicBoolean finished = new AtomicBoolean();
  // Read by a cancelling thread for its event; written by the step thread.
  volatile int attempts;
  long previousDelayNanos;
  // The last attempt's outcome: a failure, or a value (acceptable or not).
  Throwable failure;
  Object value;
  boolean lastWasFailure;
  // Earlier failures, oldest first, at most Retrier.MAX_SUPPRESSED.
  List<Throwable> earlier;
  Throwable extraSuppressed;

  RetryCallState(RetryPolicy policy, long startNanos) {
    this.policy = policy;
    this.startNanos = startNanos;
    this.previousDelayNanos = policy.baseDelay().toNanos();
  }

  void failed(Throwable t) {
    remember();
    failure = t;
    value = null;
    lastWasFailure = true;
  }

  void unacceptable(Object v) {
    remember();
    failure = null;
    value = v;
    lastWasFailure = false;
  }

  void succeeded(Object v) {
    value = v;
    lastWasFailure = false;
  }

  private void remember() {
    if (lastWasFailure && failure != null) {
      if (earlier == null) {
        earlier = new ArrayList<>();
      }
      if (earlier.size() < Retrier.MAX_SUPPRESSED) {
        earlier.add(failure);
      }
    }
  }

  /** The failure to throw, with the earlier ones suppressed. */
  Throwable finalFailure() {
    Throwable last = failure;
    List<Throwable> already = null;
    if (earlier != null) {
      for (Throwable e : earlier) {
        if (e != last) {
          if (already == null) {
            already = List.of(last.getSuppressed());
          }
          if (!containsIdentity(already, e)) {
            last.addSuppressed(e);
          }
        }
      }
    }
    if (extraSuppressed != null) {
      last.addSuppressed(extraSuppressed);
    }
    return last;
  }

  private static boolean containsIdentity(List<Throwable> list, Throwable t) {
    for (Throwable x : list) {
      if (x == t) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  <T> T outcome() throws Exception {
    if (!lastWasFailure) {
      return (T) value;
    }
    Throwable t = finalFailure();
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new UndeclaredThrowableException(t);
  }
}
