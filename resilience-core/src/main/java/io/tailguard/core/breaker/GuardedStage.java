package io.tailguard.core.breaker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link CircuitBreaker#callAsync(Supplier)}: ties a {@link CallGuard} to a {@link
 * CompletionStage}, so the stage's completion records the outcome and cancelling the returned
 * future releases the permit and cancels the stage.
 *
 * <p>Not part of the public API. Stateless and thread-safe; each call's guard is completed once, by
 * whichever of the stage's completion and the future's cancellation comes first (the guard ignores
 * the second).
 */
final class GuardedStage {

  private GuardedStage() {}

  /**
   * Starts a call under {@code breaker}. Never blocks; a refusal completes the future with {@link
   * CircuitRejectedException}.
   */
  static <T> CompletableFuture<T> start(
      CircuitBreaker breaker, Supplier<? extends CompletionStage<T>> supplier) {
    CallGuard guard;
    try {
      guard = breaker.acquire();
    } catch (CircuitRejectedException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<T> stage;
    try {
      stage = supplier.get();
    } catch (Throwable t) {
      guard.failure(t);
      return CompletableFuture.failedFuture(t);
    }
    if (stage == null) {
      guard.release();
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the supplier given to callAsync of circuit breaker '"
                  + breaker.name()
                  + "' returned null instead of a CompletionStage"));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          if (error == null) {
            guard.success();
            result.complete(value);
          } else {
            Throwable cause = unwrap(error);
            guard.failure(cause);
            result.completeExceptionally(cause);
          }
        });
    result.whenComplete(
        (value, error) -> {
          if (result.isCancelled()) {
            guard.release();
            cancel(stage);
          }
        });
    return result;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static void cancel(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException e) {
      // a stage that cannot be converted cannot be cancelled either
    }
  }
}
