package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Single-flight sharing by key, on futures the test completes itself. */
class SingleFlightTest {

  final SingleFlight flight = new SingleFlight();
  final AtomicInteger started = new AtomicInteger();

  CompletableFuture<String> execution = new CompletableFuture<>();

  CompletableFuture<String> share(Object key) {
    return flight.share(
        key,
        () -> {
          started.incrementAndGet();
          return execution;
        });
  }

  @Test
  void equalKeysShareOneExecutionWhileItRuns() {
    CompletableFuture<String> first = share("q");
    CompletableFuture<String> second = share(new String("q"));
    assertThat(started).hasValue(1);
    assertThat(flight.joined()).isEqualTo(1);
    assertThat(flight.running()).isEqualTo(1);

    execution.complete("answer");

    assertThat(first).isCompletedWithValue("answer");
    assertThat(second).isCompletedWithValue("answer");
    assertThat(flight.running()).isZero();
  }

  @Test
  void differentKeysDoNotShare() {
    share("a");
    share("b");
    assertThat(started).hasValue(2);
    assertThat(flight.joined()).isZero();
  }

  @Test
  void aCallAfterTheExecutionEndedStartsANewOne() {
    share("q");
    execution.complete("old");
    execution = new CompletableFuture<>();
    CompletableFuture<String> later = share("q");
    assertThat(started).hasValue(2);
    execution.complete("new");
    assertThat(later).isCompletedWithValue("new");
  }

  @Test
  void cancellingOneCallersFutureDetachesOnlyThatCaller() {
    CompletableFuture<String> first = share("q");
    CompletableFuture<String> second = share("q");
    first.cancel(true);
    assertThat(execution).isNotDone();
    execution.complete("answer");
    assertThat(second).isCompletedWithValue("answer");
  }

  @Test
  void aFailureReachesEveryCallerUnwrapped() {
    CompletableFuture<String> first = share("q");
    CompletableFuture<String> second = share("q");
    IOException down = new IOException("down");
    execution.completeExceptionally(new CompletionException(down));
    assertThat(first).failsWithin(Duration.ZERO).withThrowableThat().withCause(down);
    assertThat(second).failsWithin(Duration.ZERO).withThrowableThat().withCause(down);
  }

  @Test
  void aStartThatThrowsFreesTheKey() {
    IllegalStateException closed = new IllegalStateException("closed");
    assertThatThrownBy(
            () ->
                flight.share(
                    "q",
                    () -> {
                      throw closed;
                    }))
        .isSameAs(closed);
    assertThat(flight.running()).isZero();
    share("q");
    assertThat(started).as("the next call starts its own execution").hasValue(1);
  }
}
