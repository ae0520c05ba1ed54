package io.tailguard.sample.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the catalog's two replicas before any other bean is created, and publishes their ports as
 * {@code local.catalog.replica-a.port} and {@code local.catalog.replica-b.port} (like Spring Boot's
 * {@code local.server.port}), so that {@code application.yml} can name them in the endpoints of
 * {@code resilience.http-clients.catalog} even when they are picked at random (port 0, as in the
 * tests). With fixed ports, as in production, the endpoints would simply be written out.
 *
 * <p>The replicas are registered as the bean {@code catalogReplicas} and stopped with the context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CatalogProperties.class)
public class CatalogConfiguration {

  /** The property source holding the replicas' ports. */
  static final String PORTS = "catalogReplicaPorts";

  /**
   * The starter of the replicas: a bean factory post-processor, so it runs before the {@code
   * resilience.*} settings are bound.
   *
   * @param environment the environment the ports are published in
   * @return the starter
   */
  @Bean
  static ReplicaStarter catalogReplicaStarter(ConfigurableEnvironment environment) {
    return new ReplicaStarter(environment);
  }

  /**
   * Starts the replicas when the bean factory is ready and stops them when it is destroyed.
   *
   * <p>Not thread-safe: Spring calls it once on start-up and once on shutdown.
   */
  static final class ReplicaStarter implements BeanFactoryPostProcessor, DisposableBean {

    private final ConfigurableEnvironment environment;
    // Set once by postProcessBeanFactory, read by destroy (both on Spring's thread).
    private CatalogReplicas replicas;

    ReplicaStarter(ConfigurableEnvironment environment) {
      this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
      CatalogProperties properties =
          Binder.get(environment)
              .bind("sample.catalog", Bindable.ofInstance(new CatalogProperties()))
              .orElseGet(CatalogProperties::new);
      try {
        replicas = CatalogReplicas.start(properties);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the catalog replicas", e);
      }
      environment
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  PORTS,
                  Map.of(
                      "local.catalog.replica-a.port",
                      replicas.replica("a").baseUrl().getPort(),
                      "local.catalog.replica-b.port",
                      replicas.replica("b").baseUrl().getPort())));
      beanFactory.registerSingleton("catalogReplicas", replicas);
    }

    @Override
    public void destroy() {
      if (replicas != null) {
        replicas.close();
      }
    }
  }
}
