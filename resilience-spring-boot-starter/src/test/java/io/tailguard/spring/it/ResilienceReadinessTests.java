package io.tailguard.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.health.HealthRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * With Kubernetes probes on and nothing else said, a DOWN dependency probe shows in {@code
 * /actuator/health} but leaves {@code /actuator/health/readiness} (and liveness) UP: a dependency
 * that every pod shares would otherwise take every pod out of service at once. An application opts
 * in with Boot's own group membership, for the whole {@code resilience} component or, better, for
 * the entries it cannot serve without ({@code resilience/<probe or breaker>}).
 */
@SpringBootTest(
    classes = {DemoApplication.class, StarterWebOperationsIntegrationTests.Down.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.probes.enabled=true",
      "management.endpoint.health.group.search.include=resilience/search-index",
      "management.endpoint.health.group.vectors.include=resilience/vector-store",
      "resilience.health.providers.search-index.failure-threshold=1",
      "resilience.circuit-breaker.instances.payments.open-health-status=down"
    })
class ResilienceReadinessTests {

  @LocalServerPort int port;
  @Autowired HealthRegistry health;
  @Autowired CircuitBreakerRegistry breakers;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void probeHasRun() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health.report("search-index").lastCheckedAt() != null);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Object json(HttpResponse<String> response, String path) {
    return StarterWebIntegrationTests.json(response, path);
  }

  @Test
  void aDownProbeLeavesReadinessAndLivenessUpByDefault() throws Exception {
    HttpResponse<String> all = get("/actuator/health");
    assertThat(json(all, "$.components.resilience.components.search-index.status"))
        .isEqualTo("DOWN");

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(json(readiness, "$.status")).isEqualTo("UP");
    assertThat(readiness.body()).doesNotContain("resilience");
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(json(liveness, "$.status")).isEqualTo("UP");
  }

  /** Even a breaker that reports DOWN when open stays out of the probe groups unless named. */
  @Test
  void anOpenBreakerReportingDownLeavesReadinessAndLivenessUpByDefault() throws Exception {
    breakers.breaker("payments").forceOpen();
    try {
      HttpResponse<String> all = get("/actuator/health");
      assertThat(all.statusCode()).isEqualTo(503);
      assertThat(json(all, "$.components.resilience.components.payments.status")).isEqualTo("DOWN");
      HttpResponse<String> readiness = get("/actuator/health/readiness");
      assertThat(readiness.statusCode()).isEqualTo(200);
      assertThat(json(readiness, "$.status")).isEqualTo("UP");
      HttpResponse<String> liveness = get("/actuator/health/liveness");
      assertThat(liveness.statusCode()).isEqualTo(200);
      assertThat(json(liveness, "$.status")).isEqualTo("UP");
    } finally {
      breakers.breaker("payments").reset();
    }
  }

  @Test
  void aGroupTakesTheEntriesItNamesOnly() throws Exception {
    HttpResponse<String> search = get("/actuator/health/search");
    assertThat(search.statusCode()).isEqualTo(503);
    assertThat(json(search, "$.status")).isEqualTo("DOWN");
    assertThat(json(search, "$.components.resilience.components.search-index.status"))
        .isEqualTo("DOWN");
    HttpResponse<String> vectors = get("/actuator/health/vectors");
    assertThat(vectors.statusCode()).isEqualTo(200);
    assertThat(json(vectors, "$.status")).isEqualTo("UP");
    assertThat(vectors.body()).doesNotContain("search-index");
  }
}
