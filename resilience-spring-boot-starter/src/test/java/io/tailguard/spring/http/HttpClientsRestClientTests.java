package io.tailguard.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.http.HttpClientGuard;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceHttpClientsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceMetricsAutoConfiguration;
import io.tailguard.spring.http.LoopbackServer.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Issue 17: {@code RestClient}s of {@link ResilientHttpClients} over real HTTP on loopback, against
 * a fast, a slow and a failing server: per-host breakers, replica hedging with the loser's exchange
 * cancelled, retries honouring {@code Retry-After}, no retry of a POST, the bounded host tag.
 */
class HttpClientsRestClientTests {

  @RegisterExtension final LoopbackReplicas servers = new LoopbackReplicas();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class,
                ResilienceHttpClientsAutoConfiguration.class,
                ResilienceMetricsAutoConfiguration.class,
                MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class))
        .withPropertyValues(
            // Opens after two failures in a row and stays open for the test.
            "resilience.circuit-breaker.instances.hosts.consecutive-failures-threshold=2",
            "resilience.circuit-breaker.instances.hosts.open-cooldown=1h",
            "resilience.circuit-breaker.instances.hosts.max-open-cooldown=1h")
        .withPropertyValues(LoopbackReplicas.RETRY_TWICE_AND_HEDGE_REPLICAS);
  }

  /** A RestClient of the named client on the JDK's HttpClient, HTTP/1.1. */
  static RestClient restClient(ResilientHttpClients clients, String name) {
    return clients
        .restClient(name)
        .requestFactory(new JdkClientHttpRequestFactory(LoopbackReplicas.http11()))
        .build();
  }

  /** The status of a call, whatever it is (no exception for 4xx and 5xx). */
  static int status(RestClient client, String method, URI uri) {
    return client
        .method(org.springframework.http.HttpMethod.valueOf(method))
        .uri(uri)
        .exchange((request, response) -> response.getStatusCode().value());
  }

  static String body(RestClient client, String path) {
    return client.get().uri(path).retrieve().body(String.class);
  }

  @Test
  void anEndpointsBasePathIsSentOnce() {
    runner()
        .withPropertyValues(
            "resilience.http-clients.based.endpoints[0].url=" + servers.fast.uri("/api"))
        .run(
            context -> {
              RestClient client = restClient(context.getBean(ResilientHttpClients.class), "based");
              assertThat(body(client, "/items?id=7")).isEqualTo("fast");
              assertThat(servers.fast.received())
                  .extracting(LoopbackServer.Request::target)
                  .containsExactly("/api/items?id=7");
            });
  }

  @Test
  void aRetriedPutSendsItsBodyAndHeadersAgain() {
    servers.failOnceThenEcho();
    runner()
        .withPropertyValues("resilience.http-clients.patient.retry=twice")
        .run(
            context -> {
              RestClient client =
                  restClient(context.getBean(ResilientHttpClients.class), "patient");
              String answer =
                  client
                      .put()
                      .uri(servers.failing.uri("/items/1"))
                      .header("X-Id", "7")
                      .body("payload")
                      .retrieve()
                      .body(String.class);
              assertThat(answer).isEqualTo("got payload");
              servers.assertTheBodyAndHeadersWereSentTwice();
            });
  }

  @Test
  void aFailingHostsBreakerOpensWhileAnotherHostsCallsGoOn() {
    runner()
        .withPropertyValues("resilience.http-clients.anywhere.circuit-breaker=hosts")
        .run(
            context -> {
              RestClient client =
                  restClient(context.getBean(ResilientHttpClients.class), "anywhere");
              assertThat(status(client, "GET", servers.failing.uri("/a"))).isEqualTo(503);
              assertThat(status(client, "GET", servers.failing.uri("/a"))).isEqualTo(503);
              assertThatThrownBy(() -> status(client, "GET", servers.failing.uri("/a")))
                  .isInstanceOf(CircuitRejectedException.class);
              assertThat(servers.failing.requests()).isEqualTo(2);
              for (int i = 0; i < 5; i++) {
                assertThat(status(client, "GET", servers.fast.uri("/b"))).isEqualTo(200);
              }
              assertThat(servers.fast.requests()).isEqualTo(5);
              HttpClientGuard guard = context.getBean(HttpClientRegistry.class).client("anywhere");
              assertThat(guard.hostBreakers().get(servers.failing.hostPort()).state())
                  .isEqualTo(CircuitState.OPEN);
              assertThat(guard.hostBreakers().get(servers.fast.hostPort()).state())
                  .isEqualTo(CircuitState.CLOSED);
            });
  }

  @Test
  void aHedgeToTheFastReplicaWinsAndTheSlowReplicasExchangeIsCancelled() {
    FakeClock clock = new FakeClock();
    runner()
        .withBean(FakeClock.class, () -> clock)
        .withUserConfiguration(LoopbackReplicas.FakeClockRuntime.class)
        .withPropertyValues(servers.slowThenFastReplicas())
        .run(
            context -> {
              RestClient client =
                  restClient(context.getBean(ResilientHttpClients.class), "replicas");
              CompletableFuture<String> call =
                  CompletableFuture.supplyAsync(() -> body(client, "/items/1"));
              servers.assertTheHedgeToTheFastReplicaWins(clock, call);
              // The loser's event may come just after the call returned: its thread ends after.
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              Awaitility.await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () -> {
                        assertThat(
                                meters
                                    .get("resilience.http.client.hedges")
                                    .tags("client", "replicas", "host", servers.fast.hostPort())
                                    .counter()
                                    .count())
                            .isEqualTo(1.0);
                        assertThat(
                                meters
                                    .get("resilience.http.client.attempts")
                                    .tags(
                                        "host",
                                        servers.slow.hostPort(),
                                        "outcome",
                                        "cancelled",
                                        "status",
                                        "none")
                                    .timer()
                                    .count())
                            .isEqualTo(1);
                      });
            });
  }

  @Test
  void retriesWaitTheRetryAfterTheServerAsksFor() {
    servers.failing.handler(
        r ->
            r.number() == 1
                ? Reply.of(503, "busy").withHeader("Retry-After", "7")
                : Reply.of(200, "done"));
    FakeClock clock = new FakeClock();
    runner()
        .withBean(FakeClock.class, () -> clock)
        .withUserConfiguration(LoopbackReplicas.FakeClockRuntime.class)
        .withPropertyValues("resilience.http-clients.patient.retry=twice")
        .run(
            context -> {
              RestClient client =
                  restClient(context.getBean(ResilientHttpClients.class), "patient");
              Duration before = clock.elapsed();
              assertThat(status(client, "GET", servers.failing.uri("/slowly"))).isEqualTo(200);
              // The blocking retry slept through the fake clock: exactly the server's wait, not
              // the policy's 10 ms backoff.
              assertThat(clock.elapsed().minus(before)).isEqualTo(Duration.ofSeconds(7));
              assertThat(servers.failing.requests()).isEqualTo(2);
            });
  }

  @Test
  void aPostIsNotRetriedButAGetIs() {
    runner()
        .withPropertyValues("resilience.http-clients.patient.retry=twice")
        .run(
            context -> {
              RestClient client =
                  restClient(context.getBean(ResilientHttpClients.class), "patient");
              servers.assertAPostIsSentOnceAndAGetTwice(
                  (method, uri) -> status(client, method, uri));
            });
  }

  @Test
  void hostsBeyondMaxHostsShareTheTagOther() {
    runner()
        .withPropertyValues(
            "resilience.http-clients.capped.circuit-breaker=hosts",
            "resilience.http-clients.capped.max-hosts=1")
        .run(
            context -> {
              RestClient client = restClient(context.getBean(ResilientHttpClients.class), "capped");
              servers.release.countDown(); // the slow server answers at once: just a third host
              for (LoopbackServer server :
                  List.of(
                      servers.fast, servers.failing, servers.slow, servers.fast, servers.failing)) {
                status(client, "GET", server.uri("/x"));
              }
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              Set<String> hosts =
                  meters
                      .find("resilience.http.client.attempts")
                      .tag("client", "capped")
                      .timers()
                      .stream()
                      .map(t -> t.getId().getTag("host"))
                      .collect(Collectors.toSet());
              assertThat(hosts).containsExactlyInAnyOrder(servers.fast.hostPort(), "other");
              HttpClientGuard guard = context.getBean(HttpClientRegistry.class).client("capped");
              assertThat(guard.hostTag(servers.slow.uri())).isEqualTo("other");
              assertThat(guard.hostBreakers()).containsOnlyKeys(servers.fast.hostPort(), "other");
              Timer ok =
                  meters
                      .get("resilience.http.client.attempts")
                      .tags(
                          "client", "capped",
                          "host", servers.fast.hostPort(),
                          "method", "GET",
                          "outcome", "success",
                          "status", "2xx")
                      .timer();
              assertThat(ok.count()).isEqualTo(2);
              assertThat(
                      meters
                          .get("resilience.http.client.attempts")
                          .tags("host", "other", "outcome", "failure", "status", "5xx")
                          .timer()
                          .count())
                  .isEqualTo(2);
            });
  }

  @Test
  void aRateLimitPerHeaderValueRefusesBeforeAnythingIsSent() {
    runner()
        .withPropertyValues(
            "resilience.rate-limiter.instances.tenants.capacity=1",
            "resilience.rate-limiter.instances.tenants.window=1h",
            "resilience.http-clients.limited.rate-limiter=tenants",
            "resilience.http-clients.limited.rate-limit-key-header=X-Tenant")
        .run(
            context -> {
              RestClient client =
                  restClient(context.getBean(ResilientHttpClients.class), "limited");
              assertThat(tenantCall(client, "a")).isEqualTo(200);
              assertThat(tenantCall(client, "b")).isEqualTo(200);
              assertThatThrownBy(() -> tenantCall(client, "a"))
                  .isInstanceOf(RateLimitExceededException.class);
              assertThat(servers.fast.received())
                  .extracting(r -> r.header("X-Tenant"))
                  .containsExactly("a", "b");
            });
  }

  private int tenantCall(RestClient client, String tenant) {
    return client
        .get()
        .uri(servers.fast.uri("/t"))
        .header("X-Tenant", tenant)
        .exchange((request, response) -> response.getStatusCode().value());
  }

  @Test
  void anUnknownClientNameListsTheConfiguredOnes() {
    runner()
        .withPropertyValues(
            "resilience.http-clients.inventory.retry=twice",
            "resilience.http-clients.pricing.retry=twice")
        .run(
            context ->
                assertThatThrownBy(
                        () -> context.getBean(ResilientHttpClients.class).restClient("invntory"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'invntory'")
                    .hasMessageContaining("resilience.http-clients")
                    .hasMessageContaining("[inventory, pricing]"));
  }
}
