package io.tailguard.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceHttpClientsAutoConfiguration;
import io.tailguard.spring.http.LoopbackServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * Issue 17: {@code WebClient}s of {@link ResilientWebClients} over real HTTP on loopback: replica
 * hedging with the loser's exchange cancelled, retries honouring {@code Retry-After}, no retry of a
 * POST, a cancelled subscription cancelling the exchange.
 */
class HttpClientsWebClientTests {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension final LoopbackReplicas servers = new LoopbackReplicas();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceHttpClientsAutoConfiguration.class))
          .withPropertyValues(LoopbackReplicas.RETRY_TWICE_AND_HEDGE_REPLICAS);

  /** A WebClient of the named client on the JDK's HttpClient, HTTP/1.1. */
  static WebClient webClient(ResilientWebClients clients, String name) {
    return clients
        .webClient(name)
        .clientConnector(new JdkClientHttpConnector(LoopbackReplicas.http11()))
        .build();
  }

  /** The status of a call, whatever it is; the body is released. */
  static int status(WebClient client, String method, java.net.URI uri) {
    ClientResponse response =
        client
            .method(org.springframework.http.HttpMethod.valueOf(method))
            .uri(uri)
            .exchangeToMono(r -> r.releaseBody().thenReturn(r))
            .block(WAIT);
    return response.statusCode().value();
  }

  @Test
  void aHedgeToTheFastReplicaWinsAndTheSlowReplicasExchangeIsCancelled() {
    FakeClock clock = new FakeClock();
    runner
        .withBean(FakeClock.class, () -> clock)
        .withUserConfiguration(LoopbackReplicas.FakeClockRuntime.class)
        .withPropertyValues(servers.slowThenFastReplicas())
        .run(
            context -> {
              WebClient client = webClient(context.getBean(ResilientWebClients.class), "replicas");
              CompletableFuture<String> call =
                  client.get().uri("/items/1").retrieve().bodyToMono(String.class).toFuture();
              servers.assertTheHedgeToTheFastReplicaWins(clock, call);
            });
  }

  @Test
  void retriesWaitTheRetryAfterTheServerAsksFor() {
    servers.failing.handler(
        r ->
            r.number() == 1
                ? Reply.of(503, "busy").withHeader("Retry-After", "1")
                : Reply.of(200, "done"));
    runner
        .withPropertyValues("resilience.http-clients.patient.retry=twice")
        .run(
            context -> {
              WebClient client = webClient(context.getBean(ResilientWebClients.class), "patient");
              assertThat(status(client, "GET", servers.failing.uri("/slowly"))).isEqualTo(200);
              List<LoopbackServer.Request> requests = servers.failing.received();
              assertThat(requests).hasSize(2);
              // The retry waited for the server's second, not the policy's 10 ms backoff. The
              // wait starts after the first response reached the client, so the gap between the
              // arrivals cannot be shorter.
              Duration gap =
                  Duration.ofNanos(
                      requests.get(1).receivedNanos() - requests.get(0).receivedNanos());
              assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            });
  }

  @Test
  void aRetriedPutSendsItsBodyAndHeadersAgain() {
    servers.failOnceThenEcho();
    runner
        .withPropertyValues("resilience.http-clients.patient.retry=twice")
        .run(
            context -> {
              WebClient client = webClient(context.getBean(ResilientWebClients.class), "patient");
              String answer =
                  client
                      .put()
                      .uri(servers.failing.uri("/items/1"))
                      .header("X-Id", "7")
                      .bodyValue("payload")
                      .retrieve()
                      .bodyToMono(String.class)
                      .block(WAIT);
              assertThat(answer).isEqualTo("got payload");
              servers.assertTheBodyAndHeadersWereSentTwice();
            });
  }

  @Test
  void aPostIsNotRetriedButAGetIs() {
    runner
        .withPropertyValues("resilience.http-clients.patient.retry=twice")
        .run(
            context -> {
              WebClient client = webClient(context.getBean(ResilientWebClients.class), "patient");
              servers.assertAPostIsSentOnceAndAGetTwice(
                  (method, uri) -> status(client, method, uri));
            });
  }

  @Test
  void cancellingTheSubscriptionCancelsTheExchange() {
    runner
        .withPropertyValues("resilience.http-clients.plain.max-hosts=4")
        .run(
            context -> {
              WebClient client = webClient(context.getBean(ResilientWebClients.class), "plain");
              Disposable call =
                  client
                      .get()
                      .uri(servers.slow.uri("/never"))
                      .retrieve()
                      .bodyToMono(String.class)
                      .subscribe();
              servers.slow.awaitRequests(1);
              call.dispose();
              servers.slow.awaitAbandoned(1);
            });
  }
}
