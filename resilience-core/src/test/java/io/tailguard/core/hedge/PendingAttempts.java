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

  /**
   * Makes calls whose primaries answer at once until the token their primaries earn goes to a call
   * waiting in the budget's line, which starts its hedge before the primary that earned the token.
   *
   * @return the index in {@code attempts} of the hedge that started
   * @throws AssertionError if no hedge started within 20 calls (a token's worth at 5%)
   */
  static int quickCallsUntilAHedgeStarts(Hedger h, List<CompletableFuture<String>> attempts) {
    for (int i = 0; i < 20; i++) {
      int before = attempts.size();
      CompletableFuture<String> quick = call(h, attempts);
      CompletableFuture<String> primary = attempts.get(attempts.size() - 1);
      primary.complete("quick");
      if (!quick.isDone()) {
        throw new AssertionError("a quick call did not end with its primary");
      }
      if (attempts.size() == before + 2) {
        return before;
      }
    }
    throw new AssertionError("20 primaries earned no token for the call in line");
  }
}
