package io.tailguard.spring.it;

import io.tailguard.core.health.HealthCheckResult;
import io.tailguard.core.health.HealthProbe;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small web application using the starter as a user would. It uses no Redis: Spring Data Redis is
 * on the test class path only for the backend-redis tests, so its auto-configuration (and its
 * health indicator, DOWN without a server) is excluded.
 */
@SpringBootApplication(
    excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
public class DemoApplication {

  /** The downstream the service calls; tests make it fail. */
  public static class Payments {
    final AtomicBoolean failing = new AtomicBoolean();

    String charge(String order) {
      if (failing.get()) {
        throw new IllegalStateException("payments down");
      }
      return "charged " + order;
    }
  }

  @Bean
  Payments payments() {
    return new Payments();
  }

  /** The catalogue the service reads; tests make its primary attempts hang. */
  public static class CatalogueBackend {
    final AtomicBoolean primaryHangs = new AtomicBoolean();
    final List<AttemptContext> attempts = new CopyOnWriteArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    String fetch(String sku, AttemptContext attempt) {
      attempts.add(attempt);
      if (primaryHangs.get() && !attempt.isHedge()) {
        try {
          never.await(10, TimeUnit.SECONDS); // until the winning hedge interrupts it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("primary cancelled");
        }
      }
      return sku + " from attempt " + attempt.attempt();
    }
  }

  @Bean
  CatalogueBackend catalogueBackend() {
    return new CatalogueBackend();
  }

  @Bean
  HealthProbe vectorStoreProbe() {
    return HealthProbe.of("vector-store", HealthCheckResult::up);
  }

  /** A service protected by a breaker. */
  @Service
  public static class Checkout {
    private final Payments payments;

    public Checkout(Payments payments) {
      this.payments = payments;
    }

    @CircuitProtected("payments")
    public String checkout(String order) {
      return payments.charge(order);
    }

    @CircuitProtected("payments")
    public java.util.concurrent.CompletableFuture<String> checkoutAsync(String order) {
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> payments.charge(order));
    }

    @CircuitProtected("payments")
    public reactor.core.publisher.Flux<String> receipts(String order) {
      return reactor.core.publisher.Flux.just(order + "-a", order + "-b").map(payments::charge);
    }
  }

  /** A hedged read: each attempt passes the catalogue's breaker (the default aspect order). */
  @Service
  public static class Catalogue {
    private final CatalogueBackend backend;

    public Catalogue(CatalogueBackend backend) {
      this.backend = backend;
    }

    @Hedged("catalogue")
    @CircuitProtected("catalogue")
    public String lookup(String sku) {
      return backend.fetch(sku, CurrentAttempt.get().orElseThrow());
    }
  }

  /** The catalogue API. */
  @RestController
  public static class CatalogueController {
    private final Catalogue catalogue;

    public CatalogueController(Catalogue catalogue) {
      this.catalogue = catalogue;
    }

    @GetMapping("/catalogue/{sku}")
    public String lookup(@PathVariable String sku) {
      return catalogue.lookup(sku);
    }
  }

  /** A search rate-limited per API key. */
  @Service
  public static class Search {
    @RateLimited(value = "search", key = "#apiKey")
    public String search(String apiKey, String query) {
      return "results for " + query;
    }
  }

  /** The search API; the key comes from a header. */
  @RestController
  public static class SearchController {
    private final Search search;

    public SearchController(Search search) {
      this.search = search;
    }

    @GetMapping("/search")
    public String search(
        @org.springframework.web.bind.annotation.RequestHeader("X-Api-Key") String apiKey,
        @org.springframework.web.bind.annotation.RequestParam String q) {
      return search.search(apiKey, q);
    }
  }

  /** Its web API. */
  @RestController
  public static class CheckoutController {
    private final Checkout checkout;

    public CheckoutController(Checkout checkout) {
      this.checkout = checkout;
    }

    @GetMapping("/checkout/{order}")
    public String checkout(@PathVariable String order) {
      return checkout.checkout(order);
    }

    @GetMapping("/checkout-async/{order}")
    public java.util.concurrent.CompletableFuture<String> checkoutAsync(
        @PathVariable String order) {
      return checkout.checkoutAsync(order);
    }

    @GetMapping("/receipts/{order}")
    public reactor.core.publisher.Flux<String> receipts(@PathVariable String order) {
      return checkout.receipts(order);
    }
  }

  /** A flaky inventory downstream: fails the next {@code failures} calls, with a status. */
  public static class Inventory {
    final java.util.concurrent.atomic.AtomicInteger failures =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    volatile org.springframework.http.HttpStatus status =
        org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE;

    String stock(String sku) {
      calls.incrementAndGet();
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        var headers = new org.springframework.http.HttpHeaders();
        var utf8 = java.nio.charset.StandardCharsets.UTF_8;
        throw status.is4xxClientError()
            ? org.springframework.web.client.HttpClientErrorException.create(
                status, status.getReasonPhrase(), headers, new byte[0], utf8)
            : org.springframework.web.client.HttpServerErrorException.create(
                status, status.getReasonPhrase(), headers, new byte[0], utf8);
      }
      return "in stock: " + sku;
    }
  }

  @Bean
  Inventory inventory() {
    return new Inventory();
  }

  /** Retried calls, in each return type. */
  @Service
  public static class Stock {
    private final Inventory inventory;

    public Stock(Inventory inventory) {
      this.inventory = inventory;
    }

    @Retried("inventory")
    public String stock(String sku) {
      return inventory.stock(sku);
    }

    @Retried("inventory")
    public java.util.concurrent.CompletableFuture<String> stockAsync(String sku) {
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> inventory.stock(sku));
    }

    @Retried("inventory")
    @RateLimited(value = "stock-mono", key = "#sku")
    public reactor.core.publisher.Mono<String> stockMono(String sku) {
      return reactor.core.publisher.Mono.fromSupplier(() -> inventory.stock(sku));
    }
  }

  /** The stock API: plain, asynchronous and reactive handlers. */
  @RestController
  public static class StockController {
    private final Stock stock;

    public StockController(Stock stock) {
      this.stock = stock;
    }

    @GetMapping("/stock/{sku}")
    public String stock(@PathVariable String sku) {
      return stock.stock(sku);
    }

    @GetMapping("/stock-async/{sku}")
    public java.util.concurrent.CompletableFuture<String> stockAsync(@PathVariable String sku) {
      return stock.stockAsync(sku);
    }

    @GetMapping("/stock-mono/{sku}")
    public reactor.core.publisher.Mono<String> stockMono(@PathVariable String sku) {
      return stock.stockMono(sku);
    }
  }
}
