package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * What a hedged call leaves in its breaker (a failure counted, a refused attempt's permit given
 * back) and in its budget (a token given back only for a hedge that took one), and which refusal
 * the call fails with. Asynchronous calls on one thread.
 */
class HedgeBreakerAndBudgetAccountingTest {

  final FakeClock clock = new FakeClock();
  final List<CompletableFuture<String>> attempts = new ArrayList<>();
  final List<AttemptContext> contexts = new ArrayList<>();

  static HedgeConfig.Builder fixed(long millis) {
    return HedgeConfig.builder()
        .maxHedges(1)
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(millis))
                .build());
  }

  Hedger.Builder hedger(HedgeConfig config) {
    return Hedger.builder("accounting")
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run);
  }

  CompletableFuture<String> call(Hedger h) {
    return h.callAsync(
        ctx -> {
          CompletableFuture<String> f = new CompletableFuture<>();
          attempts.add(f);
          contexts.add(ctx);
          return f;
        });
  }

  static CircuitRejectedException refusal(String name) {
    return new CircuitRejectedException(
        name, CircuitRejectedException.Reason.OPEN, Duration.ofSeconds(1));
  }

  static Throwable failureOf(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("not failed");
  }

  CircuitBreaker halfOpenAfterOneFailure(int trialPermits) {
    CircuitBreaker breaker =
        CircuitBreaker.builder("accounting")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(1)
                    .openCooldown(Duration.ofMillis(50))
                    .halfOpenMaxConcurrent(trialPermits)
                    .halfOpenRequiredSuccesses(2)
                    .build())
            .build();
    breaker.acquire().failure(); // trips: minCalls 1
    clock.advance(Duration.ofMillis(50));
    return breaker;
  }

  @Test
  void aHedgeTheExecutorRefusesGivesItsTrialPermitBack() {
    CircuitBreaker breaker = halfOpenAfterOneFailure(2);
    List<CompletableFuture<String>> stages = new ArrayList<>();
    Hedger h =
        Hedger.builder("accounting")
            .config(fixed(100).build())
            .clock(clock)
            .scheduler(clock)
            .executor(
                task -> {
                  throw new java.util.concurrent.RejectedExecutionException("saturated");
                })
            .breaker(breaker)
            .build();
    CompletableFuture<String> first =
        h.callAsync(
            ctx -> {
              CompletableFuture<String> f = new CompletableFuture<>();
              stages.add(f);
              return f;
            });
    clock.advance(Duration.ofMillis(100)); // the hedge takes the second permit, then is refused
    assertThat(h.metrics().executorRefusals()).isEqualTo(1);
    // The second permit is free again for another call's primary.
    CompletableFuture<String> second =
        h.callAsync(
            ctx -> {
              CompletableFuture<String> f = new CompletableFuture<>();
              stages.add(f);
              return f;
            });
    assertThat(stages).hasSize(2);
    stages.get(0).complete("one");
    stages.get(1).complete("two");
    assertThat(first).isCompletedWithValue("one");
    assertThat(second).isCompletedWithValue("two");
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aHedgeWhoseCallEndedWhileItTookAPermitNeverRunsAndGivesThePermitBack() {
    CircuitBreaker breaker =
        CircuitBreaker.builder("accounting")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(1)
                    .openCooldown(Duration.ofMillis(50))
                    .halfOpenMaxConcurrent(1)
                    .halfOpenRequiredSuccesses(1)
                    .build())
            .build();
    Hedger h = hedger(fixed(100).build()).breaker(breaker).build();
    CompletableFuture<String> r = call(h); // the primary's permit: closed breaker
    breaker.acquire().failure(); // trips
    // The hedge's permit turns the breaker half-open; a listener of that transition completes the
    // primary, so the call ends while the hedge is being started.
    breaker.subscribe(
        e -> {
          if (breaker.state() == CircuitState.HALF_OPEN && !attempts.get(0).isDone()) {
            attempts.get(0).complete("primary");
          }
        });
    clock.advance(Duration.ofMillis(100));
    assertThat(r).isCompletedWithValue("primary");
    assertThat(attempts).hasSize(1); // the hedge's body never ran
    // Its trial permit came back: another call gets it.
    CompletableFuture<String> next = call(h);
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("trial");
    assertThat(next).isCompletedWithValue("trial");
  }

  @Test
  void aFailedAttemptCountsAsAFailureAtTheHedgersBreaker() {
    CircuitBreaker breaker = CircuitBreaker.builder("accounting").clock(clock).build();
    Hedger h = hedger(fixed(100).build()).breaker(breaker).build();
    CompletableFuture<String> r = call(h);
    attempts.get(0).completeExceptionally(new IllegalStateException("down"));
    attempts.get(1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
    assertThat(breaker.metrics().failedCalls()).isEqualTo(1);
    assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
  }

  @Test
  void aTrialAttemptRefusedFurtherDownGivesItsPermitBack() {
    CircuitBreaker breaker =
        CircuitBreaker.builder("accounting")
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(1)
                    .openCooldown(Duration.ofSeconds(1))
                    .halfOpenMaxConcurrent(1)
                    .halfOpenRequiredSuccesses(1)
                    .build())
            .build();
    Hedger h = hedger(fixed(100).build()).breaker(breaker).build();
    breaker.acquire().failure(); // trips: minCalls 1
    clock.advance(Duration.ofSeconds(1));

    CompletableFuture<String> refused = call(h); // takes the only trial permit
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    attempts.get(0).completeExceptionally(refusal("inner"));
    assertThat(failureOf(refused)).isInstanceOf(CircuitRejectedException.class);

    // The permit came back: the next call gets the trial and closes the breaker.
    CompletableFuture<String> trial = call(h);
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("ok");
    assertThat(trial).isCompletedWithValue("ok");
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aHedgeTheHedgersBreakerRefusesGetsItsTokenBack() {
    CircuitBreaker breaker = CircuitBreaker.builder("accounting").clock(clock).build();
    Hedger h =
        hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 3)).build()).breaker(breaker).build();
    CompletableFuture<String> r = call(h);
    double before = h.availableBudget();
    breaker.forceOpen();
    clock.advance(Duration.ofMillis(100)); // the hedge takes a token, the breaker refuses it
    assertThat(attempts).hasSize(1);
    assertThat(h.availableBudget()).isEqualTo(before);
    attempts.get(0).complete("primary");
    assertThat(r).isCompletedWithValue("primary");
  }

  @Test
  void aPrimaryTheHedgersBreakerRefusesTakesNoTokenSoGetsNoneBack() {
    CircuitBreaker breaker = CircuitBreaker.builder("accounting").clock(clock).build();
    Hedger h =
        hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 3)).build()).breaker(breaker).build();
    spendOneToken(h);
    double before = h.availableBudget();
    breaker.forceOpen();
    assertThat(failureOf(call(h))).isInstanceOf(CircuitRejectedException.class);
    assertThat(h.availableBudget()).isCloseTo(before + 0.05, within(1e-9));
  }

  @Test
  void aPrimaryRefusedInsideItsAttemptTakesNoTokenSoGetsNoneBack() {
    Hedger h = hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 3)).build()).build();
    spendOneToken(h);
    double before = h.availableBudget();
    CompletableFuture<String> r = call(h);
    attempts.get(attempts.size() - 1).completeExceptionally(refusal("inner"));
    assertThat(failureOf(r)).isInstanceOf(CircuitRejectedException.class);
    assertThat(h.availableBudget()).isCloseTo(before + 0.05, within(1e-9));
  }

  @Test
  void aHedgeRefusedInsideItsAttemptGetsItsTokenBack() {
    Hedger h = hedger(fixed(100).budget(new BudgetConfig(0.05, 0, 3)).build()).build();
    CompletableFuture<String> r = call(h);
    double before = h.availableBudget();
    clock.advance(Duration.ofMillis(100));
    assertThat(h.availableBudget()).isCloseTo(before - 1, within(1e-9));
    attempts.get(1).completeExceptionally(refusal("inner"));
    assertThat(h.availableBudget()).isCloseTo(before, within(1e-9));
    attempts.get(0).complete("primary");
    assertThat(r).isCompletedWithValue("primary");
  }

  /** Sends one call whose hedge wins, so the budget is below its burst. */
  void spendOneToken(Hedger h) {
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(attempts.size() - 1).complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");
  }

  @Test
  void ofTwoRefusalsTheCallFailsWithTheFirst() {
    Hedger h = hedger(fixed(100).build()).build();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    CircuitRejectedException first = refusal("first");
    CircuitRejectedException second = refusal("second");
    attempts.get(1).completeExceptionally(first);
    assertThat(r).isNotDone(); // the primary is left to answer
    attempts.get(0).completeExceptionally(second);
    assertThat(failureOf(r)).isSameAs(first);
  }

  @Test
  void aFatalFailureTellsTheOtherAttemptsThatTheCallFailed() {
    Hedger h =
        hedger(fixed(100).fatalExceptions(List.of(UnsupportedOperationException.class)).build())
            .build();
    CompletableFuture<String> r = call(h);
    clock.advance(Duration.ofMillis(100));
    attempts.get(1).completeExceptionally(new UnsupportedOperationException("fatal"));
    assertThat(failureOf(r)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(contexts.get(0).cancelReason()).contains(AttemptContext.CancelReason.CALL_FAILED);
  }
}
