package io.tailguard.spring.http;

import io.tailguard.core.http.HttpAttempt;
import io.tailguard.core.http.HttpCall;
import io.tailguard.core.http.HttpClientGuard;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.http.HttpResponses;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * A {@code WebClient} filter that sends each exchange through the {@link HttpClientGuard} of one
 * client under {@code resilience.http-clients}: rate limit, retry, hedging across endpoints,
 * per-host breakers, without blocking a thread. Each attempt subscribes to the next exchange
 * function once, with the attempt's target URI; the request body inserter is reused for every
 * attempt, so a body published once (a {@code Flux} that cannot be subscribed again) should not be
 * sent through a retried or hedged method.
 *
 * <p>The guarded call starts when the returned {@code Mono} is subscribed, once per subscription.
 * Cancelling that subscription cancels the guarded call. The guard cancels a losing hedge through
 * its stage, which disposes the attempt's subscription: the connector cancels the exchange (the
 * JDK's {@code HttpClient} closes its HTTP/1.1 connection; Reactor Netty releases it). A response
 * that arrives after its attempt was cancelled, and every response the caller will not see (losers,
 * retried statuses), has its body released.
 *
 * <p>Filters registered after this one run once per attempt; those before it once per call. The
 * builders of {@link ResilientWebClients} append it last.
 *
 * <p>Thread-safe.
 */
public final class ResilienceExchangeFilterFunction implements ExchangeFilterFunction {

  /**
   * Reactor's context key for a subscription's own hook on errors that arrive after it was
   * cancelled (read by {@code Operators.onErrorDropped}). A connector whose exchange is cancelled
   * may still fail it (the JDK's {@code HttpClient} completes it with "Request cancelled"), and
   * Reactor's default hook logs that at ERROR: once per losing hedge. The error is expected, so the
   * attempt's subscription ignores it.
   */
  private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";

  private static final Consumer<Throwable> IGNORE = e -> {};

  private final HttpClientRegistry clients;
  private final String name;

  /**
   * Creates the filter of one client.
   *
   * @param clients the clients
   * @param name the client's name, a key under {@code resilience.http-clients}
   * @throws IllegalArgumentException if no client has that name
   */
  public ResilienceExchangeFilterFunction(HttpClientRegistry clients, String name) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.name = Objects.requireNonNull(name, "name");
    HttpClientNames.require(clients, name);
  }

  /**
   * Returns the client's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(
        context -> {
          HttpClientGuard guard = clients.client(name);
          HttpCall call =
              new HttpCall(request.method().name(), request.url(), request.headers()::getFirst);
          CompletableFuture<ClientResponse> result =
              guard.executeAsync(
                  call, attempt -> exchange(request, next, attempt, context), Responses.INSTANCE);
          // fromFuture cancels the future when the subscriber cancels.
          return Mono.fromFuture(result);
        });
  }

  /**
   * One attempt: subscribes to the exchange now, with the caller's Reactor context (tracing and
   * Boot's observation live there), and completes the stage with its response. The stage cancelled
   * disposes the subscription; a response that arrives too late is released.
   */
  private static CompletionStage<ClientResponse> exchange(
      ClientRequest request, ExchangeFunction next, HttpAttempt attempt, ContextView context) {
    ClientRequest attemptRequest = ClientRequest.from(request).url(attempt.target()).build();
    CompletableFuture<ClientResponse> stage = new CompletableFuture<>();
    Disposable subscription =
        next.exchange(attemptRequest)
            .contextWrite(Context.of(ON_ERROR_DROPPED, IGNORE))
            .contextWrite(context)
            .subscribe(
                response -> {
                  if (!stage.complete(response)) {
                    release(response); // cancelled meanwhile: nobody will read it
                  }
                },
                stage::completeExceptionally,
                () ->
                    stage.completeExceptionally(
                        new IllegalStateException("The exchange completed without a response")));
    stage.whenComplete(
        (r, e) -> {
          if (stage.isCancelled()) {
            subscription.dispose();
          }
        });
    return stage;
  }

  private static void release(ClientResponse response) {
    response.releaseBody().onErrorComplete().subscribe();
  }

  /** How the guard reads and releases a {@link ClientResponse}. */
  private enum Responses implements HttpResponses<ClientResponse> {
    INSTANCE;

    @Override
    public int status(ClientResponse response) {
      return response.statusCode().value();
    }

    @Override
    public Optional<String> header(ClientResponse response, String headerName) {
      return response.headers().header(headerName).stream().findFirst();
    }

    @Override
    public void discard(ClientResponse response) {
      release(response);
    }
  }
}
