package io.tailguard.spring.autoconfigure;

import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.spring.http.ResilienceRestClientGroupConfigurer;
import io.tailguard.spring.http.ResilienceWebClientGroupConfigurer;
import io.tailguard.spring.http.ResilientHttpClients;
import io.tailguard.spring.http.ResilientWebClients;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Spring's HTTP clients for the clients under {@code resilience.http-clients}: {@link
 * ResilientHttpClients} ({@code RestClient} builders) when Spring Web is on the class path, {@link
 * ResilientWebClients} ({@code WebClient} builders) when Spring WebFlux is, and for each an HTTP
 * service group configurer that applies a client to the group of its name. The builders start from
 * Spring Boot's {@code RestClient.Builder} / {@code WebClient.Builder} beans when they exist.
 *
 * <p>{@code resilience.http-clients.enabled=false} turns all of it off; the clients' engines stay
 * available as the {@link HttpClientRegistry} bean.
 */
@AutoConfiguration(
    after = ResilienceAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
      "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration"
    })
@ConditionalOnBean(HttpClientRegistry.class)
@ConditionalOnBooleanProperty(name = "resilience.http-clients.enabled", matchIfMissing = true)
public final class ResilienceHttpClientsAutoConfiguration {

  /** {@code RestClient} builders and service groups. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RestClient.class)
  static final class RestClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ResilientHttpClients resilientHttpClients(
        HttpClientRegistry clients, ObjectProvider<RestClient.Builder> builders) {
      // Boot's builder bean is a prototype: each lookup is a fresh builder.
      return new ResilientHttpClients(clients, () -> builders.getIfAvailable(RestClient::builder));
    }

    @Bean
    @ConditionalOnMissingBean
    ResilienceRestClientGroupConfigurer resilienceRestClientGroupConfigurer(
        HttpClientRegistry clients, Environment environment) {
      return new ResilienceRestClientGroupConfigurer(clients, environment);
    }
  }

  /** {@code WebClient} builders and reactive service groups. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebClient.class)
  static final class WebClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ResilientWebClients resilientWebClients(
        HttpClientRegistry clients, ObjectProvider<WebClient.Builder> builders) {
      return new ResilientWebClients(clients, () -> builders.getIfAvailable(WebClient::builder));
    }

    @Bean
    @ConditionalOnMissingBean
    ResilienceWebClientGroupConfigurer resilienceWebClientGroupConfigurer(
        HttpClientRegistry clients, Environment environment) {
      return new ResilienceWebClientGroupConfigurer(clients, environment);
    }
  }
}
