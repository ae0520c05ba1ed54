package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.http.FakeHttp.Response;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous path: each attempt's stage is completed by the test, hedge delays and retry
 * waits run on a {@link FakeClock}, and everything else runs on the calling thread, so every step
 * is deterministic.
 */
class HttpClientGuardAsyncTest {

  final FakeClock clock = new FakeClock();
  final FakeHttp.Responses responses = new FakeHttp.Responses();
  final List<HttpClientEvent.AttemptFinished> events = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<Response>> stages = new ArrayList<>();
  final List<HttpAttempt> attempts = new ArrayList<>();
  ResilienceRuntime rt;

  @AfterEach
  void close() {
    HttpGuards.close(rt);
  }

  static final String ENGINES =
      """
      resilience:
        circuit-breaker:
          instances:
            hosts: { consecutive-failures-threshold: 1 }
        hedge:
          instances:
            replicas: { max-hedges: 1, delay: { strategy: fixed, delay: 100ms } }
            always:
              max-hedges: 1
              delay: { strategy: fixed, delay: 100ms }
              budget: { max-extra-load: 1.0 }
        retry:
          policies:
            quick: { max-attempts: 3, base-delay: 10ms, max-delay: 5s, jitter: none, budget: off }
        rate-limiter:
          instances:
            one: { capacity: 1, window: 60s }
        http-clients:
      """;

  HttpClientGuard client(String yaml) {
    rt = HttpGuards.runtime(ENGINES + yaml, clock);
    return HttpGuards.inventory(rt, events);
  }

