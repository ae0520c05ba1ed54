package io.tailguard.sample.search;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The search API: {@code GET /search?q=...} with an {@code X-Api-Key} header. Over its key's limit
 * a caller gets 429 with {@code Retry-After}. Stateless and thread-safe.
 */
@RestController
public class SearchController {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");

  private final SearchService search;

  public SearchController(SearchService search) {
    this.search = search;
  }

  /**
   * Searches.
   *
   * @param apiKey the caller's key, 1 to 64 letters, digits, dots, dashes or underscores
   * @param q the query, 1 to 64 letters, digits, spaces, dots, dashes or underscores
   * @return the hits
   */
  @GetMapping("/search")
  public SearchResult search(
      @RequestHeader(name = "X-Api-Key", required = false) String apiKey, @RequestParam String q) {
    if (apiKey == null || !KEY.matcher(apiKey).matches()) {
      throw new ResponseStatusException(
          HttpStatus.UNAUTHORIZED, "an X-Api-Key header of 1 to 64 letters or digits is required");
    }
    if (!QUERY.matcher(q).matches()) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST, "q must be 1 to 64 letters, digits, spaces, dots or dashes");
    }
    return search.search(apiKey, q);
  }
}
