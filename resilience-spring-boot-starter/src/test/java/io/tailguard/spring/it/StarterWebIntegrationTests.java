package io.tailguard.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
    classes = DemoApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "management.endpoints.web.exposure.include=health,resilience,resilienceevents,prometheus",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.group.readiness.include=resilience",
      "resilience.circuit-breaker.instances.payments.min-calls=2",
      "resilience.circuit-breaker.instances.payments.open-cooldown=30s",
      "resilience.circuit-breaker.global.enabled=false",
      "resilience.rate-limiter.instances.search.capacity=2",
      "resilience.rate-limiter.instances.search.window=1h",
      "resilience.rate-limiter.instances.stock-mono.capacity=3",
      "resilience.rate-limiter.instances.stock-mono.window=1h",
      "resilience.retry.policies.inventory.max-attempts=3",
      "resilience.retry.policies.inventory.base-delay=1ms",
      "resilience.retry.policies.inventory.max-delay=5ms",
      "resilience.retry.policies.inventory.budget=off",
      "resilience.rate-limiter.redis.uri=redis://user:secret@127.0.0.1:6379"
    })
class StarterWebIntegrationTests {

  @LocalServerPort int port;
  @Autowired CircuitBreakerRegistry breakers;
  @Autowired DemoApplication.Payments payments;
  @Autowired DemoApplication.Inventory inventory;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void reset() {
    payments.failing.set(false);
    breakers.breaker("payments").reset();
  }

