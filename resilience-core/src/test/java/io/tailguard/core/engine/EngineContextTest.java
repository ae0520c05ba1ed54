package io.tailguard.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine context: what it owns, what it borrows, and that one close stops only what it owns.
 */
class EngineContextTest {

  final FakeClock clock = new FakeClock();

  static Set<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toSet());
  }

  @Test
  void ownsWhatItWasNotGivenAndCreatesItOnFirstUseOnly() {
    try (EngineContext context = EngineContext.builder().build()) {
      assertThat(context.ownsScheduler()).isTrue();
      assertThat(context.ownsExecutor()).isTrue();
      assertThat(context.recorder()).isEmpty();
      assertThat(context.closeGrace()).isEqualTo(Duration.ofSeconds(5));
      assertThat(context.isTerminated()).isTrue(); // nothing created, nothing running
      assertThat(context.scheduler()).isSameAs(context.scheduler());
      assertThat(context.executor()).isSameAs(context.executor());
      assertThat(context.isTerminated()).isFalse();
    }
  }

  @Test
  void closeStopsTheOwnedThreadsAndCreatesNoneAfterwards() throws Exception {
    Set<String> before = threads("tailguard-ctx-test");
    EngineContext context =
        EngineContext.builder().threadNames("ctx-test").closeGrace(Duration.ofSeconds(2)).build();
    CountDownLatch ran = new CountDownLatch(2);
    context.scheduler().schedule(ran::countDown, Duration.ZERO);
    context.executor().execute(ran::countDown);
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();

    context.close();
    context.close(); // again: nothing

    assertThat(context.isClosed()).isTrue();
    assertThat(context.isTerminated()).isTrue();
    assertThatThrownBy(context::scheduler)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the engine context is closed");
    assertThatThrownBy(context::executor).isInstanceOf(IllegalStateException.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(threads("tailguard-ctx-test")).isSubsetOf(before));
  }

  @Test
  void closeLeavesBorrowedThreadsToTheirOwner() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      CallRecorder recorder = (name, engine, outcome, latencyNanos, attempts) -> {};
      EngineContext context =
          EngineContext.builder()
              .clock(clock)
              .scheduler(clock)
              .executor(executor)
              .recorder(recorder)
              .build();
      assertThat(context.ownsScheduler()).isFalse();
      assertThat(context.ownsExecutor()).isFalse();
      assertThat(context.clock()).isSameAs(clock);
      assertThat(context.recorder()).containsSame(recorder);

      context.close();

      assertThat(context.scheduler()).isSameAs(clock); // borrowed: still handed out, still running
      assertThat(executor.submit(() -> "still running").get(10, TimeUnit.SECONDS))
          .isEqualTo("still running");
      assertThat(context.isTerminated()).isTrue();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void badInputIsRefusedNamingTheSetting() {
    EngineContext.Builder b = EngineContext.builder();
    assertThatThrownBy(() -> b.clock(null)).hasMessageContaining("clock");
    assertThatThrownBy(() -> b.scheduler(null)).hasMessageContaining("scheduler");
    assertThatThrownBy(() -> b.executor(null)).hasMessageContaining("executor");
    assertThatThrownBy(() -> b.recorder(null)).hasMessageContaining("recorder");
    assertThatThrownBy(() -> b.closeGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("closeGrace");
    assertThatThrownBy(() -> b.threadNames(" ")).hasMessageContaining("threadNames");
  }

  @Test
  void registriesGivenAContextShareItAndLeaveItOpen() {
    try (EngineContext shared = EngineContext.builder().clock(clock).scheduler(clock).build()) {
      HedgerRegistry hedgers = HedgerRegistry.builder().context(shared).build();
      RetryRegistry retriers = RetryRegistry.builder().context(shared).build();
      assertThat(hedgers.context()).isSameAs(shared);
      assertThat(retriers.context()).isSameAs(shared);

      hedgers.close();
      retriers.close();

      assertThat(hedgers.isClosed()).isTrue();
      assertThat(shared.isClosed()).isFalse(); // its owner closes it
      assertThat(shared.executor()).isNotNull();
    }
  }

  @Test
  void aRegistryGivenAContextRefusesItsOwnThreadsOrClockNamingTheSetting() {
    try (EngineContext shared = EngineContext.builder().build()) {
      assertThatThrownBy(() -> HedgerRegistry.builder().context(shared).clock(clock).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "context: the hedger registry was given a context and clock; set clock on the"
                  + " EngineContext instead");
      assertThatThrownBy(
              () ->
                  RetryRegistry.builder()
                      .scheduler(clock)
                      .executor(Runnable::run)
                      .context(shared)
                      .build())
          .hasMessageContaining("set scheduler on the EngineContext");
    }
  }

  @Test
  void aRegistryClosesTheContextItMade() {
    HedgerRegistry hedgers = HedgerRegistry.builder().closeGrace(Duration.ofSeconds(2)).build();
    EngineContext own = hedgers.context();
    assertThat(own.ownsScheduler()).isTrue();
    hedgers.close();
    assertThat(own.isClosed()).isTrue();
    assertThat(hedgers.isTerminated()).isTrue();
  }

  @Test
  void theRuntimeSharesOneContextAndClosesItLast() {
    ResilienceRuntime runtime = ResilienceRuntime.builder().clock(clock).build();
    EngineContext shared = runtime.hedgers().context();
    assertThat(runtime.circuitBreakers().context()).isSameAs(shared);
    assertThat(runtime.retriers().context()).isSameAs(shared);
    assertThat(runtime.rateLimiters().context()).isSameAs(shared);
    assertThat(shared.clock()).isSameAs(clock);
    assertThat(shared.recorder()).containsSame(runtime.telemetry());

    runtime.close();

    assertThat(runtime.hedgers().isClosed()).isTrue();
    assertThat(runtime.circuitBreakers().isClosed()).isTrue();
    assertThat(shared.isClosed()).isTrue();
    assertThat(shared.isTerminated()).isTrue();
  }
}
