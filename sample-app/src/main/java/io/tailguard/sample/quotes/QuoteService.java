package io.tailguard.sample.quotes;

import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.Retried;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Fetches quotes from the downstream, protected the way a latency-sensitive read should be:
 *
 * <ul>
 *   <li>{@code @Retried("quotes")}: a 503 or a connection failure is tried again after a short,
 *       jittered backoff, within the retry budget; an open circuit or a hedge timeout is not
 *       retried (Tailguard's own refusals are not, by default);
 *   <li>{@code @Hedged("quotes")}: when the downstream has not answered after the delay the default
 *       ADAPTIVE strategy learns (the quantile of recent latencies that leaves hedges 80% of the
 *       budget), another request goes out (two at most) and the first answer wins; hedges are at
 *       most 10% extra load;
 *   <li>{@code @CircuitProtected("quotes")}: every attempt, primary or hedge, passes the breaker,
 *       which stops calling a failing downstream and answers 503 with {@code Retry-After}.
 * </ul>
 *
 * <p>A quote is a read, so sending it twice is harmless; every attempt of one call still carries
 * the same {@code Idempotency-Key}, as a write would need. Thread-safe.
 */
@Service
public class QuoteService {

  private final RestClient downstream;

  public QuoteService(RestClient downstreamClient) {
    this.downstream = downstreamClient;
  }

  /**
   * Fetches one quote.
   *
   * @param symbol the ticker symbol
   * @return the quote
   */
  @Retried("quotes")
  @Hedged("quotes")
  @CircuitProtected("quotes")
  public Quote quote(String symbol) {
    AttemptContext attempt = CurrentAttempt.get().orElse(null);
    return downstream
        .get()
        .uri("/quotes/{symbol}", symbol)
        .header("X-Client", "quotes")
        .header(
            "Idempotency-Key",
            attempt != null ? attempt.idempotencyKey() : UUID.randomUUID().toString())
        .header("X-Attempt", attempt != null ? Integer.toString(attempt.attempt()) : "0")
        .retrieve()
        .body(Quote.class);
  }
}
