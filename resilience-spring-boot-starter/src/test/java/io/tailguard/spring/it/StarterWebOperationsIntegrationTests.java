package io.tailguard.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.config.ConfigDiff;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.health.HealthCheckResult;
import io.tailguard.core.health.HealthProbe;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo application run by an operator who granted write access, with a hedged endpoint and a
 * health probe that is DOWN: write operations over HTTP, hedging and its order with the breaker,
 * the DOWN health JSON, and every meter in the Prometheus text after traffic.
 */
@SpringBootTest(
    classes = {DemoApplication.class, StarterWebOperationsIntegrationTests.Down.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "management.endpoints.web.exposure.include=health,resilience,resilienceevents,prometheus",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.probes.enabled=true",
      "management.endpoint.health.group.readiness.include=readinessState,resilience",
      "management.endpoint.resilience.access=unrestricted",
      "management.metrics.distribution.percentiles-histogram.resilience.call.duration=true",
      "resilience.circuit-breaker.global.enabled=false",
      "resilience.hedge.instances.catalogue.max-hedges=1",
      "resilience.hedge.instances.catalogue.delay.strategy=fixed",
      "resilience.hedge.instances.catalogue.delay.delay=50ms",
      "resilience.health.providers.search-index.failure-threshold=1"
    })
class StarterWebOperationsIntegrationTests {

  /** A probe of a dependency that is down: one failed run makes it DOWN. */
  @Configuration(proxyBeanMethods = false)
  static class Down {
    @Bean
    HealthProbe searchIndexProbe() {
      return HealthProbe.of("search-index", () -> HealthCheckResult.down("index unreachable"));
    }
  }