  /** An exchange whose stages the test completes. */
  CompletableFuture<Response> exchange(HttpAttempt a) {
    CompletableFuture<Response> f = new CompletableFuture<>();
    attempts.add(a);
    stages.add(f);
    return f;
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static final String HEDGED =
      """
          inventory:
            endpoints: [ "http://slow:8081", "http://fast:8082" ]
            circuit-breaker: hosts
            hedge: replicas
      """;

  @Test
  void theHedgeWinsAndTheLosersStageIsCancelledAndItsLateResponseDiscarded() throws Exception {
    HttpClientGuard g = client(HEDGED);
    CompletableFuture<Response> result =
        g.executeAsync(FakeHttp.get("/items"), this::exchange, responses);
    assertThat(stages).hasSize(1);
    clock.advance(Duration.ofMillis(100));
    assertThat(attempts)
        .extracting(HttpAttempt::target)
        .containsExactly(
            URI.create("http://slow:8081/items"), URI.create("http://fast:8082/items"));
    Response fast = Response.of(200, attempts.get(1));
    stages.get(1).complete(fast);
    assertThat(join(result)).isSameAs(fast);
    assertThat(stages.get(0)).isCancelled();
    assertThat(HttpGuards.hostsAndOutcomes(events))
        .containsExactlyInAnyOrder(
            HttpGuards.attempt("fast:8082", HttpClientEvent.Outcome.SUCCESS),
            HttpGuards.attempt("slow:8081", HttpClientEvent.Outcome.CANCELLED));
    assertThat(g.hostBreakers().get("slow:8081").metrics().failedCalls()).isZero();
    assertThat(fast.discards).hasValue(0);
  }

  @Test
  void aLoserWhoseStageCannotBeCancelledHasItsLateResponseDiscarded() throws Exception {
    HttpClientGuard g = client(HEDGED);
    CompletableFuture<Response> result =
        g.executeAsync(
            FakeHttp.get("/items"),
            a -> {
              CompletableFuture<Response> f =
                  new CompletableFuture<>() {
                    @Override
                    public boolean cancel(boolean mayInterruptIfRunning) {
                      return false;
                    }
                  };
              attempts.add(a);
              stages.add(f);
              return f;
            },
            responses);
    clock.advance(Duration.ofMillis(100));
    stages.get(1).complete(Response.of(200, attempts.get(1)));
    assertThat(join(result).from.getHost()).isEqualTo("fast");
    Response late = Response.of(200, attempts.get(0));
    stages.get(0).complete(late);
    assertThat(responses.discarded).containsExactly(late);
  }

  @Test
  void aFailedPrimaryStartsTheHedgeAtOnceOnTheOtherReplica() throws Exception {
    HttpClientGuard g = client(HEDGED);
    CompletableFuture<Response> result =
        g.executeAsync(FakeHttp.get("/items"), this::exchange, responses);
    stages.get(0).completeExceptionally(new IOException("refused"));
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(1).target().getHost()).isEqualTo("fast");
    stages.get(1).complete(Response.of(200, attempts.get(1)));
    assertThat(join(result).status).isEqualTo(200);
    assertThat(g.hostBreakers().get("slow:8081").state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void cancellingTheCallCancelsTheRunningAttempt() {
    HttpClientGuard g = client(HEDGED);
    CompletableFuture<Response> result =
        g.executeAsync(FakeHttp.get("/items"), this::exchange, responses);
    result.cancel(true);
    assertThat(stages.get(0)).isCancelled();
    assertThat(events)
        .singleElement()
        .extracting(HttpClientEvent.AttemptFinished::outcome)
        .isEqualTo(HttpClientEvent.Outcome.CANCELLED);
  }

  @Test
  void retriesWaitForRetryAfterOnTheSchedulerAndReturnTheLastResponse() throws Exception {
    HttpClientGuard g =
        client("    inventory: { endpoints: [ \"http://a:8081\" ], retry: quick }\n");
    CompletableFuture<Response> result =
        g.executeAsync(FakeHttp.get("/x"), this::exchange, responses);
    Response first = new Response(503, attempts.get(0).target(), Map.of("Retry-After", "2"));
    stages.get(0).complete(first);
    clock.advance(Duration.ofMillis(1999));
    assertThat(stages).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(stages).hasSize(2);
    assertThat(attempts.get(1).retry()).isEqualTo(1);
    assertThat(responses.discarded).containsExactly(first);
    stages.get(1).complete(Response.of(503, attempts.get(1)));
    clock.advance(Duration.ofMillis(20));
    Response last = Response.of(500, attempts.get(2));
    stages.get(2).complete(last);
    assertThat(join(result)).isSameAs(last);
    assertThat(responses.discarded).hasSize(2).doesNotContain(last);
  }

  /**
   * The caller cancels while a retryable response is being judged (another thread, held inside
   * {@code status}): the retrier has already let the call go, so the response must be discarded by
   * the guard, once.
   */
  @Test
  void aRetryableResponseJudgedWhileTheCallerCancelsIsDiscardedOnce() throws Exception {
    aResponseJudgedWhileTheCallerCancelsIsDiscardedOnce(503);
  }

  @Test
  void anAcceptableResponseJudgedWhileTheCallerCancelsIsDiscardedOnce() throws Exception {
    aResponseJudgedWhileTheCallerCancelsIsDiscardedOnce(200);
  }

  private void aResponseJudgedWhileTheCallerCancelsIsDiscardedOnce(int status) throws Exception {
    HttpClientGuard g =
        client("    inventory: { endpoints: [ \"http://a:8081\" ], retry: quick }\n");
    java.util.concurrent.CountDownLatch judging = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    FakeHttp.Responses slowJudge =
        new FakeHttp.Responses() {
          @Override
          public int status(Response response) {
            // The guard reads the status twice: for the breaker, then for the retry; hold the
            // second read until the caller has cancelled.
            if (reads.incrementAndGet() == 2) {
              judging.countDown();
              try {
                cancelled.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.status(response);
          }
        };
    CompletableFuture<Response> result =
        g.executeAsync(FakeHttp.get("/x"), this::exchange, slowJudge);
    Response answer = Response.of(status, attempts.get(0));
    Thread answering = new Thread(() -> stages.get(0).complete(answer));
    answering.start();
    assertThat(judging.await(10, TimeUnit.SECONDS)).isTrue();
    result.cancel(true);
    cancelled.countDown();
    answering.join(10_000);
    assertThat(answering.isAlive()).isFalse();
    assertThat(result).isCancelled();
    assertThat(answer.discards).hasValue(1);
    assertThat(stages).hasSize(1);
  }

  @Test
  void aRefusedRateLimitFailsTheFutureWithoutSending() {
    HttpClientGuard g = client("    inventory: { rate-limiter: one }\n");
    g.executeAsync(FakeHttp.get("http://s/x"), this::exchange, responses);
    CompletableFuture<Response> refused =
        g.executeAsync(FakeHttp.get("http://s/x"), this::exchange, responses);
    assertThatThrownBy(() -> join(refused)).isInstanceOf(RateLimitExceededException.class);
    assertThat(stages).hasSize(1);
  }

  @Test
  void weightedRoutingDrawsWithoutReplacementInProportionToTheWeights() throws Exception {
    client("    inventory: {}\n");
    HttpClientRegistry registry =
        HttpClientRegistry.builder()
            .clock(clock)
            .random(new SplittableRandom(17))
            .circuitBreakers(rt.circuitBreakers())
            .hedgers(rt.hedgers())
            .breakerSettings(
                rt.config().circuitBreaker().defaults(), rt.config().circuitBreaker().instances())
            .client(
                "weighted",
                HttpClientConfig.builder()
                    .endpoints(
                        List.of(
                            HttpEndpoint.of("http://light:80", 1),
                            HttpEndpoint.of("http://heavy:80", 3)))
                    .routing(HttpRouting.WEIGHTED)
                    .hedge("always")
                    .build())
            .build();
    HttpClientGuard g = registry.client("weighted");
    Map<String, Integer> primaries = new HashMap<>();
    int calls = 2000;
    for (int i = 0; i < calls; i++) {
      stages.clear();
      attempts.clear();
      CompletableFuture<Response> result =
          g.executeAsync(FakeHttp.get("/x"), this::exchange, responses);
      clock.advance(Duration.ofMillis(100));
      assertThat(attempts).hasSize(2);
      Set<String> hosts = new HashSet<>();
      attempts.forEach(a -> hosts.add(a.target().getHost()));
      assertThat(hosts).containsExactlyInAnyOrder("light", "heavy");
      primaries.merge(attempts.get(0).target().getHost(), 1, Integer::sum);
      stages.get(0).complete(Response.of(200, attempts.get(0)));
      join(result);
    }
    // 3/4 of the primaries go to the heavy endpoint; the seed makes it exact, 5% is the margin.
    assertThat(primaries.get("heavy")).isBetween((int) (calls * 0.70), (int) (calls * 0.80));
    registry.close();
  }
}
