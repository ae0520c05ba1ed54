package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The exception rules' matching of a failure and of its causes, and the unwrapping of futures. */
class FailuresTest {

  private static final List<Class<? extends Throwable>> IO_OR_TIMEOUT =
      List.of(IOException.class, TimeoutException.class);

  /** A failure {@code depth} causes above {@code root}. */
  private static Throwable wrapped(Throwable root, int depth) {
    Throwable t = root;
    for (int i = 0; i < depth; i++) {
      t = new RuntimeException("level " + i, t);
    }
    return t;
  }

  @Test
  void isAnyMatchesInstancesOfAnyType() {
    assertThat(Failures.isAny(IO_OR_TIMEOUT, new IOException())).isTrue();
    assertThat(Failures.isAny(IO_OR_TIMEOUT, new java.io.FileNotFoundException())).isTrue();
    assertThat(Failures.isAny(IO_OR_TIMEOUT, new TimeoutException())).as("the last type").isTrue();
    assertThat(Failures.isAny(IO_OR_TIMEOUT, new IllegalStateException())).isFalse();
    assertThat(Failures.isAny(List.of(), new IOException())).isFalse();
    assertThat(Failures.isAny(IO_OR_TIMEOUT, null)).isFalse();
    assertThat(Failures.isAny(IO_OR_TIMEOUT, new UncheckedIOException(new IOException())))
        .as("only the failure itself")
        .isFalse();
  }

  @Test
  void isAnyInChainFollowsCausesUpToTheDepthLimit() {
    assertThat(Failures.isAnyInChain(IO_OR_TIMEOUT, new TimeoutException())).isTrue();
    assertThat(Failures.isAnyInChain(IO_OR_TIMEOUT, wrapped(new IOException(), 1))).isTrue();
    assertThat(Failures.isAnyInChain(IO_OR_TIMEOUT, wrapped(new IOException(), 3))).isTrue();
    // The failure itself and MAX_CAUSE_DEPTH - 1 causes are looked at, no more.
    assertThat(
            Failures.isAnyInChain(
                IO_OR_TIMEOUT, wrapped(new IOException(), Failures.MAX_CAUSE_DEPTH - 1)))
        .isTrue();
    assertThat(
            Failures.isAnyInChain(
                IO_OR_TIMEOUT, wrapped(new IOException(), Failures.MAX_CAUSE_DEPTH)))
        .isFalse();
    assertThat(Failures.isAnyInChain(IO_OR_TIMEOUT, wrapped(new IllegalStateException(), 3)))
        .isFalse();
    assertThat(Failures.isAnyInChain(IO_OR_TIMEOUT, null)).isFalse();
    assertThat(Failures.isAnyInChain(List.of(), new IOException())).isFalse();
  }

  @Test
  void isAnyInChainEndsOnACycle() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b); // a -> b -> a -> ...
    assertThat(Failures.isAnyInChain(IO_OR_TIMEOUT, a)).isFalse();
    assertThat(Failures.isAnyInChain(List.of(IllegalStateException.class), a)).isFalse();
  }

  @Test
  void unwrapStripsFutureWrappersOnly() {
    IOException root = new IOException("root");
    assertThat(Failures.unwrap(root)).isSameAs(root);
    assertThat(Failures.unwrap(new CompletionException(root))).isSameAs(root);
    assertThat(Failures.unwrap(new ExecutionException(root))).isSameAs(root);
    assertThat(Failures.unwrap(new CompletionException(new ExecutionException(root))))
        .isSameAs(root);
    assertThat(Failures.unwrap(new ExecutionException(new CompletionException(root))))
        .isSameAs(root);
    RuntimeException other = new RuntimeException(root);
    assertThat(Failures.unwrap(new CompletionException(other))).isSameAs(other);
    CompletionException empty = new CompletionException("no cause", null);
    assertThat(Failures.unwrap(empty)).isSameAs(empty);
    ExecutionException emptyExecution = new ExecutionException("no cause", null);
    assertThat(Failures.unwrap(emptyExecution)).isSameAs(emptyExecution);
    assertThat(Failures.unwrap(null)).isNull();
  }
}
