package io.tailguard.spring.http;

import io.tailguard.core.http.HttpClientConfig;
import io.tailguard.core.http.HttpClientRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.web.client.RestClient;

/**
 * {@code RestClient} builders for the clients under {@code resilience.http-clients}, with no
 * annotation on the calling code:
 *
 * <pre>{@code
 * RestClient inventory = clients.restClient("inventory").build();
 * inventory.get().uri("/items/{id}", id).retrieve().body(Item.class);
 * }</pre>
 *
 * <p>Each builder is a copy of Spring Boot's {@code RestClient.Builder} (its message converters,
 * request factory, observation and customizers), or {@code RestClient.builder()} without it, with
 * the base URL set to the client's first endpoint (none without endpoints) and a {@link
 * ResilienceClientHttpRequestInterceptor} appended last. With endpoints, the guard sends each
 * attempt to an endpoint of its choice whatever host the request names.
 *
 * <p>{@code WebClient} builders come from {@link ResilientWebClients}, a bean of its own so that
 * this one does not need Spring WebFlux on the class path.
 *
 * <p>Thread-safe: each call returns a new builder, which, like every {@code RestClient.Builder}, is
 * not thread-safe itself.
 */
public final class ResilientHttpClients {

  private final HttpClientRegistry clients;
  private final Supplier<RestClient.Builder> builders;

  /**
   * Creates the factory.
   *
   * @param clients the clients
   * @param builders a fresh builder on each call (Boot's prototype bean, or {@code
   *     RestClient::builder})
   */
  public ResilientHttpClients(HttpClientRegistry clients, Supplier<RestClient.Builder> builders) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.builders = Objects.requireNonNull(builders, "builders");
  }

  /**
   * Returns a builder for one client.
   *
   * @param name the client's name, a key under {@code resilience.http-clients}
   * @return a new builder with the client's base URL and interceptor
   * @throws IllegalArgumentException naming the configured clients if none has that name
   */
  public RestClient.Builder restClient(String name) {
    HttpClientConfig config = HttpClientNames.require(clients, name).config();
    // A copy: an application's own builder bean may be a singleton others use too.
    RestClient.Builder builder = builders.get().clone();
    HttpClientNames.baseUrl(config).ifPresent(builder::baseUrl);
    return builder.requestInterceptor(new ResilienceClientHttpRequestInterceptor(clients, name));
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
