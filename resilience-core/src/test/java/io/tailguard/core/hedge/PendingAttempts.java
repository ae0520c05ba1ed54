package io.tailguard.core.hedge;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous attempts that stay pending until the test completes them: each attempt a hedged call
 * starts is a new future, added to the test's list in the order the attempts start.
 */
final class PendingAttempts {

  private PendingAttempts() {}

  /** Starts {@code h.callAsync} with attempts that {@code attempts} collects, pending. */
  static CompletableFuture<String> call(Hedger h, List<CompletableFuture<String>> attempts) {
    return h.callAsync(
        ctx -> {
          CompletableFuture<String> f = new CompletableFuture<>();
          attempts.add(f);
          return f;
        });
  }
}
