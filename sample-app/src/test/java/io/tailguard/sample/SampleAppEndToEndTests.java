package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sample app over real HTTP, its downstream included. */
class SampleAppEndToEndTests extends SampleAppTestSupport {

  static final Duration PATIENCE = Duration.ofSeconds(20);

  @Test
  void quotesAndSearchAnswerThroughTheDownstream() {
    HttpResponse<String> quote = get("/quotes/ACME");
    assertThat(quote.statusCode()).isEqualTo(200);
    assertThat(json(quote, "$.symbol")).isEqualTo("ACME");
    assertThat(get("/baseline/quotes/ACME").body()).isEqualTo(quote.body());
    HttpResponse<String> search = get("/search?q=tail", "e2e-basic");
    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(json(search, "$.hits[0]")).isEqualTo("tail-1");
    assertThat(get("/quotes/not%20a%20symbol").statusCode()).isEqualTo(400);
    assertThat(get("/search?q=tail").statusCode()).isEqualTo(401);
  }

  /**
   * Compares counts of slow answers rather than percentiles: with 5% of downstream requests in a
   * tail of 300 ms or more, about 5% of unhedged calls are slow (about 15 of 300, and fewer than 5
   * with a probability below 0.1%), while a hedged call is slow only when its primary and its hedge
   * both fall in the tail (0.25%).
   */
  @Test
  void hedgingKeepsTheTailShortWhenTheDownstreamTailGrows() throws Exception {
    for (int i = 0; i < 40; i++) { // warm the learnt delay on a calm downstream
      assertThat(get("/quotes/W" + i).statusCode()).isEqualTo(200);
    }
    long slow = Duration.ofMillis(200).toNanos();
    List<Long> calm = time("/quotes/C", 40);
    // A calm downstream is fast (a stall of this shared machine may slow one or two calls).
    assertThat(calm.stream().filter(t -> t >= slow).count()).as("%s", calm).isLessThanOrEqualTo(2);

    downstream.set(new DownstreamProfile(5, 300, 0.05, 0, false));
    long hedgedBefore = downstream.stats().of("quotes");
    List<Long> hedged = Collections.synchronizedList(new ArrayList<>());
    List<Long> unhedged = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      AtomicInteger n = new AtomicInteger();
      for (int c = 0; c < 4; c++) {
        done.add(
            clients.submit(
                () -> {
                  for (int i = 0; i < 75; i++) {
                    int k = n.incrementAndGet();
                    hedged.add(timed("/quotes/H" + k));
                    unhedged.add(timed("/baseline/quotes/U" + k));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      clients.shutdown();
    }
    long slowHedged = hedged.stream().filter(t -> t >= slow).count();
    long slowUnhedged = unhedged.stream().filter(t -> t >= slow).count();
    String summary =
        "slow hedged "
            + slowHedged
            + ", slow unhedged "
            + slowUnhedged
            + ", p99 hedged "
            + p99(hedged) / 1_000_000
            + " ms, p99 unhedged "
            + p99(unhedged) / 1_000_000
            + " ms";
    assertThat(slowUnhedged).as(summary).isGreaterThanOrEqualTo(5);
    assertThat(slowHedged * 3).as(summary).isLessThanOrEqualTo(slowUnhedged);
    assertThat(p99(hedged)).as(summary).isLessThan(p99(unhedged));

    // The price: hedges are a bounded share of the load (the budget allows 10% + a burst).
    long hedgedRequests = downstream.stats().of("quotes") - hedgedBefore;
    assertThat(hedgedRequests).as(summary).isBetween(300L, 300L + 45 + 20 + 30);
    String metrics = metrics();
    assertThat(metrics)
        .contains("resilience_hedge_calls_total{name=\"quotes\",winner=\"hedge\"}")
        .contains("resilience_hedge_attempts_total{name=\"quotes\"}")
        .contains("resilience_hedge_delay_seconds{name=\"quotes\"}")
        .contains(
            "resilience_call_duration_seconds_bucket{engine=\"hedge\",name=\"quotes\",outcome=\"success\"");
  }

  List<Long> time(String prefix, int n) {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      times.add(timed(prefix + i));
    }
    return times;
  }

  long timed(String path) {
    long start = System.nanoTime();
    HttpResponse<String> r = get(path);
    long t = System.nanoTime() - start;
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return t;
  }

  static long p99(List<Long> times) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
  }

  @Test
  void anOutageOpensTheBreakerAndHealthGoesDownThenBothRecover() {
    assertThat(get("/quotes/OK").statusCode()).isEqualTo(200);
    await().atMost(PATIENCE).until(() -> "UP".equals(json(get("/actuator/health"), "$.status")));

    assertThat(post("/admin/downstream", "{\"outage\":true}").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = null;
    for (int i = 0; i < 50 && refused == null; i++) {
      HttpResponse<String> r = get("/quotes/X" + i);
      assertThat(r.statusCode()).as(r.body()).isIn(502, 503);
      if (r.statusCode() == 503) {
        refused = r;
      }
    }
    assertThat(refused).as("no 503 after 50 calls").isNotNull();
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
    assertThat(refused.body())
        .contains("\"type\":\"https://tailguard.io/problems/circuit-open\"")
        .contains("\"circuit\":\"quotes\"");

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              HttpResponse<String> health = get("/actuator/health");
              assertThat(health.statusCode()).isEqualTo(503);
              assertThat(json(health, "$.status")).isEqualTo("DOWN");
              assertThat(json(health, "$.components.resilience.components.downstream.status"))
                  .isEqualTo("DOWN");
            });
    // The downstream is shared by every instance: its DOWN probe must not take this one (and so
    // every one) out of the balancer, nor get it restarted. Readiness and liveness stay UP.
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
    assertThat(json(readiness, "$.status")).isEqualTo("UP");
    HttpResponse<String> liveness = get("/actuator/health/liveness");
    assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
    assertThat(json(liveness, "$.status")).isEqualTo("UP");
    // The sample's own group shows the downstream alone, for a dashboard or an operator.
    HttpResponse<String> group = get("/actuator/health/downstream");
    assertThat(group.statusCode()).as(group.body()).isEqualTo(503);
    assertThat(json(group, "$.components.resilience.components.downstream.status"))
        .isEqualTo("DOWN");
    assertThat(metrics())
        .contains("resilience_health_status{probe=\"downstream\"} 0.0")
        .containsPattern(
            "resilience_circuitbreaker_transitions_total\\{from=\"closed\",name=\"quotes\",to=\"open\"\\}"
                + " [1-9]")
        .containsPattern(
            "resilience_circuitbreaker_calls_total\\{name=\"quotes\",outcome=\"rejected\"\\}"
                + " [1-9]");

    assertThat(post("/admin/downstream", "{\"outage\":false}").statusCode()).isEqualTo(200);
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get("/quotes/BACK").statusCode() == 200);
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              assertThat(get("/quotes/AGAIN").statusCode()).isEqualTo(200);
              assertThat(breakers.breaker("quotes").state()).isEqualTo(CircuitState.CLOSED);
            });
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              HttpResponse<String> health = get("/actuator/health");
              assertThat(json(health, "$.status")).isEqualTo("UP");
              assertThat(health.statusCode()).isEqualTo(200);
            });
    assertThat(metrics())
        .contains("resilience_circuitbreaker_state{name=\"quotes\"} 0.0")
        .contains("resilience_health_status{probe=\"downstream\"} 1.0")
        .containsPattern(
            "resilience_circuitbreaker_transitions_total\\{from=\"half-open\",name=\"quotes\",to=\"closed\"\\}"
                + " [1-9]");
  }

  @Test
  void anOpenBreakerAloneIsDegradedNotDown() {
    breakers.breaker("quotes").forceOpen();
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health, "$.status")).isEqualTo("DEGRADED");
    assertThat(json(health, "$.components.resilience.components.quotes.status"))
        .isEqualTo("DEGRADED");
    assertThat(metrics()).contains("resilience_circuitbreaker_state{name=\"quotes\"} 3.0");
    HttpResponse<String> refused = get("/quotes/F");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("\"reason\":\"FORCED_OPEN\"");
    breakers.breaker("quotes").reset();
    assertThat(json(get("/actuator/health"), "$.status")).isEqualTo("UP");
  }

  @Test
  void anApiKeyOverItsLimitGets429WithRetryAfterWhileAnotherKeyIsServed() {
    String greedy = "greedy-" + System.nanoTime();
    String polite = "polite-" + System.nanoTime();
    for (int i = 0; i < 3; i++) {
      assertThat(get("/search?q=java", greedy).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> refused = get("/search?q=java", greedy);
    assertThat(refused.statusCode()).isEqualTo(429);
    // 3 per hour: the next permit is 20 minutes away.
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1190L, 1200L));
    assertThat(refused.headers().firstValue("RateLimit-Limit")).hasValue("3");
    assertThat(refused.body())
        .contains("\"type\":\"https://tailguard.io/problems/rate-limited\"")
        .contains("\"limiter\":\"search\"")
        .doesNotContain(greedy);
    assertThat(get("/search?q=java", polite).statusCode()).isEqualTo(200);
    assertThat(metrics())
        .containsPattern(
            "resilience_ratelimiter_requests_total\\{name=\"search\",result=\"rejected\"\\} [1-9]")
        .doesNotContain(greedy);
  }

  @Test
  void theAdminEndpointRefusesAnInvalidProfileAndKeepsTheOldOne() {
    HttpResponse<String> bad = post("/admin/downstream", "{\"failureRate\":1.5}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("failureRate must be in [0, 1], was 1.5");
    assertThat(downstream.profile()).isEqualTo(CALM);
    HttpResponse<String> state = get("/admin/downstream");
    assertThat(json(state, "$.profile.failureRate")).isEqualTo(0.0);
  }

  @Test
  void theAdminEndpointRefusesInvalidFaultsNamingTheFieldAndKeepsTheOldProfile() {
    assertThat(post("/admin/downstream", "{\"down\":[\"payments\"]}").body())
        .contains(
            "down must list routes among [auth, catalog, db, inventory, quotes, search], was"
                + " 'payments'");
    assertThat(post("/admin/downstream", "{\"flapMs\":5}").body())
        .contains("flapMs must be in [10, 600000], was 5.0");
    assertThat(post("/admin/downstream", "{\"slowRate\":-0.1}").body())
        .contains("slowRate must be in [0, 1], was -0.1");
    assertThat(post("/admin/downstream", "{\"resetRate\":2}").statusCode()).isEqualTo(400);
    assertThat(post("/admin/downstream", "{\"garbageRate\":2}").statusCode()).isEqualTo(400);
    assertThat(post("/admin/downstream", "{\"slowMs\":60001}").statusCode()).isEqualTo(400);
    assertThat(downstream.profile()).isEqualTo(CALM);
    HttpResponse<String> state = get("/admin/downstream");
    assertThat(json(state, "$.profile.down")).asList().isEmpty();
    assertThat(json(state, "$.profile.hang")).isEqualTo(false);
  }
}
