package io.tailguard.sample.orders;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The orders API, a small call graph behind a gateway: each request passes {@code auth} first, and
 * only then reaches {@code db} or {@code inventory} (see {@link OrderBackends}).
 *
 * <pre>
 * GET /orders/{id}   with X-Api-Key: auth, then db       {"id":"42","sku":"SKU-7"}
 * GET /stock/{sku}   with X-Api-Key: auth, then inventory {"sku":"SKU-7","stock":12}
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
@RestController
public class OrderController {

  private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final OrderBackends backends;

  public OrderController(OrderBackends backends) {
    this.backends = backends;
  }

  /**
   * An order.
   *
   * @param apiKey the caller's key, 1 to 64 letters, digits, dots, dashes or underscores
   * @param id the order id, of the same characters
   * @return the order
   */
  @GetMapping("/orders/{id}")
  public Order order(
      @RequestHeader(name = "X-Api-Key", required = false) String apiKey, @PathVariable String id) {
    authorize(apiKey, "id", id);
    return present(backends.order(id), "db");
  }

  /**
   * The stock of an item.
   *
   * @param apiKey the caller's key, 1 to 64 letters, digits, dots, dashes or underscores
   * @param sku the item, of the same characters
   * @return its stock
   */
  @GetMapping("/stock/{sku}")
  public Stock stock(
      @RequestHeader(name = "X-Api-Key", required = false) String apiKey,
      @PathVariable String sku) {
    authorize(apiKey, "sku", sku);
    return present(backends.stock(sku), "inventory");
  }

  private void authorize(String apiKey, String name, String value) {
    if (apiKey == null || !TEXT.matcher(apiKey).matches()) {
      throw new ResponseStatusException(
          HttpStatus.UNAUTHORIZED, "an X-Api-Key header of 1 to 64 letters or digits is required");
    }
    if (!TEXT.matcher(value).matches()) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST,
          name + " must be 1 to 64 letters, digits, dots, dashes or underscores");
    }
    if (!backends.authorize(apiKey)) {
      throw new ResponseStatusException(HttpStatus.FORBIDDEN, "not allowed");
    }
  }

  private static <T> T present(T answer, String dependency) {
    if (answer == null) {
      throw new ResponseStatusException(HttpStatus.BAD_GATEWAY, dependency + " answered nothing");
    }
    return answer;
  }
}