  @LocalServerPort int port;
  @Autowired CircuitBreakerRegistry breakers;
  @Autowired HealthRegistry health;
  @Autowired ResilienceRuntime runtime;
  @Autowired ResilienceConfig startupConfig;
  @Autowired DemoApplication.CatalogueBackend catalogue;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void probeHasRun() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health.report("search-index").lastCheckedAt() != null);
  }

  @AfterEach
  void reset() {
    runtime.apply(startupConfig);
    catalogue.primaryHangs.set(false);
    catalogue.attempts.clear();
    breakers.breaker("catalogue").reset();
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Object json(HttpResponse<String> response, String path) {
    return StarterWebIntegrationTests.json(response, path);
  }

  @Test
  void writeAccessGrantedForceOpensResetsAndReconfiguresOverHttp() throws Exception {
    get("/catalogue/warm");
    CircuitBreaker breaker = breakers.breaker("catalogue");

    HttpResponse<String> forced =
        post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"force-open\"}");
    assertThat(forced.statusCode()).isEqualTo(200);
    assertThat(json(forced, "$.state")).isEqualTo("FORCED_OPEN");
    assertThat(breaker.state().name()).isEqualTo("FORCED_OPEN");

    HttpResponse<String> reset =
        post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"reset\"}");
    assertThat(json(reset, "$.state")).isEqualTo("CLOSED");
    assertThat(breaker.state().name()).isEqualTo("CLOSED");

    // Refusals are RFC 9457 problem details with the status that says why.
    HttpResponse<String> unknown =
        post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"explode\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(unknown, "$.detail"))
        .isEqualTo("action must be one of [force-open, disable, close, reset], was 'explode'");
    HttpResponse<String> nope =
        post("/actuator/resilience/circuit-breakers/nope", "{\"action\":\"reset\"}");
    assertThat(nope.statusCode()).isEqualTo(404);
    assertThat(json(nope, "$.detail")).isEqualTo("no circuit breaker named 'nope'");

    HttpResponse<String> applied =
        post(
            "/actuator/resilience",
            "{\"yaml\":\"resilience:\\n  circuit-breaker:\\n    instances:\\n      catalogue:"
                + " { min-calls: 7 }\\n\"}");
    assertThat(applied.statusCode()).isEqualTo(200);
    assertThat(json(applied, "$.applied")).isEqualTo(true);
    assertThat(applied.body()).contains("catalogue");
    assertThat(breaker.config().minCalls()).isEqualTo(7);
    assertThat(json(get("/actuator/resilience/circuit-breakers/catalogue"), "$.config.minCalls"))
        .isEqualTo(7);
  }

  static String yaml(String document) {
    return "{\"yaml\":\"" + document.replace("\n", "\\n") + "\"}";
  }

  @Test
  void aPartialDocumentChangesOnlyTheKeysItNames() throws Exception {
    HttpResponse<String> applied =
        post(
            "/actuator/resilience",
            yaml(
                "resilience:\n"
                    + "  hedge:\n"
                    + "    instances:\n"
                    + "      catalogue:\n"
                    + "        timeout: 2s\n"));
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    assertThat(json(applied, "$.applied")).isEqualTo(true);
    // One setting changed; the rest of the configuration in force (the global fuse off, the
    // catalogue hedger's fixed delay, the probe's threshold) is kept, not reset to defaults.
    assertThat(ConfigDiff.between(startupConfig, runtime.config()))
        .containsExactly("resilience.hedge.instances.catalogue.timeout: 30s -> 2s");
    assertThat(JsonPath.<List<String>>read(applied.body(), "$.changes"))
        .containsExactly("resilience.hedge.instances.catalogue.timeout: 30s -> 2s");
    assertThat(runtime.hedgers().hedger("catalogue").config().timeout())
        .isEqualTo(Duration.ofSeconds(2));

    // A null drops an instance's own settings: it goes on with the defaults.
    HttpResponse<String> dropped =
        post(
            "/actuator/resilience",
            yaml("resilience:\n  hedge:\n    instances:\n      catalogue: null\n"));
    assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
    assertThat(runtime.config().hedging().instances()).doesNotContainKey("catalogue");
    assertThat(runtime.hedgers().hedger("catalogue").config())
        .isEqualTo(runtime.config().hedging().defaults());
  }

  @Test
  void aWholeDocumentReplacesTheConfigurationWhenAsked() throws Exception {
    HttpResponse<String> replaced =
        post(
            "/actuator/resilience",
            "{\"mode\":\"replace\",\"yaml\":\"resilience:\\n  circuit-breaker:\\n    defaults:"
                + " { min-calls: 9 }\\n\"}");
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(runtime.config().circuitBreaker().defaults().minCalls()).isEqualTo(9);
    // What it leaves out takes its default: the global fuse is on again, the hedger's own
    // settings are gone.
    assertThat(runtime.config().circuitBreaker().global().enabled()).isTrue();
    assertThat(runtime.config().hedging().instances()).isEmpty();

    HttpResponse<String> badMode =
        post("/actuator/resilience", "{\"mode\":\"upsert\",\"yaml\":\"resilience: {}\"}");
    assertThat(badMode.statusCode()).isEqualTo(400);
    assertThat(json(badMode, "$.detail"))
        .isEqualTo("mode: must be one of [merge, replace], was 'upsert'");
  }

  @Test
  void aRefusedDocumentAnswers400WithAProblemDetailAndChangesNothing() throws Exception {
    HttpResponse<String> refused =
        post(
            "/actuator/resilience",
            yaml(
                "resilience:\n  circuit-breaker:\n    instances:\n      catalogue:\n"
                    + "        min-calls: 0\n  rate-limiter:\n    backend: mongo\n"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(refused, "$.type"))
        .isEqualTo("https://tailguard.io/problems/invalid-configuration");
    assertThat(json(refused, "$.title")).isEqualTo("Bad Request");
    assertThat(json(refused, "$.status")).isEqualTo(400);
    assertThat(json(refused, "$.applied")).isEqualTo(false);
    // Each problem names its key, the allowed values and the value given, with its line.
    assertThat(JsonPath.<List<String>>read(refused.body(), "$.errors[*].key"))
        .containsExactlyInAnyOrder(
            "resilience.circuit-breaker.instances.catalogue.min-calls",
            "resilience.rate-limiter.backend");
    assertThat(JsonPath.<List<String>>read(refused.body(), "$.errors[*].message"))
        .anySatisfy(m -> assertThat(m).startsWith("must be in [1, ").endsWith("was 0"))
        .contains("must be one of [memory, redis], was 'mongo'");
    assertThat((String) json(refused, "$.detail"))
        .contains("resilience.circuit-breaker.instances.catalogue.min-calls: must be in [1, ")
        .contains("resilience.rate-limiter.backend: must be one of [memory, redis], was 'mongo'")
        .contains("(line 5, column");
    assertThat(ConfigDiff.between(startupConfig, runtime.config())).isEmpty();

    HttpResponse<String> notYaml = post("/actuator/resilience", yaml("resilience: {a: [1, 2}"));
    assertThat(notYaml.statusCode()).isEqualTo(400);
    assertThat((String) json(notYaml, "$.detail")).contains("is not valid YAML");
  }

  @Test
  void aHedgedEndpointAnswersWithTheWinningAttempt() throws Exception {
    catalogue.primaryHangs.set(true);
    HttpResponse<String> response = get("/catalogue/sku-1");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("sku-1 from attempt 1");
    assertThat(catalogue.attempts).hasSize(2);
    assertThat(catalogue.attempts.get(0).idempotencyKey())
        .isEqualTo(catalogue.attempts.get(1).idempotencyKey());
    // The loser was cancelled, and released its breaker permit without counting.
    Awaitility.await().until(() -> catalogue.attempts.get(0).isCancelled());
    assertThat(breakers.breaker("catalogue").metrics().failedCalls()).isZero();
  }

  @Test
  void everyHedgeAttemptIsRefusedByAnOpenBreakerAndNeverReachesTheBackend() throws Exception {
    post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"force-open\"}");
    long rejectedBefore = breakers.breaker("catalogue").metrics().rejectedCalls();

    HttpResponse<String> refused = get("/catalogue/sku-2");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.body())
        .contains("\"circuit\":\"catalogue\"")
        .contains("\"reason\":\"FORCED_OPEN\"");
    assertThat(catalogue.attempts).isEmpty();
    assertThat(breakers.breaker("catalogue").metrics().rejectedCalls())
        .isGreaterThan(rejectedBefore);

    post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"close\"}");
    assertThat(get("/catalogue/sku-2").body()).isEqualTo("sku-2 from attempt 0");
  }

  /** The application opted in: readiness includes resilience (ResilienceReadinessTests: not). */
  @Test
  void aDownProbeFailsReadinessWhenResilienceIsInItsGroupButNeverLiveness() throws Exception {
    HttpResponse<String> all = get("/actuator/health");
    assertThat(all.statusCode()).isEqualTo(503);
    assertThat(json(all, "$.status")).isEqualTo("DOWN");
    assertThat(json(all, "$.components.resilience.status")).isEqualTo("DOWN");
    assertThat(json(all, "$.components.resilience.components.search-index.status"))
        .isEqualTo("DOWN");
    assertThat(json(all, "$.components.resilience.components.search-index.details.reason"))
        .isEqualTo("index unreachable");

    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(503);
    assertThat(json(readiness, "$.status")).isEqualTo("DOWN");
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(json(liveness, "$.status")).isEqualTo("UP");
  }

  @Test
  void prometheusHasEveryMeterWithItsLabelsAfterTraffic() throws Exception {
    catalogue.primaryHangs.set(true);
    assertThat(get("/catalogue/a").statusCode()).isEqualTo(200); // a hedge wins
    catalogue.primaryHangs.set(false);
    assertThat(get("/catalogue/b").statusCode()).isEqualTo(200); // the primary wins
    post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"force-open\"}");
    assertThat(get("/catalogue/c").statusCode()).isEqualTo(503); // rejected
    post("/actuator/resilience/circuit-breakers/catalogue", "{\"action\":\"close\"}");
    http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/search?q=x"))
            .header("X-Api-Key", "k")
            .build(),
        HttpResponse.BodyHandlers.ofString());

    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics)
        .contains("resilience_circuitbreaker_state{name=\"catalogue\"} 0.0")
        .containsPattern(
            "resilience_circuitbreaker_calls_total\\{name=\"catalogue\",outcome=\"success\"} [1-9]")
        .containsPattern(
            "resilience_circuitbreaker_calls_total\\{name=\"catalogue\",outcome=\"rejected\"}"
                + " [1-9]")
        .contains("resilience_circuitbreaker_calls_total{name=\"catalogue\",outcome=\"failure\"}")
        .contains("resilience_circuitbreaker_calls_total{name=\"catalogue\",outcome=\"slow\"}")
        .contains("resilience_circuitbreaker_calls_total{name=\"catalogue\",outcome=\"ignored\"}")
        .containsPattern(
            "resilience_circuitbreaker_transitions_total\\{from=\"closed\",name=\"catalogue\",to=\"forced-open\"}"
                + " [1-9]")
        .containsPattern(
            "resilience_circuitbreaker_transitions_total\\{from=\"forced-open\",name=\"catalogue\",to=\"closed\"}"
                + " [1-9]")
        .contains("resilience_circuitbreaker_health_score{name=\"catalogue\"}")
        .contains("resilience_circuitbreaker_success_ratio{name=\"catalogue\"}")
        .contains("resilience_circuitbreaker_last_opened_seconds{name=\"catalogue\"}")
        .contains(
            "resilience_call_duration_seconds_bucket{engine=\"hedge\",name=\"catalogue\",outcome=\"success\"")
        .contains(
            "resilience_call_duration_seconds_bucket{engine=\"circuit-breaker\",name=\"catalogue\",outcome=\"success\"")
        .containsPattern(
            "resilience_hedge_calls_total\\{name=\"catalogue\",winner=\"hedge\"} [1-9]")
        .containsPattern(
            "resilience_hedge_calls_total\\{name=\"catalogue\",winner=\"primary\"} [1-9]")
        .containsPattern("resilience_hedge_calls_total\\{name=\"catalogue\",winner=\"none\"} [1-9]")
        .containsPattern("resilience_hedge_attempts_total\\{name=\"catalogue\"} [1-9]")
        .containsPattern("resilience_hedge_budget_exhausted_total\\{name=\"catalogue\"} [0-9]")
        .contains("resilience_hedge_delay_seconds{name=\"catalogue\"} 0.05")
        .contains("resilience_health_status{probe=\"search-index\"} 0.0")
        .contains("resilience_health_status{probe=\"vector-store\"} 1.0")
        .contains("resilience_ratelimiter_requests_total{name=\"search\",result=\"permitted\"}")
        .contains("resilience_ratelimiter_requests_total{name=\"search\",result=\"rejected\"}")
        .contains("resilience_ratelimiter_keys{name=\"search\"}")
        .containsPattern(
            "resilience_call_duration_seconds_count\\{engine=\"circuit-breaker\",name=\"catalogue\",outcome=\"rejected\"}"
                + " [1-9]")
        // One timer per call: the resilience.call observations are not timed a second time.
        .doesNotContain("resilience_call_seconds")
        .doesNotContain("resilience_call_active_seconds");
    // Labels carry instance names only, never user keys.
    assertThat(metrics).doesNotContain("\"k\"").doesNotContain("sku-");
  }
}
