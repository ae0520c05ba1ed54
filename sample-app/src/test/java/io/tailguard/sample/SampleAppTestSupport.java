package io.tailguard.sample;

import com.jayway.jsonpath.JsonPath;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.sample.downstream.Downstream;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The running sample app, shared by the end-to-end test classes (one Spring context for all: they
 * declare no properties of their own). Each test starts from a fast, faultless downstream and
 * closed breakers; limits per API key carry over, so tests use keys of their own.
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      // Short cooldowns and a fast health probe, so recovery takes a second, not a minute.
      "resilience.circuit-breaker.defaults.open-cooldown=500ms",
      "resilience.circuit-breaker.defaults.max-open-cooldown=1s",
      "resilience.health.interval=200ms",
      "resilience.health.timeout=150ms",
      // A limit whose Retry-After is predictable: 3 per hour, one permit every 20 minutes.
      "resilience.rate-limiter.instances.search.capacity=3",
      "resilience.rate-limiter.instances.search.window=1h",
      "sample.downstream.p50-ms=5",
      "sample.downstream.tail-probability=0",
      "sample.downstream.failure-rate=0"
    })
abstract class SampleAppTestSupport {

  /** Fast and faultless: the state every test starts from. */
  static final DownstreamProfile CALM = new DownstreamProfile(5, 250, 0, 0, false);

  @LocalServerPort int port;
  @Autowired Downstream downstream;
  @Autowired CircuitBreakerRegistry breakers;

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void calmDownstream() {
    downstream.set(CALM);
    breakers.breakers().forEach(b -> b.reset());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build());
  }

  HttpResponse<String> get(String path, String apiKey) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("X-Api-Key", apiKey)
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  HttpResponse<String> post(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Object json(HttpResponse<String> response, String path) {
    return JsonPath.read(response.body(), path);
  }

  String metrics() {
    return get("/actuator/prometheus").body();
  }
}
