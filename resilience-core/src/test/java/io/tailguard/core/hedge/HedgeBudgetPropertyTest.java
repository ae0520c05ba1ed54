package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/**
 * Over any sequence of calls, hedges never exceed {@code burst + maxExtraLoad * primaries +
 * minHedgesPerSecond * seconds}.
 */
class HedgeBudgetPropertyTest {

  /** One step: a primary, a hedge request, or time passing. */
  record Step(int kind, long nanos) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(0, Duration.ofSeconds(3).toNanos()))
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(400);
  }

  @Property(tries = 300, seed = "20261122")
  void hedgesStayWithinTheBudget(
      @ForAll("steps") List<Step> steps,
      @ForAll @DoubleRange(min = 0.001, max = 2.0) @Scale(4) double maxExtraLoad,
      @ForAll @DoubleRange(min = 0, max = 20) double perSecond,
      @ForAll @IntRange(min = 1, max = 50) int burst) {
    FakeClock clock = new FakeClock();
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(maxExtraLoad, perSecond, burst), clock);
    long primaries = 0;
    long hedges = 0;
    long elapsed = 0;
    for (Step s : steps) {
      switch (s.kind()) {
        case 0 -> {
          budget.onPrimary();
          primaries++;
        }
        case 1 -> {
          if (budget.tryAcquire()) {
            hedges++;
          }
        }
        default -> {
          clock.advanceNanos(s.nanos());
          elapsed += s.nanos();
        }
      }
      double bound = burst + maxExtraLoad * primaries + perSecond * elapsed / 1e9;
      assertThat((double) hedges).isLessThanOrEqualTo(bound + 1e-9);
    }
  }

  @Property(tries = 200, seed = "20261122")
  void everyPrimaryEventuallyEarnsItsShare(
      @ForAll @DoubleRange(min = 0.01, max = 1.0) double maxExtraLoad,
      @ForAll @IntRange(min = 10, max = 2000) int primaries) {
    FakeClock clock = new FakeClock();
    // A burst of 2 holds 1 + maxExtraLoad, so no earned share is lost to the cap.
    HedgeBudget budget = new HedgeBudget(new BudgetConfig(maxExtraLoad, 0, 2), clock);
    assertThat(budget.tryAcquire()).isTrue(); // the bucket starts full
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isFalse();
    long hedges = 0;
    for (int i = 0; i < primaries; i++) {
      budget.onPrimary();
      if (budget.tryAcquire()) {
        hedges++;
      }
    }
    // Rounding down to micro-tokens loses at most one hedge.
    assertThat(hedges)
        .isBetween((long) (maxExtraLoad * primaries) - 1, (long) (maxExtraLoad * primaries));
  }

  /** A call whose attempts answer after the given latencies (fake time), or fail. */
  record Call(long gapNanos, List<Long> latencies, boolean failFirst) {}

  @Provide
  Arbitrary<List<Call>> calls() {
    Arbitrary<Long> latency = Arbitraries.longs().between(0, Duration.ofMillis(400).toNanos());
    return Combinators.combine(
            Arbitraries.longs().between(0, Duration.ofMillis(300).toNanos()),
            latency.list().ofSize(4),
            Arbitraries.of(true, false))
        .as(Call::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(150);
  }

  @Property(tries = 100, seed = "20261122")
  void aHedgerNeverSendsMoreHedgesThanItsBudget(
      @ForAll("calls") List<Call> calls,
      @ForAll @DoubleRange(min = 0.01, max = 0.5) double maxExtraLoad,
      @ForAll @IntRange(min = 1, max = 5) int burst,
      @ForAll @IntRange(min = 1, max = 3) int maxHedges) {
    FakeClock clock = new FakeClock();
    double perSecond = 0.5;
    Hedger h =
        Hedger.builder("prop")
            .config(
                HedgeConfig.builder()
                    .maxHedges(maxHedges)
                    .delay(
                        DelayConfig.builder()
                            .strategy(HedgeDelayType.FIXED)
                            .delay(Duration.ofMillis(50))
                            .build())
                    .budget(new BudgetConfig(maxExtraLoad, perSecond, burst))
                    .timeout(Duration.ofSeconds(1))
                    .build())
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build();
    long start = clock.nanoTime();
    int n = 0;
    for (Call c : calls) {
      h.callAsync(
          ctx -> {
            java.util.concurrent.CompletableFuture<String> f =
                new java.util.concurrent.CompletableFuture<>();
            long latency = c.latencies().get(Math.min(ctx.attempt(), 3));
            boolean fail = c.failFirst() && ctx.attempt() == 0;
            clock.schedule(
                () -> {
                  if (fail) {
                    f.completeExceptionally(new IllegalStateException("down"));
                  } else {
                    f.complete("ok");
                  }
                },
                Duration.ofNanos(latency));
            return f;
          });
      n++;
      clock.advanceNanos(c.gapNanos());
      double bound = burst + maxExtraLoad * n + perSecond * (clock.nanoTime() - start) / 1e9;
      assertThat((double) h.metrics().hedges()).isLessThanOrEqualTo(bound + 1e-9);
    }
    clock.advance(Duration.ofSeconds(2)); // every call ends, by answer or timeout
    assertThat(h.metrics().calls()).isEqualTo(n);
    double bound = burst + maxExtraLoad * n + perSecond * (clock.nanoTime() - start) / 1e9;
    assertThat((double) h.metrics().hedges()).isLessThanOrEqualTo(bound + 1e-9);
  }
}
