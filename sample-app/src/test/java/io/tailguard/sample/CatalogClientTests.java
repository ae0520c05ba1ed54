package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.sample.catalog.CatalogReplicas;
import io.tailguard.sample.catalog.CatalogService;
import io.tailguard.sample.downstream.Downstream;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The catalog API over real HTTP: the app's two catalog replicas, called through the configured
 * client {@code resilience.http-clients.catalog} and through a plain client.
 */
class CatalogClientTests extends SampleAppTestSupport {

  /** Fast, no stalls: what each test starts from. */
  static final DownstreamProfile STEADY = new DownstreamProfile(2, 0, 0, 0, false);

  static final Duration PATIENCE = Duration.ofSeconds(20);

  @Autowired CatalogReplicas replicas;

  @BeforeEach
  void steadyReplicas() {
    replicas.replica("a").set(STEADY);
    replicas.replica("b").set(STEADY);
  }

  @Test
  void theEndpointAnswersThroughTheConfiguredClient() {
    long before = replicas.replica("a").stats().of(CatalogService.CLIENT);
    HttpResponse<String> item = get("/catalog/SKU-7");
    assertThat(item.statusCode()).isEqualTo(200);
    assertThat(json(item, "$.sku")).isEqualTo("SKU-7");
    // Ordered routing: the primary goes to replica a (a hedge to b may win, if a was slow).
    assertThat(json(item, "$.replica")).isIn("catalog-a", "catalog-b");
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(replicas.replica("a").stats().of(CatalogService.CLIENT))
                    .isGreaterThan(before));
    assertThat(get("/catalog/not%20a%20sku").statusCode()).isEqualTo(400);
    assertThat(metrics())
        .contains(
            "resilience_http_client_attempts_seconds_count{client=\"catalog\",host=\""
                + host("a")
                + "\",method=\"GET\",outcome=\"success\",status=\"2xx\"}");
  }

  /**
   * Replica a holds every request unanswered (a hang: the stall of a stuck process), so only the
   * hedge the client sends to replica b can answer; the primary is cancelled, which releases its
   * connection and does not count as a failure of a's breaker.
   */
  @Test
  void aStalledReplicaIsHedgedToTheOtherOne() {
    Downstream a = replicas.replica("a");
    long heldBefore = a.stats().hung();
    a.update(hang(true));
    try {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> item = get("/catalog/STALL-" + i);
        assertThat(item.statusCode()).isEqualTo(200);
        assertThat(json(item, "$.replica")).isEqualTo("catalog-b");
      }
      assertThat(a.stats().hung()).isEqualTo(heldBefore + 3);
    } finally {
      a.update(hang(false));
    }
    // Cancelled attempts release their permits without counting as failures.
    assertThat(breakers.states()).containsEntry("http:catalog:" + host("a"), CircuitState.CLOSED);
    String metrics = metrics();
    assertThat(metrics)
        .contains(
            "resilience_http_client_hedges_total{client=\"catalog\",host=\""
                + host("b")
                + "\",outcome=\"success\"}")
        .contains(
            "resilience_http_client_attempts_seconds_count{client=\"catalog\",host=\""
                + host("a")
                + "\",method=\"GET\",outcome=\"cancelled\",status=\"none\"}")
        .contains("resilience_circuitbreaker_state{name=\"http:catalog:" + host("a") + "\"}")
        .contains("resilience_circuitbreaker_state{name=\"http:catalog:" + host("b") + "\"}");
  }

  /** The host tag of a replica: host:port. */
  String host(String replica) {
    URI url = replicas.replica(replica).baseUrl();
    return url.getHost() + ":" + url.getPort();
  }

  static DownstreamProfile.Change hang(boolean hang) {
    return new DownstreamProfile.Change(
        null, null, null, null, null, hang, null, null, null, null, null, null);
  }

  @Test
  void thePlainClientCallsReplicaA() {
    long before = replicas.replica("a").stats().of(CatalogService.PLAIN);
    HttpResponse<String> item = get("/baseline/catalog/SKU-7");
    assertThat(item.statusCode()).isEqualTo(200);
    assertThat(json(item, "$.sku")).isEqualTo("SKU-7");
    assertThat(json(item, "$.replica")).isEqualTo("catalog-a");
    assertThat(replicas.replica("a").stats().of(CatalogService.PLAIN)).isEqualTo(before + 1);
    assertThat(get("/baseline/catalog/not%20a%20sku").statusCode()).isEqualTo(400);
  }

  @Test
  void aReplicaCanBeChangedAtRunTime() {
    HttpResponse<String> changed = post("/admin/catalog/a", "{\"slowRate\":0.5,\"slowMs\":100}");
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(replicas.replica("a").profile().slowRate()).isEqualTo(0.5);
    assertThat(get("/admin/catalog/b").body()).contains("\"url\":\"http://127.0.0.1:");
    assertThat(get("/admin/catalog/c").statusCode()).isEqualTo(400);
  }
}
