package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.http.FakeHttp.Response;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.testing.Deaf;
import io.tailguard.core.time.FakeClock;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Blocking hedging with replica routing: the hedge goes to the next endpoint, the slow primary is
 * interrupted, its permit released without counting, and a response it still returns is discarded.
 * Hedge delays run on a {@link FakeClock}; attempts on a real pool, coordinated by latches.
 */
class HttpClientGuardHedgeTest {

  final FakeClock clock = new FakeClock();
  final ExecutorService attempts = Executors.newCachedThreadPool();
  final ExecutorService callers = Executors.newCachedThreadPool();
  final FakeHttp.Responses responses = new FakeHttp.Responses();
  final List<HttpClientEvent.AttemptFinished> events = new CopyOnWriteArrayList<>();
  ResilienceRuntime rt;

  @AfterEach
  void close() throws InterruptedException {
    HttpGuards.close(rt);
    attempts.shutdownNow();
    callers.shutdownNow();
    assertThat(attempts.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  HttpClientGuard client() {
    rt =
        HttpGuards.runtime(
            """
            resilience:
              circuit-breaker:
                instances:
                  hosts: { consecutive-failures-threshold: 1 }
              hedge:
                instances:
                  replicas: { max-hedges: 1, delay: { strategy: fixed, delay: 100ms } }
              http-clients:
                inventory:
                  endpoints: [ "http://slow:8081", "http://fast:8082" ]
                  circuit-breaker: hosts
                  hedge: replicas
            """,
            clock,
            attempts);
    return HttpGuards.inventory(rt, events);
  }

  /** Calls {@code g} for {@code /items} on a caller thread, so the test can drive the hedge. */
  CompletableFuture<Response> callOnACaller(HttpClientGuard g, HttpExchange<Response> exchange) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return g.execute(FakeHttp.get("/items"), exchange, responses);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        callers);
  }

  /** Once the primary has started and its hedge timer is set, fires the 100ms hedge delay. */
  void hedgeOnceThePrimaryHasStarted(CountDownLatch primaryStarted) throws InterruptedException {
    assertThat(primaryStarted.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> clock.pendingTasks() >= 2);
    clock.advance(Duration.ofMillis(100));
  }

  /** An attempt that says it started and then blocks until cancelled by an interrupt. */
  static Response blockUntilInterrupted(CountDownLatch started) throws InterruptedIOException {
    started.countDown();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      throw new InterruptedIOException("cancelled");
    }
    throw new AssertionError("a latch nobody counts down was released");
  }

  @Test
  void theHedgeGoesToTheNextReplicaAndTheSlowPrimaryIsCancelled() throws Exception {
    HttpClientGuard g = client();
    CountDownLatch primaryStarted = new CountDownLatch(1);
    CompletableFuture<Response> result =
        callOnACaller(
            g,
            a -> {
              if (a.target().getHost().equals("fast")) {
                assertThat(a.isHedge()).isTrue();
                return Response.of(200, a);
              }
              return blockUntilInterrupted(primaryStarted);
            });
    hedgeOnceThePrimaryHasStarted(primaryStarted);
    Response r = result.get(10, TimeUnit.SECONDS);
    assertThat(r.from).isEqualTo(URI.create("http://fast:8082/items"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(HttpGuards.hostsAndOutcomes(events))
                    .containsExactlyInAnyOrder(
                        HttpGuards.attempt("fast:8082", HttpClientEvent.Outcome.SUCCESS),
                        HttpGuards.attempt("slow:8081", HttpClientEvent.Outcome.CANCELLED)));
    // The loser's permit was released, not counted: one failure would have opened it.
    assertThat(g.hostBreakers().get("slow:8081").state()).isEqualTo(CircuitState.CLOSED);
    assertThat(g.hostBreakers().get("slow:8081").metrics().failedCalls()).isZero();
  }

  @Test
  void aCallerInterruptedWhileAHedgedCallWaitsKeepsItsInterruptAndCancelsTheAttempt()
      throws Exception {
    HttpClientGuard g = client();
    CountDownLatch primaryStarted = new CountDownLatch(1);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                g.execute(
                    FakeHttp.get("/items"), a -> blockUntilInterrupted(primaryStarted), responses);
                thrown.complete(null);
              } catch (Throwable t) {
                thrown.complete(t);
              }
              stillInterrupted.complete(Thread.currentThread().isInterrupted());
            });
    caller.start();
    assertThat(primaryStarted.await(10, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    assertThat(thrown.get(10, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(stillInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events)
                    .extracting(HttpClientEvent.AttemptFinished::outcome)
                    .containsExactly(HttpClientEvent.Outcome.CANCELLED));
    assertThat(g.hostBreakers().get("slow:8081").metrics().failedCalls()).isZero();
  }

  @Test
  void aLoserThatAnswersAnywayHasItsResponseDiscarded() throws Exception {
    HttpClientGuard g = client();
    CountDownLatch primaryStarted = new CountDownLatch(1);
    CountDownLatch primaryMayAnswer = new CountDownLatch(1);
    Response[] late = new Response[1];
    CompletableFuture<Response> result =
        callOnACaller(
            g,
            a -> {
              if (a.isHedge()) {
                return Response.of(200, a);
              }
              primaryStarted.countDown();
              // Ignores the interrupt, as some blocking clients do, and answers late.
              Deaf.await(primaryMayAnswer);
              late[0] = Response.of(200, a);
              return late[0];
            });
    hedgeOnceThePrimaryHasStarted(primaryStarted);
    Response winner = result.get(10, TimeUnit.SECONDS);
    assertThat(winner.from.getHost()).isEqualTo("fast");
    primaryMayAnswer.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> responses.discarded.size() == 1);
    assertThat(responses.discarded).containsExactly(late[0]);
    assertThat(winner.discards).hasValue(0);
  }

  @Test
  void aPostIsNotHedged() throws Exception {
    HttpClientGuard g = client();
    Response r =
        g.execute(HttpCall.of("POST", URI.create("/orders")), a -> Response.of(201, a), responses);
    assertThat(r.from.getHost()).isEqualTo("slow");
    assertThat(clock.pendingTasks()).isZero();
  }
}
