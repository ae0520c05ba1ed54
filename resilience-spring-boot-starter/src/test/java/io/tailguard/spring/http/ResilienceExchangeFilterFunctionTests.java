package io.tailguard.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.http.HttpClientConfig;
import io.tailguard.core.http.HttpClientRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/** The filter's contract with Reactor, without HTTP: the exchange function is a fake. */
class ResilienceExchangeFilterFunctionTests {

  private final HttpClientRegistry clients =
      HttpClientRegistry.builder().client("plain", HttpClientConfig.defaults()).build();

  @AfterEach
  void close() {
    clients.close();
  }

  /** Answers 200 with the subscriber's context value of {@code tenant} in a header. */
  private static final ExchangeFunction ECHO_CONTEXT =
      request ->
          Mono.deferContextual(
              ctx ->
                  Mono.just(
                      ClientResponse.create(HttpStatus.OK)
                          .header("tenant", ctx.getOrDefault("tenant", "none"))
                          .build()));

  @Test
  void eachAttemptSeesTheCallersReactorContext() {
    ResilienceExchangeFilterFunction filter =
        new ResilienceExchangeFilterFunction(clients, "plain");
    ClientRequest request =
        ClientRequest.create(HttpMethod.GET, URI.create("http://localhost:1/x")).build();
    ClientResponse response =
        filter
            .filter(request, ECHO_CONTEXT)
            .contextWrite(Context.of("tenant", "acme"))
            .block(Duration.ofSeconds(10));
    assertThat(response).isNotNull();
    assertThat(response.headers().header("tenant")).containsExactly("acme");
  }
}
