package io.tailguard.spring.it;

import io.tailguard.core.health.HealthCheckResult;
import io.tailguard.core.health.HealthProbe;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
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

/** A small web application using the starter as a user would. */
@SpringBootApplication
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
  }
}
