package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.sample.catalog.CatalogReplicas;
import io.tailguard.sample.catalog.CatalogService;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.net.http.HttpResponse;
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

  @Autowired CatalogReplicas replicas;

  @BeforeEach
  void steadyReplicas() {
    replicas.replica("a").set(STEADY);
    replicas.replica("b").set(STEADY);
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
