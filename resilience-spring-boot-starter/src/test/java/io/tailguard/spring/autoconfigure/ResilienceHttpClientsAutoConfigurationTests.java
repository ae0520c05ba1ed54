package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.http.HttpClientEvent;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.spring.http.LoopbackServer;
import io.tailguard.spring.http.ResilienceRestClientGroupConfigurer;
import io.tailguard.spring.http.ResilienceWebClientGroupConfigurer;
import io.tailguard.spring.http.ResilientHttpClients;
import io.tailguard.spring.http.ResilientWebClients;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;
import reactor.core.publisher.Mono;

/**
 * Issue 17: the HTTP clients' auto-configuration: on by default, off with its switch, each half
 * only with its client on the class path, user beans win, Boot's builders and service groups used.
 */
class ResilienceHttpClientsAutoConfigurationTests {

  private LoopbackServer server;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceHttpClientsAutoConfiguration.class))
          .withPropertyValues("resilience.http-clients.inventory.max-hosts=4");

  @BeforeEach
  void start() {
    server = LoopbackServer.start("inventory", LoopbackServer.fast("items"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void buildersAndGroupConfigurersForBothClients() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(HttpClientRegistry.class);
          assertThat(context).hasSingleBean(ResilientHttpClients.class);
          assertThat(context).hasSingleBean(ResilientWebClients.class);
          assertThat(context).hasSingleBean(ResilienceRestClientGroupConfigurer.class);
          assertThat(context).hasSingleBean(ResilienceWebClientGroupConfigurer.class);
          assertThat(context.getBean(ResilientHttpClients.class).names())
              .containsExactly("inventory");
        });
  }

  @Test
  void theSwitchTurnsTheClientsOffButKeepsTheEngines() {
    runner
        .withPropertyValues("resilience.http-clients.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(HttpClientRegistry.class);
              assertThat(context).doesNotHaveBean(ResilientHttpClients.class);
              assertThat(context).doesNotHaveBean(ResilientWebClients.class);
              assertThat(context).doesNotHaveBean(ResilienceRestClientGroupConfigurer.class);
              assertThat(context.getBean(HttpClientRegistry.class).names())
                  .containsExactly("inventory");
            });
  }

  @Test
  void aSwitchValueOtherThanTrueOrFalseIsRefusedNamingTheProperty() {
    runner
        .withPropertyValues("resilience.http-clients.enabled=yes")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("resilience.http-clients.enabled"));
  }

  @Test
  void withoutWebFluxOnlyTheRestClientHalf() {
    runner
        .withClassLoader(new FilteredClassLoader(WebClient.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResilientHttpClients.class);
              assertThat(context).doesNotHaveBean(ResilientWebClients.class);
              assertThat(context).doesNotHaveBean(ResilienceWebClientGroupConfigurer.class);
            });
  }

  @Test
  void withoutRestClientOnlyTheWebClientHalf() {
    runner
        .withClassLoader(new FilteredClassLoader(RestClient.class))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ResilientHttpClients.class);
              assertThat(context).hasSingleBean(ResilientWebClients.class);
            });
  }

  @Test
  void anApplicationBeanWins() {
    ResilientHttpClients own =
        new ResilientHttpClients(HttpClientRegistry.builder().build(), RestClient::builder);
    runner
        .withBean(ResilientHttpClients.class, () -> own)
        .run(context -> assertThat(context.getBean(ResilientHttpClients.class)).isSameAs(own));
  }

  @Test
  void anApplicationsSingletonBuilderIsCopiedNotChanged() {
    RestClient.Builder shared = RestClient.builder();
    runner
        .withPropertyValues("resilience.http-clients.inventory.endpoints[0].url=" + server.uri())
        .withBean(RestClient.Builder.class, () -> shared)
        .run(
            context -> {
              ResilientHttpClients clients = context.getBean(ResilientHttpClients.class);
              clients.restClient("inventory");
              clients
                  .restClient("inventory")
                  .requestInterceptors(list -> assertThat(list).hasSize(1));
              shared.requestInterceptors(list -> assertThat(list).isEmpty());
            });
  }

  @Test
  void withoutTheRuntimeNothing() {
    runner
        .withPropertyValues("resilience.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ResilientHttpClients.class);
              assertThat(context).doesNotHaveBean(ResilientWebClients.class);
            });
  }

  @Test
  void buildersStartFromBootsBuilderWithItsCustomizers() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration
                    .class,
                org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration
                    .class))
        .withPropertyValues("resilience.http-clients.inventory.endpoints[0].url=" + server.uri())
        .withBean(
            RestClientCustomizer.class,
            () -> builder -> builder.defaultHeader("X-Customized", "yes"))
        .run(
            context -> {
              RestClient client =
                  context.getBean(ResilientHttpClients.class).restClient("inventory").build();
              assertThat(client.get().uri("/items").retrieve().body(String.class))
                  .isEqualTo("items");
              LoopbackServer.Request request = server.awaitRequests(1).get(0);
              assertThat(request.target()).isEqualTo("/items");
              assertThat(request.header("X-Customized")).isEqualTo("yes");
            });
  }

  /** An HTTP service of the group "inventory". */
  interface InventoryApi {
    @GetExchange("/items")
    String items();
  }

  @Configuration(proxyBeanMethods = false)
  @ImportHttpServices(group = "inventory", types = InventoryApi.class)
  static class InventoryGroup {}

  @Test
  void aServiceGroupOfAClientsNameGoesThroughItsGuard() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration
                    .class,
                org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration.class,
                org.springframework.boot.http.client.autoconfigure.service
                    .HttpServiceClientPropertiesAutoConfiguration.class,
                org.springframework.boot.restclient.autoconfigure.service
                    .HttpServiceClientAutoConfiguration.class))
        .withUserConfiguration(InventoryGroup.class)
        .withPropertyValues("resilience.http-clients.inventory.endpoints[0].url=" + server.uri())
        .run(
            context -> {
              List<HttpClientEvent> events = new CopyOnWriteArrayList<>();
              context.getBean(HttpClientRegistry.class).subscribe(events::add);
              assertThat(context.getBean(InventoryApi.class).items()).isEqualTo("items");
              assertThat(server.awaitRequests(1).get(0).target()).isEqualTo("/items");
              assertThat(events)
                  .singleElement()
                  .isInstanceOfSatisfying(
                      HttpClientEvent.AttemptFinished.class,
                      e -> {
                        assertThat(e.name()).isEqualTo("inventory");
                        assertThat(e.host()).isEqualTo(server.hostPort());
                      });
            });
  }

  @Test
  void webClientBuildersStartFromBootsBuilderWithItsCustomizers() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class))
        .withPropertyValues("resilience.http-clients.inventory.endpoints[0].url=" + server.uri())
        .withBean(
            WebClientCustomizer.class,
            () -> builder -> builder.defaultHeader("X-Customized", "yes"))
        .run(
            context -> {
              WebClient client =
                  context.getBean(ResilientWebClients.class).webClient("inventory").build();
              assertThat(
                      client
                          .get()
                          .uri("/items")
                          .retrieve()
                          .bodyToMono(String.class)
                          .block(Duration.ofSeconds(10)))
                  .isEqualTo("items");
              LoopbackServer.Request request = server.awaitRequests(1).get(0);
              assertThat(request.target()).isEqualTo("/items");
              assertThat(request.header("X-Customized")).isEqualTo("yes");
            });
  }

  /** A reactive HTTP service of the group "inventory". */
  interface ReactiveInventoryApi {
    @GetExchange("/items")
    Mono<String> items();
  }

  @Configuration(proxyBeanMethods = false)
  @ImportHttpServices(
      group = "inventory",
      types = ReactiveInventoryApi.class,
      clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
  static class ReactiveInventoryGroup {}

  @Test
  void aReactiveServiceGroupOfAClientsNameGoesThroughItsGuard() {
    runner
        .withConfiguration(
            AutoConfigurations.of(
                ReactiveHttpClientAutoConfiguration.class,
                WebClientAutoConfiguration.class,
                org.springframework.boot.http.client.autoconfigure.service
                    .HttpServiceClientPropertiesAutoConfiguration.class,
                ReactiveHttpServiceClientAutoConfiguration.class))
        .withUserConfiguration(ReactiveInventoryGroup.class)
        .withPropertyValues("resilience.http-clients.inventory.endpoints[0].url=" + server.uri())
        .run(
            context -> {
              List<HttpClientEvent> events = new CopyOnWriteArrayList<>();
              context.getBean(HttpClientRegistry.class).subscribe(events::add);
              assertThat(
                      context
                          .getBean(ReactiveInventoryApi.class)
                          .items()
                          .block(Duration.ofSeconds(10)))
                  .isEqualTo("items");
              assertThat(server.awaitRequests(1).get(0).target()).isEqualTo("/items");
              Awaitility.await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () ->
                          assertThat(events)
                              .singleElement()
                              .isInstanceOfSatisfying(
                                  HttpClientEvent.AttemptFinished.class,
                                  e -> assertThat(e.host()).isEqualTo(server.hostPort())));
            });
  }
}
