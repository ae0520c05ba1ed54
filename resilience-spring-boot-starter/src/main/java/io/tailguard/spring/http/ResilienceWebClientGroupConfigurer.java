package io.tailguard.spring.http;

import io.tailguard.core.http.HttpClientRegistry;
import java.util.Objects;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroup;

/**
 * Applies a client under {@code resilience.http-clients} to the reactive HTTP service group of the
 * same name: the group's {@code WebClient} gets the client's {@link
 * ResilienceExchangeFilterFunction}, and, unless {@code spring.http.serviceclient.<group>.base-url}
 * is set, the first endpoint as its base URL. Groups without a client of their name are left alone.
 *
 * <p>Thread-safe.
 */
public final class ResilienceWebClientGroupConfigurer
    implements WebClientHttpServiceGroupConfigurer {

  private final HttpClientRegistry clients;
  private final Environment environment;

  /**
   * Creates the configurer.
   *
   * @param clients the clients
   * @param environment reads the groups' {@code base-url}
   */
  public ResilienceWebClientGroupConfigurer(HttpClientRegistry clients, Environment environment) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  @Override
  public void configureGroups(Groups<WebClient.Builder> groups) {
    groups
        .filter(group -> HttpClientNames.exists(clients, group.name()))
        .forEachClient(this::configure);
  }

  private void configure(HttpServiceGroup group, WebClient.Builder builder) {
    String name = group.name();
    if (!HttpClientNames.hasBaseUrl(environment, name)) {
      HttpClientNames.baseUrl(HttpClientNames.require(clients, name).config())
          .ifPresent(builder::baseUrl);
    }
    builder.filter(new ResilienceExchangeFilterFunction(clients, name));
  }
}
