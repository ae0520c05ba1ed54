package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.CallEvent;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every call guarded by an engine of the runtime yields one CallEvent. */
class RuntimeTelemetryTest {

  @Test
  void breakerAndHedgerCallsReachTheTelemetryHub() {
    FakeClock clock = new FakeClock();
    ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .config(
                YamlConfigLoader.loadString(
                    """
                    resilience:
                      circuit-breaker:
                        instances:
                          payments: {min-calls: 1, failure-rate-threshold: 0.5}
                      hedge:
                        instances:
                          search: {delay: {strategy: fixed, delay: 10ms}}
                      telemetry:
                        cost-per-attempt: 0.5
                    """))
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build();
    CircuitBreaker payments = rt.circuitBreakers().breaker("payments");
    CallGuard g = payments.acquire();
    clock.advance(Duration.ofMillis(30));
    g.success();
    payments.acquire().release();
    payments.acquire().failure();
    assertThatThrownBy(payments::acquire).isInstanceOf(CircuitRejectedException.class);

    CompletableFuture<String> attempt0 = new CompletableFuture<>();
    CompletableFuture<String> attempt1 = new CompletableFuture<>();
    CompletableFuture<String> r =
        rt.hedgers().hedger("search").callAsync(ctx -> ctx.attempt() == 0 ? attempt0 : attempt1);
    clock.advance(Duration.ofMillis(10));
    attempt1.complete("hedge");
    assertThat(r).isCompletedWithValue("hedge");

    assertThat(rt.telemetry().eventLog().lastEvents(10, null))
        .extracting(CallEvent::engine, CallEvent::outcome, CallEvent::attempts)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(EngineType.CIRCUIT_BREAKER, CallOutcome.SUCCESS, 1),
            org.assertj.core.groups.Tuple.tuple(
                EngineType.CIRCUIT_BREAKER, CallOutcome.CANCELLED, 1),
            org.assertj.core.groups.Tuple.tuple(EngineType.CIRCUIT_BREAKER, CallOutcome.FAILURE, 1),
            org.assertj.core.groups.Tuple.tuple(
                EngineType.CIRCUIT_BREAKER, CallOutcome.REJECTED, 0),
            org.assertj.core.groups.Tuple.tuple(EngineType.HEDGE, CallOutcome.SUCCESS, 2));
    assertThat(rt.telemetry().stats(EngineType.CIRCUIT_BREAKER, "payments").orElseThrow().count())
        .isEqualTo(4);
    CallEvent hedged = rt.telemetry().eventLog().lastEvents(1, null).get(0);
    assertThat(hedged.costUnits()).isEqualTo(1.0);
    assertThat(hedged.latency()).isEqualTo(Duration.ofMillis(10));
    rt.close();
  }
}
