package io.tailguard.sample.catalog;

import io.tailguard.spring.http.ResilientHttpClients;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Reads items from the catalog's two replicas, protected with no annotation: the {@code RestClient}
 * comes from {@link ResilientHttpClients#restClient(String) clients.restClient("catalog")}, so each
 * request passes the handler configured under {@code resilience.http-clients.catalog} in {@code
 * application.yml}:
 *
 * <ul>
 *   <li>retry ({@code resilience.retry.policies.catalog}): a 503, a 429 or a failed connection is
 *       tried again after a short backoff, or after the answer's {@code Retry-After};
 *   <li>hedging ({@code resilience.hedge.instances.catalog}) with replica routing: the primary goes
 *       to replica a (the first endpoint), and when it has not answered after the hedger's delay a
 *       hedge goes to replica b; the first answer wins and the other attempt is cancelled;
 *   <li>a breaker per replica (with {@code resilience.circuit-breaker.defaults}): a failing
 *       replica's breaker opens, and attempts skip it for the other replica.
 * </ul>
 *
 * <p>The request factory is the JDK's {@code HttpClient}, whose blocking calls end when their
 * thread is interrupted: a hedge that lost the race releases its connection at once. For
 * comparison, {@link #plainItem} calls replica a with a plain {@code RestClient}. Thread-safe.
 */
@Service
public class CatalogService {

  /** The {@code X-Client} of calls through the configured client, counted by the replicas. */
  public static final String CLIENT = "catalog";

  /** The {@code X-Client} of calls through the plain client, counted by the replicas. */
  public static final String PLAIN = "catalog-plain";

  private final RestClient client;
  private final RestClient plain;

  public CatalogService(
      ResilientHttpClients clients, CatalogReplicas catalogReplicas, CatalogProperties properties) {
    // The base URL is the client's first endpoint; each attempt's host is the guard's choice.
    this.client =
        clients
            .restClient(CLIENT)
            .requestFactory(requestFactory(properties))
            .defaultHeader("X-Client", CLIENT)
            .build();
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
   * Reads one item through the configured client {@code catalog}.
   *
   * @param sku the item
   * @return the item, with the replica that answered
   */
  public Item item(String sku) {
    return client.get().uri("/catalog/{sku}", sku).retrieve().body(Item.class);
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
