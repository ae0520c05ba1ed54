package io.tailguard.sample.catalog;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The catalog API: {@code GET /catalog/{sku}} through the configured client {@code catalog} (hedged
 * across the replicas, retried, a breaker per replica) and {@code GET /baseline/catalog/{sku}}
 * through a plain client, for comparison. Stateless and thread-safe.
 */
@RestController
public class CatalogController {

  private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  private final CatalogService catalog;

  public CatalogController(CatalogService catalog) {
    this.catalog = catalog;
  }

  /**
   * An item, read through the configured client {@code catalog}.
   *
   * @param sku the item, 1 to 32 letters, digits, dots, dashes or underscores
   * @return the item
   */
  @GetMapping("/catalog/{sku}")
  public Item item(@PathVariable String sku) {
    return catalog.item(valid(sku));
  }

  /**
   * An item, read through a plain {@code RestClient} from replica {@code a}.
   *
   * @param sku the item, 1 to 32 letters, digits, dots, dashes or underscores
   * @return the item
   */
  @GetMapping("/baseline/catalog/{sku}")
  public Item baseline(@PathVariable String sku) {
    return catalog.plainItem(valid(sku));
  }

  static String valid(String sku) {
    if (!SKU.matcher(sku).matches()) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST,
          "sku must be 1 to 32 letters, digits, dots, dashes or underscores");
    }
    return sku;
  }
}
