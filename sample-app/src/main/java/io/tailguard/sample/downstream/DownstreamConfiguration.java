package io.tailguard.sample.downstream;

import io.tailguard.core.health.HealthCheckResult;
import io.tailguard.core.health.HealthProbe;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Starts the embedded downstream with the application, and gives the services an HTTP client for it
 * and a health probe of it. Each bean is thread-safe.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DownstreamProperties.class)
public class DownstreamConfiguration {

  @Bean(destroyMethod = "close")
  Downstream downstream(DownstreamProperties properties) throws IOException {
    return Downstream.start(properties.getPort(), properties.profile(), properties.getSeed());
  }

  /**
   * The client the services call the downstream with: the JDK's HTTP client, whose blocking calls
   * end when their thread is interrupted, so a hedge that lost the race releases its connection at
   * once.
   */
  @Bean
  RestClient downstreamClient(
      RestClient.Builder builder, Downstream downstream, DownstreamProperties properties) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(properties.getReadTimeout());
    return builder.baseUrl(downstream.baseUrl().toString()).requestFactory(requests).build();
  }

  /** Tailguard runs it every {@code resilience.health.interval}; its state shows in health. */
  @Bean
  HealthProbe downstreamProbe(RestClient downstreamClient) {
    return HealthProbe.of(
        "downstream",
        () -> {
          try {
            downstreamClient.get().uri("/health").retrieve().toBodilessEntity();
            return HealthCheckResult.up();
          } catch (RestClientException e) {
            return HealthCheckResult.down(e.getMessage());
          }
        });
  }
}
