package io.tailguard.spring.http;

import io.tailguard.core.http.HttpClientConfig;
import io.tailguard.core.http.HttpClientRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code WebClient} builders for the clients under {@code resilience.http-clients}, with no
 * annotation on the calling code:
 *
 * <pre>{@code
 * WebClient inventory = clients.webClient("inventory").build();
 * inventory.get().uri("/items/{id}", id).retrieve().bodyToMono(Item.class);
 * }</pre>
 *
 * <p>Each builder is a copy of Spring Boot's {@code WebClient.Builder} (its codecs, connector,
 * observation and customizers), or {@code WebClient.builder()} without it, with the base URL set to
 * the client's first endpoint (none without endpoints) and a {@link
 * ResilienceExchangeFilterFunction} appended last.
 *
 * <p>Thread-safe: each call returns a new builder, which, like every {@code WebClient.Builder}, is
 * not thread-safe itself.
 */
public final class ResilientWebClients {

  private final HttpClientRegistry clients;
  private final Supplier<WebClient.Builder> builders;

  /**
   * Creates the factory.
   *
   * @param clients the clients
   * @param builders a fresh builder on each call (Boot's prototype bean, or {@code
   *     WebClient::builder})
   */
  public ResilientWebClients(HttpClientRegistry clients, Supplier<WebClient.Builder> builders) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.builders = Objects.requireNonNull(builders, "builders");
  }

  /**
   * Returns a builder for one client.
   *
   * @param name the client's name, a key under {@code resilience.http-clients}
   * @return a new builder with the client's base URL and filter
   * @throws IllegalArgumentException naming the configured clients if none has that name
   */
  public WebClient.Builder webClient(String name) {
    HttpClientConfig config = HttpClientNames.require(clients, name).config();
    // A copy: an application's own builder bean may be a singleton others use too.
    WebClient.Builder builder = builders.get().clone();
    HttpClientNames.baseUrl(config).ifPresent(builder::baseUrl);
    return builder.filter(new ResilienceExchangeFilterFunction(clients, name));
  }

  /**
   * Returns the names of the configured clients.
   *
   * @return the names, sorted
   */
  public List<String> names() {
    return HttpClientNames.names(clients);
  }
}
