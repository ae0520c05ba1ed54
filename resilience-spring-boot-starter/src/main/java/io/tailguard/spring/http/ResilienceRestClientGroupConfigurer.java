package io.tailguard.spring.http;

import io.tailguard.core.http.HttpClientRegistry;
import java.util.Objects;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroup;

/**
 * Applies a client under {@code resilience.http-clients} to the HTTP service group of the same name
 * ({@code @ImportHttpServices(group = "inventory")}): the group's {@code RestClient} gets the
 * client's {@link ResilienceClientHttpRequestInterceptor}, and, unless {@code
 * spring.http.serviceclient.<group>.base-url} is set, the first endpoint as its base URL. Groups
 * without a client of their name are left alone.
 *
 * <p>Runs after Spring Boot's configurer of the {@code spring.http.serviceclient} properties: it
 * keeps the interface's default order, the lowest precedence, and Boot's is near the highest.
 *
 * <p>Thread-safe.
 */
public final class ResilienceRestClientGroupConfigurer
    implements RestClientHttpServiceGroupConfigurer {

  private final HttpClientRegistry clients;
  private final Environment environment;

  /**
   * Creates the configurer.
   *
   * @param clients the clients
   * @param environment reads the groups' {@code base-url}
   */
  public ResilienceRestClientGroupConfigurer(HttpClientRegistry clients, Environment environment) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  @Override
  public void configureGroups(Groups<RestClient.Builder> groups) {
    groups
        .filter(group -> HttpClientNames.exists(clients, group.name()))
        .forEachClient(this::configure);
  }

  private void configure(HttpServiceGroup group, RestClient.Builder builder) {
    String name = group.name();
    if (!HttpClientNames.hasBaseUrl(environment, name)) {
      HttpClientNames.baseUrl(HttpClientNames.require(clients, name).config())
          .ifPresent(builder::baseUrl);
    }
    builder.requestInterceptor(new ResilienceClientHttpRequestInterceptor(clients, name));
  }
}
