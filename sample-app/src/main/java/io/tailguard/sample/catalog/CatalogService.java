package io.tailguard.sample.catalog;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Reads items from the catalog's replicas.
 *
 * <p>Thread-safe.
 */
@Service
public class CatalogService {

  /** The {@code X-Client} of calls through the configured client, counted by the replicas. */
  public static final String CLIENT = "catalog";

  /** The {@code X-Client} of calls through the plain client, counted by the replicas. */
  public static final String PLAIN = "catalog-plain";

  private final RestClient plain;

  public CatalogService(CatalogReplicas catalogReplicas, CatalogProperties properties) {
    this.plain =
        RestClient.builder()
            .baseUrl(catalogReplicas.replica("a").baseUrl().toString())
            .requestFactory(requestFactory(properties))
            .build();
  }

  /**
   * The JDK's HTTP client, whose blocking calls end when their thread is interrupted.
   *
   * @param properties the read timeout
   * @return a request factory of its own
   */
  static JdkClientHttpRequestFactory requestFactory(CatalogProperties properties) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(properties.getReadTimeout());
    return requests;
  }

  /**
   * Reads one item with a plain {@code RestClient} from replica {@code a}: no hedge, retry or
   * breaker, to compare against.
   *
   * @param sku the item
   * @return the item
   */
  public Item plainItem(String sku) {
    return plain
        .get()
        .uri("/catalog/{sku}", sku)
        .header("X-Client", PLAIN)
        .retrieve()
        .body(Item.class);
  }
}
