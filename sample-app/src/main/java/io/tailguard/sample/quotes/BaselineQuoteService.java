package io.tailguard.sample.quotes;

import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Retried;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * The same call as {@link QuoteService} without hedging, to compare against: same retries, a
 * breaker of its own ({@code quotes-baseline}). The demo and the tests measure both. Thread-safe.
 */
@Service
public class BaselineQuoteService {

  private final RestClient downstream;

  public BaselineQuoteService(RestClient downstreamClient) {
    this.downstream = downstreamClient;
  }

  /**
   * Fetches one quote without hedging.
   *
   * @param symbol the ticker symbol
   * @return the quote
   */
  @Retried("quotes")
  @CircuitProtected("quotes-baseline")
  public Quote quote(String symbol) {
    return downstream
        .get()
        .uri("/quotes/{symbol}", symbol)
        .header("X-Client", "quotes-baseline")
        .retrieve()
        .body(Quote.class);
  }
}
