package io.tailguard.sample.search;

import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Searches through the downstream, limited per API key: {@code @RateLimited("search")} gives each
 * key its own budget (see {@code resilience.rate-limiter.instances.search}), so one greedy client
 * gets 429s while the others go on. The limit is checked first, before any work or retry.
 * Thread-safe.
 */
@Service
public class SearchService {

  private final RestClient downstream;

  public SearchService(RestClient downstreamClient) {
    this.downstream = downstreamClient;
  }

  /**
   * Searches.
   *
   * @param apiKey the caller's API key; the rate limit is per key
   * @param query what to search for
   * @return the hits
   */
  @RateLimited(value = "search", key = "#apiKey")
  @Retried("search")
  @CircuitProtected("search")
  public SearchResult search(String apiKey, String query) {
    return downstream
        .get()
        .uri(b -> b.path("/search").queryParam("q", query).build())
        .header("X-Client", "search")
        .retrieve()
        .body(SearchResult.class);
  }
}
