package io.tailguard.sample.orders;

import io.tailguard.spring.annotation.CircuitProtected;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * The three dependencies of the orders API, each behind a breaker of its own: {@code auth} (the
 * gateway every order request passes first), and {@code db} and {@code inventory}, which requests
 * reach only once {@code auth} has let them through (see {@link OrderController}).
 *
 * <p>That call graph is what the global fuse is for: when {@code db} and {@code inventory} fail
 * together (one outage behind the gateway), their breakers open, the share of open breakers reaches
 * {@code resilience.circuit-breaker.global.component-open-ratio}, and every closed breaker refuses
 * calls too, {@code auth} included. No request then reaches {@code db} or {@code inventory}, so the
 * fuse must close by itself once their cooldowns pass and the outage is over, not wait for traffic
 * that it is blocking. The chaos suite checks that it does.
 *
 * <p>No retries or hedges here, so each request is one call per dependency. Thread-safe.
 */
@Service
public class OrderBackends {

  private final RestClient downstream;

  public OrderBackends(RestClient downstreamClient) {
    this.downstream = downstreamClient;
  }

  /**
   * Asks {@code auth} whether the user may see orders.
   *
   * @param user the user
   * @return whether the user is allowed
   */
  @CircuitProtected("auth")
  public boolean authorize(String user) {
    Authorization a =
        downstream
            .get()
            .uri("/auth/{user}", user)
            .header("X-Client", "auth")
            .retrieve()
            .body(Authorization.class);
    return a != null && a.allowed();
  }

  /**
   * Reads an order from {@code db}.
   *
   * @param id the order id
   * @return the order
   */
  @CircuitProtected("db")
  public Order order(String id) {
    return downstream
        .get()
        .uri("/db/orders/{id}", id)
        .header("X-Client", "db")
        .retrieve()
        .body(Order.class);
  }

  /**
   * Reads the stock of an item from {@code inventory}.
   *
   * @param sku the item
   * @return its stock
   */
  @CircuitProtected("inventory")
  public Stock stock(String sku) {
    return downstream
        .get()
        .uri("/inventory/{sku}", sku)
        .header("X-Client", "inventory")
        .retrieve()
        .body(Stock.class);
  }

  /**
   * What {@code auth} answers.
   *
   * @param user the user
   * @param allowed whether the user is allowed
   */
  public record Authorization(String user, boolean allowed) {}
}
