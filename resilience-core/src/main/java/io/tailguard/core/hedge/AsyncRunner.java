package io.tailguard.core.hedge;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Starts an asynchronous attempt: the primary on the caller's thread, hedges on the executor.
 *
 * <p>One runner per call; it holds no state of its own beyond the body and the executor.
 */
final class AsyncRunner<T> implements HedgedCall.Runner<T> {
  private final Function<AttemptContext, ? extends CompletionStage<T>> body;
  private final Executor executor;

  AsyncRunner(Function<AttemptContext, ? extends CompletionStage<T>> body, Executor executor) {
    this.body = body;
    this.executor = executor;
  }

  @Override
  public void start(HedgedCall<T> call, HedgedCall.Attempt<T> attempt) {
    Runnable run =
        () -> {
          CompletionStage<T> stage;
          try {
            stage = body.apply(attempt.context);
          } catch (RuntimeException | Error e) {
            call.attemptEnded(attempt, null, e);
            return;
          }
          if (stage == null) {
            call.attemptEnded(
                attempt,
                null,
                new IllegalStateException(
                    "the attempt function of hedger '"
                        + attempt.context.hedger()
                        + "' returned null instead of a CompletionStage"));
            return;
          }
          attempt.setStage(stage);
          stage.whenComplete((v, e) -> call.attemptEnded(attempt, v, e));
        };
    if (attempt.index == 0) {
      run.run();
    } else {
      executor.execute(run);
    }
  }
}
