package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the propagators of a call apply: in their order, only to attempts on other threads than the
 * one that started the call, with the attempt's failures passed through unchanged, and a clear
 * error when a propagator or a task decorator breaks its contract.
 */
class AttemptContextsTests {

  final ExecutorService other = Executors.newSingleThreadExecutor();
  final List<String> log = new ArrayList<>();

  @AfterEach
  void stop() {
    other.shutdownNow();
  }

  /** Logs its name when it captures, and around each attempt it runs. */
  AttemptContextPropagator logging(String name) {
    return reactorContext -> {
      synchronized (log) {
        log.add("capture " + name);
      }
      return attempt -> {
        synchronized (log) {
          log.add("enter " + name);
        }
        try {
          attempt.run();
        } finally {
          synchronized (log) {
            log.add("exit " + name);
          }
        }
      };
    };
  }

  <T> T onOtherThread(java.util.concurrent.Callable<T> task) throws Exception {
    Future<T> f = other.submit(task);
    return f.get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code attempt} through {@code call} on the other thread: what it threw, or null. */
  Throwable thrownOnOtherThread(AttemptContexts.Call call, Supplier<?> attempt) throws Exception {
    return onOtherThread(
        () -> {
          try {
            call.run(attempt);
            return null;
          } catch (Throwable t) {
            return t;
          }
        });
  }

  @Test
  void anAttemptOnAnotherThreadRunsInsideEveryPropagatorOutermostFirst() throws Exception {
    AttemptContexts contexts = AttemptContexts.of(List.of(logging("a"), logging("b")));
    AttemptContexts.Call call = contexts.capture(null);
    String result =
        call.start(
            () -> {
              try {
                return onOtherThread(() -> call.run(() -> "answer"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(result).isEqualTo("answer");
    assertThat(log)
        .containsExactly("capture a", "capture b", "enter a", "enter b", "exit b", "exit a");
  }

  @Test
  void anAttemptOnTheStartingThreadRunsAsItIs() {
    AttemptContexts.Call call = AttemptContexts.of(List.of(logging("a"))).capture(null);
    assertThat(call.start(() -> call.run(() -> "here"))).isEqualTo("here");
    assertThat(log).containsExactly("capture a");
  }

  @Test
  void onceTheCallHasStartedTheStartingThreadIsJustAnotherThread() {
    // An asynchronous call's caller may later run one of its hedges as an executor thread.
    AttemptContexts.Call call = AttemptContexts.of(List.of(logging("a"))).capture(null);
    call.start(() -> null);
    assertThat(call.run(() -> "later")).isEqualTo("later");
    assertThat(log).containsExactly("capture a", "enter a", "exit a");
  }

  @Test
  void anAttemptsFailureComesThroughUnchangedAndThePropagatorsStillExit() throws Exception {
    AttemptContexts.Call call = AttemptContexts.of(List.of(logging("a"))).capture(null);
    IOException failure = new IOException("down");
    Throwable thrown =
        thrownOnOtherThread(
            call,
            () -> {
              throw Sneaky.rethrow(failure);
            });
    assertThat(thrown).isSameAs(failure);
    assertThat(log).containsExactly("capture a", "enter a", "exit a");
  }

  @Test
  void aPropagatorThatDropsTheAttemptIsAnError() throws Exception {
    AttemptContextPropagator dropping = reactorContext -> attempt -> {};
    AttemptContexts.Call call = AttemptContexts.of(List.of(dropping)).capture(null);
    Throwable thrown = thrownOnOtherThread(call, () -> "never");
    assertThat(thrown)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a context propagator did not run the attempt");
  }

  @Test
  void noPropagatorsCaptureNothing() {
    assertThat(AttemptContexts.of(List.of())).isSameAs(AttemptContexts.NONE);
    assertThat(AttemptContexts.NONE.capture(null).run(() -> "as is")).isEqualTo("as is");
  }

  @Test
  void aTaskDecoratorReturningNullIsNamed() {
    TaskDecoratorPropagator p = new TaskDecoratorPropagator(List.of(runnable -> null));
    assertThatThrownBy(() -> p.capture(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TaskDecorator")
        .hasMessageEndingWith("returned null");
  }

  @Test
  void aTaskDecoratorsRunnableRunsOncePerAttemptAndMayRunOnSeveralThreads() throws Exception {
    List<String> decorated = new ArrayList<>();
    TaskDecoratorPropagator p =
        new TaskDecoratorPropagator(
            List.of(
                runnable -> {
                  decorated.add(Thread.currentThread().getName());
                  return runnable;
                }));
    AttemptContexts.Call call = AttemptContexts.of(List.of(p)).capture(null);
    assertThat(onOtherThread(() -> call.run(() -> "first"))).isEqualTo("first");
    assertThat(onOtherThread(() -> call.run(() -> "second"))).isEqualTo("second");
    // Decorated once, on the calling thread; run once per attempt.
    assertThat(decorated).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void aTaskDecoratorThatRunsItsTaskOnAnotherThreadIsAnError() throws Exception {
    ExecutorService elsewhere = Executors.newSingleThreadExecutor();
    try {
      TaskDecoratorPropagator p =
          new TaskDecoratorPropagator(
              List.of(
                  runnable ->
                      () -> {
                        try {
                          elsewhere.submit(runnable).get(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                          throw new IllegalStateException(e.getCause());
                        }
                      }));
      AttemptContexts.Call call = AttemptContexts.of(List.of(p)).capture(null);
      Throwable thrown = thrownOnOtherThread(call, () -> "never");
      assertThat(thrown)
          .isInstanceOf(IllegalStateException.class)
          .cause()
          .hasMessageContaining("ran its task on another thread");
    } finally {
      elsewhere.shutdownNow();
    }
  }
}
