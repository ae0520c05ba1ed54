package io.tailguard.core.hedge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Blocking attempts whose answers the test releases one by one: attempt {@code k} signals {@link
 * #started(int)} and then waits for {@link #answer(int, String)} or {@link #fail(int,
 * RuntimeException)}; if its thread is interrupted it signals {@link #interrupted(int)}.
 */
final class ControlledAttempts implements Function<AttemptContext, String> {

  static final int MAX = 12;

  private final CountDownLatch[] started = new CountDownLatch[MAX];
  private final CountDownLatch[] interrupted = new CountDownLatch[MAX];
  private final CompletableFuture<String>[] answers;
  final AttemptContext[] contexts = new AttemptContext[MAX];

  @SuppressWarnings("unchecked")
  ControlledAttempts() {
    answers = new CompletableFuture[MAX];
    for (int i = 0; i < MAX; i++) {
      started[i] = new CountDownLatch(1);
      interrupted[i] = new CountDownLatch(1);
      answers[i] = new CompletableFuture<>();
    }
  }

  @Override
  public String apply(AttemptContext context) {
    int k = context.attempt();
    contexts[k] = context;
    started[k].countDown();
    try {
      return answers[k].get();
    } catch (InterruptedException e) {
      interrupted[k].countDown();
      throw new IllegalStateException("attempt " + k + " interrupted", e);
    } catch (ExecutionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  void answer(int k, String value) {
    answers[k].complete(value);
  }

  void fail(int k, RuntimeException error) {
    answers[k].completeExceptionally(error);
  }

  void awaitStarted(int k) {
    await(started[k], "attempt " + k + " to start");
  }

  boolean hasStarted(int k) {
    return started[k].getCount() == 0;
  }

  void awaitInterrupted(int k) {
    await(interrupted[k], "attempt " + k + " to be interrupted");
  }

  private static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError(new TimeoutException("waited 10s for " + what));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