  static Object json(HttpResponse<String> response, String path) {
    Object value = com.jayway.jsonpath.JsonPath.read(response.body(), path);
    return value instanceof net.minidev.json.JSONArray a && a.size() == 1 ? a.get(0) : value;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOpenCircuitAnswers503WithRetryAfterAndAProblemDetail() throws Exception {
    assertThat(get("/checkout/1").body()).isEqualTo("charged 1");
    payments.failing.set(true);
    assertThat(get("/checkout/2").statusCode()).isEqualTo(500);
    assertThat(breakers.breaker("payments").state().name()).isEqualTo("OPEN");
    HttpResponse<String> rejected = get("/checkout/3");
    assertThat(rejected.statusCode()).isEqualTo(503);
    assertThat(rejected.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 30L));
    assertThat(rejected.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(rejected.body())
        .contains("\"type\":\"https://tailguard.io/problems/circuit-open\"")
        .contains("\"circuit\":\"payments\"")
        .contains("\"reason\":\"OPEN\"");
  }

  @Test
  void stagesAndFluxesPassTheBreakerOverHttp() throws Exception {
    assertThat(get("/checkout-async/7").body()).isEqualTo("charged 7");
    HttpResponse<String> receipts = get("/receipts/8");
    assertThat(receipts.statusCode()).isEqualTo(200);
    assertThat(receipts.body()).contains("charged 8-a").contains("charged 8-b");
    breakers.breaker("payments").forceOpen();
    HttpResponse<String> refusedStage = get("/checkout-async/9");
    assertThat(refusedStage.statusCode()).isEqualTo(503);
    assertThat(refusedStage.headers().firstValue("Retry-After")).isPresent();
    assertThat(get("/receipts/9").statusCode()).isEqualTo(503);
  }

  @Test
  void healthShowsBreakersAndProbesWithDegradedAsItsOwnStatusAnswering200() throws Exception {
    HttpResponse<String> up = get("/actuator/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(json(up, "$.components.resilience.components.payments.status")).isEqualTo("UP");
    assertThat(json(up, "$.components.resilience.components.payments.details.state"))
        .isEqualTo("CLOSED");
    assertThat(json(up, "$.components.resilience.components.vector-store.status")).isEqualTo("UP");
    breakers.breaker("payments").forceOpen();
    HttpResponse<String> degraded = get("/actuator/health");
    assertThat(degraded.statusCode()).isEqualTo(200);
    assertThat(json(degraded, "$.status")).isEqualTo("DEGRADED");
    assertThat(json(degraded, "$.components.resilience.components.payments.status"))
        .isEqualTo("DEGRADED");
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(json(readiness, "$.status")).isEqualTo("DEGRADED");
  }

  @Test
  void resilienceEndpointDescribesEveryInstance() throws Exception {
    get("/checkout/9");
    HttpResponse<String> all = get("/actuator/resilience");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(json(all, "$.circuit-breakers.payments.state")).isEqualTo("CLOSED");
    assertThat(json(all, "$.circuit-breakers.__global__.state")).isEqualTo("CLOSED");
    assertThat(json(all, "$.config.resilience.circuit-breaker.instances.payments.min-calls"))
        .isEqualTo(2);
    // Values of sensitive keys are not shown by default
    // (management.endpoint.resilience.show-values).
    assertThat(all.body()).doesNotContain("secret");
    assertThat(json(all, "$.config.resilience.rate-limiter.redis.uri")).isEqualTo("******");
    assertThat(get("/actuator/resilience/config").body()).doesNotContain("secret");
    HttpResponse<String> one = get("/actuator/resilience/circuit-breakers/payments");
    assertThat(json(one, "$.config.minCalls")).isEqualTo(2);
    assertThat(get("/actuator/resilience/circuit-breakers/nope").statusCode()).isEqualTo(404);
    assertThat(json(all, "$.rate-limiters.search.config.capacity")).isEqualTo(2);
    assertThat(json(all, "$.retriers.default.config.maxAttempts")).isEqualTo(3);
    HttpResponse<String> limiter = get("/actuator/resilience/rate-limiters/search");
    assertThat(json(limiter, "$.store.kind")).isEqualTo("memory");
    assertThat(get("/actuator/resilience/retriers/expensive").statusCode()).isEqualTo(200);
    // Read only unless management.endpoint.resilience.access=unrestricted.
    HttpResponse<String> write =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/actuator/resilience/circuit-breakers/payments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"force-open\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(write.statusCode()).isIn(404, 405);
    assertThat(breakers.breaker("payments").state().name()).isEqualTo("CLOSED");
  }

  HttpResponse<String> search(String apiKey) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/search?q=java"))
            .header("X-Api-Key", apiKey)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRateLimitedKeyAnswers429WithRetryAfterWhileOtherKeysGoOn() throws Exception {
    assertThat(search("alice").statusCode()).isEqualTo(200);
    assertThat(search("alice").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = search("alice");
    assertThat(refused.statusCode()).isEqualTo(429);
    // 2 per hour: the next permit is 30 minutes away.
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1790L, 1800L));
    assertThat(refused.headers().firstValue("RateLimit-Limit")).hasValue("2");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.body())
        .contains("\"type\":\"https://tailguard.io/problems/rate-limited\"")
        .contains("\"limiter\":\"search\"")
        .contains("\"reason\":\"RATE_EXCEEDED\"")
        .doesNotContain("alice");
    assertThat(search("bob").statusCode()).isEqualTo(200);

    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics)
        .contains("resilience_ratelimiter_requests_total{name=\"search\",result=\"rejected\"} 1.0")
        .contains("resilience_ratelimiter_keys{name=\"search\"} 2.0");
    assertThat(metrics)
        .containsPattern(
            "resilience_ratelimiter_requests_total\\{name=\"search\",result=\"permitted\"\\} 3.0");
  }

  @Test
  void retriedCallsRecoverFromRetryableStatusesInEveryReturnType() throws Exception {
    for (String path : List.of("/stock/", "/stock-async/", "/stock-mono/")) {
      inventory.calls.set(0);
      inventory.status = org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;
      inventory.failures.set(2);
      HttpResponse<String> ok = get(path + "a1");
      assertThat(ok.statusCode()).as(path).isEqualTo(200);
      assertThat(ok.body()).as(path).isEqualTo("in stock: a1");
      assertThat(inventory.calls).as(path).hasValue(3);
    }
    // 404 is not a retryable status: one call, and the failure reaches the client.
    inventory.calls.set(0);
    inventory.status = org.springframework.http.HttpStatus.NOT_FOUND;
    inventory.failures.set(1);
    assertThat(get("/stock/b2").statusCode()).isEqualTo(500);
    assertThat(inventory.calls).hasValue(1);
    // The Mono endpoint is also rate limited per SKU, a permit per subscription: 3 per hour, one
    // of which the loop above spent.
    inventory.failures.set(0);
    assertThat(get("/stock-mono/a1").statusCode()).isEqualTo(200);
    assertThat(get("/stock-mono/a1").statusCode()).isEqualTo(200);
    HttpResponse<String> limited = get("/stock-mono/a1");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(get("/stock-mono/c3").statusCode()).isEqualTo(200);
    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics)
        .containsPattern(
            "resilience_retry_calls_total\\{name=\"inventory\",result=\"success_retry\"\\} 3.0");
  }

  @Test
  void prometheusShowsTheDesignsMeters() throws Exception {
    get("/checkout/5");
    String metrics = get("/actuator/prometheus").body();
    assertThat(metrics)
        .contains("resilience_circuitbreaker_state{name=\"payments\"} 0.0")
        .contains("resilience_circuitbreaker_state{name=\"__global__\"} 0.0")
        .contains("resilience_circuitbreaker_calls_total{name=\"payments\",outcome=\"success\"}")
        .contains("resilience_circuitbreaker_health_score{name=\"payments\"}")
        .contains("resilience_circuitbreaker_success_ratio{name=\"payments\"}")
        .contains("resilience_circuitbreaker_last_opened_seconds{name=\"payments\"}")
        // Percentile histograms are opt-in: a count and a sum, no buckets.
        .contains(
            "resilience_call_duration_seconds_count{engine=\"circuit-breaker\",name=\"payments\",outcome=\"success\"")
        .doesNotContain("resilience_call_duration_seconds_bucket")
        .contains("resilience_health_status{probe=\"vector-store\"} 1.0")
        .contains("resilience_retry_calls_total{name=\"default\",result=\"success_first\"}")
        .contains("resilience_retry_calls_total{name=\"expensive\",result=\"exhausted\"}");
  }

  @Test
  void eventsEndpointListsRecentCalls() throws Exception {
    get("/checkout/7");
    HttpResponse<String> events = get("/actuator/resilienceevents?seconds=60&name=payments");
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.body())
        .contains("\"engine\":\"CIRCUIT_BREAKER\"")
        .contains("\"outcome\":\"SUCCESS\"");
    HttpResponse<String> windows = get("/actuator/resilienceevents/windows?seconds=60&window=30");
    assertThat(windows.body()).contains("\"windows\":[");
  }

  @Test
  void aRateLimitKeyThatBreaksAKeyRuleAnswers400NamingTheRule() throws Exception {
    HttpResponse<String> refused = search("k".repeat(300));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.body())
        .contains("\"type\":\"https://tailguard.io/problems/invalid-rate-limit-key\"")
        .contains("\"limiter\":\"search\"")
        .contains("key must be at most 256 characters, was 300 characters")
        .doesNotContain("kkkkkkkk");
  }

  @Test
  void theEventsEndpointRefusesQueriesOverItsBoundsWith400NamingTheParameter() throws Exception {
    // 100,000 overlapping windows of 100,000 s: about 10^9 steps before the bounds.
    HttpResponse<String> costly =
        get("/actuator/resilienceevents/windows?seconds=100000&window=100000&step=1");
    assertThat(costly.statusCode()).isEqualTo(400);
    assertThat(costly.body()).contains("step must be in [100, 604800] for seconds=100000");
    HttpResponse<String> far = get("/actuator/resilienceevents?seconds=9223372036854775807");
    assertThat(far.statusCode()).isEqualTo(400);
    assertThat(far.body()).contains("seconds must be in [1, 604800]");
    HttpResponse<String> engine = get("/actuator/resilienceevents?engine=nope");
    assertThat(engine.statusCode()).isEqualTo(400);
    assertThat(engine.body()).contains("engine must be one of [circuit-breaker, hedge");
    assertThat(
            get("/actuator/resilienceevents/windows?seconds=100000&window=100000&step=100")
                .statusCode())
        .isEqualTo(200);
  }
}
