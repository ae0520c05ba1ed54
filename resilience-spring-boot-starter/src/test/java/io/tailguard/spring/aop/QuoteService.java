package io.tailguard.spring.aop;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A bean with annotated methods whose behaviour each test sets through {@link Downstream}. */
public class QuoteService {

  /** What the methods call, and what they saw; a bean of its own, so it is not proxied. */
  public static class Downstream {
    volatile Function<String, String> behaviour = s -> "quote:" + s;
    volatile Function<String, CompletableFuture<String>> stages =
        s -> CompletableFuture.completedFuture("quote:" + s);
    final List<AttemptContext> attempts = new CopyOnWriteArrayList<>();

    String apply(String s) {
      return behaviour.apply(s);
    }
  }

  private final Downstream downstream;

  public QuoteService(Downstream downstream) {
    this.downstream = downstream;
  }

  /** A request with an organisation, for rate-limit keys. */
  public record Request(String orgId, String symbol) {}

  @RateLimited(value = "quotes-api", key = "#request.orgId")
  public String limited(Request request) {
    return downstream.apply(request.symbol());
  }

  @RateLimited(value = "quotes-api", key = "#request.orgId", fallbackMethod = "busy")
  public String limitedWithFallback(Request request) {
    return downstream.apply(request.symbol());
  }

  String busy(Request request, RateLimitExceededException e) {
    return "busy:" + request.orgId();
  }

  @RateLimited(value = "quotes-api", key = "#p0")
  public CompletableFuture<String> limitedAsync(String org) {
    return CompletableFuture.completedFuture(downstream.apply(org));
  }

  @RateLimited(value = "quotes-api", key = "#org")
  public Mono<String> limitedMono(String org) {
    return Mono.fromSupplier(() -> downstream.apply(org));
  }

  @RateLimited("quotes-api")
  public String limitedShared(String symbol) {
    return downstream.apply(symbol);
  }

  @Retried("quick")
  public String flaky(String symbol) {
    return downstream.apply(symbol);
  }

  @Retried(value = "quick", fallbackMethod = "gaveUp")
  public String flakyWithFallback(String symbol) {
    return downstream.apply(symbol);
  }

  String gaveUp(String symbol, IllegalStateException e) {
    return "gave-up:" + symbol + ":" + e.getSuppressed().length;
  }

  @Retried("quick")
  public CompletableFuture<String> flakyAsync(String symbol) {
    try {
      return CompletableFuture.completedFuture(downstream.apply(symbol));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Retried("quick")
  public Mono<String> flakyMono(String symbol) {
    return Mono.fromSupplier(() -> downstream.apply(symbol));
  }

  @Retried("quick")
  public Flux<String> flakyFlux(String symbol) {
    return Flux.just(symbol, symbol + "2").map(downstream::apply);
  }

  @RateLimited(value = "quotes-api", key = "#org")
  public Flux<String> limitedFlux(String org) {
    return Flux.just(org, org).map(downstream::apply);
  }

  @Retried("quick")
  @CircuitProtected("retried-breaker")
  public String flakyBehindABreaker(String symbol) {
    return downstream.apply(symbol);
  }

  @CircuitProtected(value = "quotes", fallbackMethod = "cached")
  public String quote(String symbol) {
    return downstream.apply(symbol);
  }

  String cached(String symbol, CircuitRejectedException e) {
    return "cached:" + symbol;
  }

  String cached(String symbol, IllegalStateException e) {
    return "stale:" + symbol;
  }

  String cached(String symbol, RuntimeException e) {
    return "generic:" + symbol;
  }

  @CircuitProtected(value = "quotes", fallbackMethod = "cachedRejected")
  public String quoteOnlyRejectionsFallBack(String symbol) {
    return downstream.apply(symbol);
  }

  String cachedRejected(String symbol, CircuitRejectedException e) {
    return "cached:" + symbol;
  }

  @CircuitProtected(value = "quotes", fallbackMethod = "cachedAsync")
  public CompletableFuture<String> quoteAsync(String symbol) {
    return CompletableFuture.supplyAsync(() -> downstream.apply(symbol));
  }

  CompletableFuture<String> cachedAsync(String symbol, CircuitRejectedException e) {
    return CompletableFuture.completedFuture("cached:" + symbol);
  }

  @CircuitProtected("quotes")
  public Mono<String> quoteMono(String symbol) {
    return Mono.fromSupplier(() -> downstream.apply(symbol));
  }

  @CircuitProtected("quotes")
  public Flux<String> quoteFlux(String symbol) {
    return Flux.just(symbol, symbol).map(downstream::apply);
  }

  @Hedged("search")
  @CircuitProtected("search")
  public String search(String query) {
    CurrentAttempt.get().ifPresent(downstream.attempts::add);
    return downstream.apply(query);
  }

  @Hedged("search")
  @CircuitProtected("search")
  public CompletableFuture<String> searchProtectedAsync(String query) {
    CurrentAttempt.get().ifPresent(downstream.attempts::add);
    return downstream.stages.apply(query);
  }

  @Hedged("search")
  public CompletableFuture<String> searchAsync(String query) {
    CurrentAttempt.get().ifPresent(downstream.attempts::add);
    return CompletableFuture.supplyAsync(() -> downstream.apply(query));
  }

  @Hedged("search")
  public Mono<String> searchMono(String query) {
    CurrentAttempt.get().ifPresent(downstream.attempts::add);
    return Mono.fromSupplier(() -> downstream.apply(query));
  }

  @Hedged("search")
  public Flux<String> searchFlux(String query) {
    return Flux.just(query + 1, query + 2).map(downstream::apply);
  }
}
