package io.tailguard.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.retry.Jitter;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the two bugs found while putting the registries on one base. A closed hedger or retry
 * registry went on accepting {@code reconfigure}, creating instances on threads already stopped;
 * and an instance removed from a registry was never closed, so its calls in flight never ended when
 * the registry closed.
 */
class Issue18RegistryTest {

  static final RetryPolicy SLOW =
      RetryPolicy.builder()
          .maxAttempts(3)
          .baseDelay(Duration.ofHours(1))
          .maxDelay(Duration.ofHours(1))
          .jitter(Jitter.NONE)
          .build();

  final FakeClock clock = new FakeClock();

  HedgerRegistry.Builder hedgers() {
    return HedgerRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run);
  }

  RetryRegistry.Builder retriers() {
    return RetryRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run);
  }

  @Test
  void aClosedHedgerRegistryRefusesReconfigure() {
    HedgerRegistry registry = hedgers().instance("search", HedgeConfig.defaults()).build();
    registry.close();
    assertThatThrownBy(() -> registry.reconfigure("new", HedgeConfig.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the hedger registry is closed");
    assertThatThrownBy(() -> registry.reconfigure("search", HedgeConfig.defaults()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(registry.find("new")).isEmpty();
  }

  @Test
  void aClosedRetryRegistryRefusesReconfigure() {
    RetryRegistry registry = retriers().build();
    registry.close();
    assertThatThrownBy(() -> registry.reconfigure("new", SLOW))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the retry registry is closed");
    assertThat(registry.find("new")).isEmpty();
  }

  @Test
  void closingAHedgerRegistryEndsTheCallsInFlightOfARemovedHedger() {
    HedgerRegistry registry = hedgers().instance("search", HedgeConfig.defaults()).build();
    Hedger search = registry.hedger("search");
    CompletableFuture<String> call = search.callAsync(ctx -> new CompletableFuture<>());
    registry.remove("search");
    assertThat(call).isNotDone(); // removing cancels nothing

    registry.close();

    assertThat(call).isCompletedExceptionally();
    assertThat(search.isClosed()).isTrue();
  }

  @Test
  void closingARetryRegistryEndsTheCallsInFlightOfARemovedRetrier() {
    RetryRegistry registry = retriers().policy("payments", SLOW).build();
    Retrier payments = registry.retrier("payments");
    CompletableFuture<String> call =
        payments.callAsync(() -> CompletableFuture.failedFuture(new IOException("down")));
    registry.remove("payments");
    assertThat(call).isNotDone(); // waiting an hour for its retry; removing cancels nothing

    registry.close();

    assertThat(call).isCancelled();
    assertThat(payments.isClosed()).isTrue();
  }
}
