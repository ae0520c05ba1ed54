package io.tailguard.spring.http;

import io.tailguard.core.http.HttpClientConfig;
import io.tailguard.core.http.HttpClientGuard;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.http.HttpEndpoint;
import java.util.List;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * Helpers shared by the adapters: a configured client by name (failing with the configured names
 * when there is none), a client's base URL, a service group's own base URL.
 *
 * <p>Stateless and thread-safe.
 */
final class HttpClientNames {

  private HttpClientNames() {}

  /**
   * Returns the client named {@code name}.
   *
   * @param clients the clients
   * @param name the name, a key under {@code resilience.http-clients}
   * @return the client
   * @throws IllegalArgumentException naming the configured clients if none has that name
   */
  static HttpClientGuard require(HttpClientRegistry clients, String name) {
    return clients
        .find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "No HTTP client named '"
                        + name
                        + "': configure it under resilience.http-clients."
                        + name
                        + " (configured: "
                        + names(clients)
                        + ")"));
  }

  /** Whether a client named {@code name} is configured. */
  static boolean exists(HttpClientRegistry clients, String name) {
    return clients.find(name).isPresent();
  }

  /** The first endpoint's URL, as the base URL of the client's builders. */
  static Optional<String> baseUrl(HttpClientConfig config) {
    List<HttpEndpoint> endpoints = config.endpoints();
    return endpoints.isEmpty() ? Optional.empty() : Optional.of(endpoints.get(0).url().toString());
  }

  /** Whether Boot's {@code spring.http.serviceclient.<group>.base-url} sets a group's base URL. */
  static boolean hasBaseUrl(Environment environment, String group) {
    return environment.getProperty("spring.http.serviceclient." + group + ".base-url") != null;
  }

  static List<String> names(HttpClientRegistry clients) {
    return List.copyOf(clients.names());
  }
}
