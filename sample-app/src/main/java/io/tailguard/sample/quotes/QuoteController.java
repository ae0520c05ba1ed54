package io.tailguard.sample.quotes;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The quotes API: {@code GET /quotes/{symbol}} (hedged) and {@code GET /baseline/quotes/{symbol}}
 * (the same without hedging, for comparison). Stateless and thread-safe.
 */
@RestController
public class QuoteController {

  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9.]{1,12}");

  private final QuoteService quotes;
  private final BaselineQuoteService baseline;

  public QuoteController(QuoteService quotes, BaselineQuoteService baseline) {
    this.quotes = quotes;
    this.baseline = baseline;
  }

  /**
   * A quote, hedged.
   *
   * @param symbol the ticker symbol, 1 to 12 letters, digits or dots
   * @return the quote
   */
  @GetMapping("/quotes/{symbol}")
  public Quote quote(@PathVariable String symbol) {
    return quotes.quote(valid(symbol));
  }

  /**
   * A quote, not hedged.
   *
   * @param symbol the ticker symbol, 1 to 12 letters, digits or dots
   * @return the quote
   */
  @GetMapping("/baseline/quotes/{symbol}")
  public Quote baseline(@PathVariable String symbol) {
    return baseline.quote(valid(symbol));
  }

  private static String valid(String symbol) {
    if (!SYMBOL.matcher(symbol).matches()) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "symbol must be 1 to 12 letters, digits or dots");
    }
    return symbol;
  }
}
