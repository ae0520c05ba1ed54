package io.tailguard.spring.actuate;

import static io.tailguard.spring.actuate.ResilienceEndpointSanitizingTests.at;
import static io.tailguard.spring.actuate.ResilienceEndpointSanitizingTests.json;
import static io.tailguard.spring.actuate.ResilienceEndpointSanitizingTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceEndpointAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceHttpClientsAutoConfiguration;
import io.tailguard.spring.http.LoopbackServer;
import io.tailguard.spring.http.ResilientHttpClients;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * {@code /actuator/resilience/http-clients} lists each client of {@code resilience.http-clients} as
 * {@code HttpClientGuard.describe()} has it: its settings (the endpoints among them) and its hosts
 * with their breakers' states, which follow the breakers listed under {@code circuit-breakers}. One
 * client is selected by name, an unknown one is 404, and values are sanitized as in every other
 * section (an endpoint's {@code url} is a key Spring Boot deems sensitive).
 */
class ResilienceEndpointHttpClientsTests {

  static final String A = "http://127.0.0.1:8081";
  static final String B = "http://127.0.0.1:8082";

  final WebApplicationContextRunner withoutClients =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  ResilienceEndpointAutoConfiguration.class))
          .withPropertyValues("management.endpoints.web.exposure.include=resilience");

  final WebApplicationContextRunner runner =
      withoutClients.withPropertyValues(
          "resilience.http-clients.catalog.endpoints[0].url=" + A,
          "resilience.http-clients.catalog.endpoints[1].url=" + B,
          "resilience.http-clients.catalog.endpoints[1].weight=3",
          "resilience.http-clients.catalog.routing=weighted",
          "resilience.http-clients.catalog.circuit-breaker=default",
          "resilience.http-clients.plain.max-hosts=4");

  @Test
  void theSectionListsEveryClientWithItsSettingsAndItsHostsBreakerStates() {
    runner.run(
        context -> {
          ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
          Map<String, Object> clients = endpoint.engine("http-clients");
          assertThat(clients).containsOnlyKeys("catalog", "plain");
          assertThat(at(clients, "catalog", "name")).isEqualTo("catalog");
          assertThat(at(clients, "catalog", "config", "routing")).isEqualTo("WEIGHTED");
          assertThat(at(clients, "catalog", "config", "circuitBreaker")).isEqualTo("default");
          assertThat((List<?>) at(clients, "catalog", "config", "endpoints")).hasSize(2);
          assertThat(at(clients, "catalog", "hosts"))
              .isEqualTo(Map.of("127.0.0.1:8081", "CLOSED", "127.0.0.1:8082", "CLOSED"));
          assertThat(at(clients, "catalog", "closed")).isEqualTo(false);
          // Without breakers or endpoints: no hosts yet, the settings all the same.
          assertThat(at(clients, "plain", "config", "maxHosts")).isEqualTo(4);
          assertThat(at(clients, "plain", "hosts")).isEqualTo(Map.of());

          // The per-host breakers are the circuit-breakers section's; an action on one shows here.
          assertThat(endpoint.engine("circuit-breakers"))
              .containsKeys("http:catalog:127.0.0.1:8081", "http:catalog:127.0.0.1:8082");
          endpoint.runAction("circuit-breakers", "http:catalog:127.0.0.1:8082", "force-open");
          assertThat(at(endpoint.engine("http-clients"), "catalog", "hosts", "127.0.0.1:8082"))
              .isEqualTo("FORCED_OPEN");

          // Listed with the other engines, after retriers as in the runtime's description.
          assertThat(endpoint.resilience().keySet())
              .containsSubsequence("retriers", "http-clients", "health");
          assertThat(endpoint.resilience().get("http-clients"))
              .isEqualTo(endpoint.engine("http-clients"));
        });
  }

  @Test
  void oneClientIsSelectedByNameAndAnUnknownOneIsNotFound() {
    runner.run(
        context -> {
          ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
          assertThat(endpoint.instance("http-clients", "catalog"))
              .isEqualTo(endpoint.engine("http-clients").get("catalog"));
          assertThat(endpoint.instance("http-clients", "nope")).isNull();
          ResilienceEndpointWebExtension web =
              context.getBean(ResilienceEndpointWebExtension.class);
          WebEndpointResponse<Map<String, Object>> one =
              web.instance(SecurityContext.NONE, "http-clients", "catalog");
          assertThat(one.getStatus()).isEqualTo(200);
          assertThat(one.getBody()).containsEntry("name", "catalog");
          assertThat(web.instance(SecurityContext.NONE, "http-clients", "nope").getStatus())
              .isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
          assertThat(web.engine(SecurityContext.NONE, "http-clients").getStatus()).isEqualTo(200);
        });
  }

  @Test
  void withoutClientsTheSectionIsEmptyNotMissing() {
    withoutClients.run(
        context -> {
          ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
          assertThat(endpoint.engine("http-clients")).isEmpty();
          assertThat(endpoint.resilience()).containsEntry("http-clients", Map.of());
        });
  }

  @Test
  void anEndpointsUrlIsSanitizedAsEverySensitiveKeyIs() {
    runner.run(
        context -> {
          ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
          Map<String, Object> catalog = endpoint.instance("http-clients", "catalog");
          assertThat(json(catalog)).doesNotContain(A).doesNotContain(B);
          assertThat(json(catalog)).contains("\"weight\":3");
          List<?> endpoints = (List<?>) at(catalog, "config", "endpoints");
          assertThat(((Map<?, ?>) endpoints.get(0)).get("url")).isEqualTo("******");
          assertThat(json(endpoint.engine("http-clients"))).doesNotContain(A);
          assertThat(json(endpoint.resilience())).doesNotContain(A);
        });
    runner
        .withPropertyValues(
            "management.endpoint.resilience.show-values=WHEN_AUTHORIZED",
            "management.endpoint.resilience.roles=ops")
        .run(
            context -> {
              ResilienceEndpointWebExtension web =
                  context.getBean(ResilienceEndpointWebExtension.class);
              assertThat(json(web.instance(user("ops"), "http-clients", "catalog").getBody()))
                  .contains(A)
                  .contains(B);
              assertThat(json(web.engine(user("dev"), "http-clients").getBody())).doesNotContain(A);
            });
  }

  @Test
  void sanitizingFunctionBeansSeeTheKeyOfEachValueInTheSection() {
    runner
        .withPropertyValues("management.endpoint.resilience.show-values=ALWAYS")
        .withBean(
            "hideRouting",
            SanitizingFunction.class,
            () ->
                data -> data.getKey().endsWith(".config.routing") ? data.withValue("hidden") : data)
        .run(
            context -> {
              ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
              assertThat(at(endpoint.engine("http-clients"), "catalog", "config", "routing"))
                  .isEqualTo("hidden");
              assertThat(at(endpoint.instance("http-clients", "catalog"), "config", "routing"))
                  .isEqualTo("hidden");
              assertThat(json(endpoint.engine("http-clients"))).contains(A);
            });
  }

  @Test
  void aHostMetByARequestIsListedAndItsAttemptsAreEventsOfItsBreaker() {
    try (LoopbackServer server = LoopbackServer.start("live", LoopbackServer.fast("ok"))) {
      withoutClients
          .withConfiguration(AutoConfigurations.of(ResilienceHttpClientsAutoConfiguration.class))
          .withPropertyValues(
              "management.endpoints.web.exposure.include=resilience,resilienceevents",
              "resilience.http-clients.live.circuit-breaker=default")
          .run(
              context -> {
                HttpClient jdk =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String body =
                    context
                        .getBean(ResilientHttpClients.class)
                        .restClient("live")
                        .requestFactory(new JdkClientHttpRequestFactory(jdk))
                        .build()
                        .get()
                        .uri(server.uri("/a"))
                        .retrieve()
                        .body(String.class);
                assertThat(body).isEqualTo("ok");
                ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
                assertThat(at(endpoint.instance("http-clients", "live"), "hosts"))
                    .isEqualTo(Map.of(server.hostPort(), "CLOSED"));
                // The events endpoint keeps CallEvents by engine; an HTTP client's attempts are
                // there as the calls of its per-host breaker (and of its retrier and hedger).
                Map<String, Object> events =
                    context
                        .getBean(ResilienceEventsEndpoint.class)
                        .events(null, "http:live:" + server.hostPort(), "circuit-breaker", null);
                assertThat(events).containsEntry("matched", 1);
              });
    }
  }
}
