package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The hedger registry's lookups, hooks and settings: what it finds, which defaults it gives, whom
 * it tells about added and removed hedgers, the clock, scheduler, executor and recorder it hands to
 * each hedger, and the threads it owns.
 */
class HedgerRegistryLookupAndHooksTest {

  final FakeClock clock = new FakeClock();

  HedgerRegistry.Builder onOneThread() {
    return HedgerRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run);
  }

  static HedgeConfig fixed(long millis) {
    return HedgeConfig.builder()
        .maxHedges(1)
        .delay(
            DelayConfig.builder()
                .strategy(HedgeDelayType.FIXED)
                .delay(Duration.ofMillis(millis))
                .build())
        .build();
  }

  @Test
  void findsTheHedgersItMadeAndListsThem() {
    try (HedgerRegistry registry = onOneThread().build()) {
      Hedger a = registry.hedger("a");
      assertThat(registry.find("a")).containsSame(a);
      assertThat(registry.find("b")).isEmpty();
      assertThat(registry.hedgers()).containsExactly(a);
    }
  }

  @Test
  void givesItsDefaultsToHedgersWithoutTheirOwnSettings() {
    HedgeConfig defaults = fixed(40);
    try (HedgerRegistry registry = onOneThread().defaults(defaults).build()) {
      assertThat(registry.defaults()).isEqualTo(defaults);
      assertThat(registry.hedger("x").config()).isEqualTo(defaults);
    }
  }

  @Test
  void tellsItsHooksAboutAddedAndRemovedHedgersUntilUnsubscribed() {
    try (HedgerRegistry registry = onOneThread().build()) {
      List<String> seen = new ArrayList<>();
      Subscription added = registry.onAdded(h -> seen.add("added " + h.name()));
      Subscription removed = registry.onRemoved(h -> seen.add("removed " + h.name()));
      registry.hedger("a");
      registry.remove("a");
      added.close();
      removed.close();
      registry.hedger("b");
      registry.remove("b");
      assertThat(seen).containsExactly("added a", "removed a");
    }
  }

  @Test
  void handsItsClockSchedulerExecutorAndRecorderToEachHedger() {
    List<String> recorded = new ArrayList<>();
    CallRecorder recorder =
        (name, engine, outcome, latencyNanos, attempts) ->
            recorded.add(name + " " + outcome + " " + latencyNanos / 1_000_000 + "ms " + attempts);
    List<HedgeEvent> events = new ArrayList<>();
    try (HedgerRegistry registry =
        onOneThread().recorder(recorder).instance("search", fixed(100)).build()) {
      Subscription s = registry.subscribe(events::add);
      List<CompletableFuture<String>> attempts = new ArrayList<>();
      CompletableFuture<String> r =
          registry
              .hedger("search")
              .callAsync(
                  ctx -> {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    attempts.add(f);
                    return f;
                  });
      clock.advance(Duration.ofMillis(100)); // the registry's fake scheduler fires the hedge
      assertThat(attempts).hasSize(2); // started inline by the registry's executor
      attempts.get(1).complete("hedge");
      assertThat(r).isCompletedWithValue("hedge");
      assertThat(recorded).containsExactly("search SUCCESS 100ms 2");
      assertThat(events).isNotEmpty();
      s.close();
      int before = events.size();
      registry.hedger("search").callAsync(ctx -> CompletableFuture.completedFuture("x"));
      assertThat(events).hasSize(before);
    }
  }

  @Test
  void givenItsThreadsItOwnsNoneAndClosesItsHedgers() {
    HedgerRegistry registry = onOneThread().build();
    Hedger h = registry.hedger("a");
    assertThat(registry.isTerminated()).isTrue();
    registry.close();
    assertThat(h.isClosed()).isTrue();
    assertThatThrownBy(() -> registry.hedger("new"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the hedger registry is closed");
  }

  @Test
  void itsOwnThreadsStopOnClose() {
    HedgerRegistry registry = HedgerRegistry.builder().closeGrace(Duration.ofSeconds(5)).build();
    assertThat(registry.isTerminated()).isFalse();
    registry.close();
    assertThat(registry.isTerminated()).isTrue();
  }
}
