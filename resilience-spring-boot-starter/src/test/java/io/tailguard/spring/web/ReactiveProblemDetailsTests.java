package io.tailguard.spring.web;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimitDecision;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The problem details answer WebFlux handlers too. */
class ReactiveProblemDetailsTests {

  @RestController
  static class Handlers {
    @GetMapping("/open")
    Mono<String> open() {
      return Mono.error(
          new CircuitRejectedException(
              "payments", CircuitRejectedException.Reason.OPEN, Duration.ofMillis(2500)));
    }

    @GetMapping("/limited")
    Mono<String> limited() {
      return Mono.error(
          new RateLimitExceededException(
              "search",
              RateLimitDecision.rateExceeded(
                  Duration.ofSeconds(12).toNanos(),
                  1,
                  RateLimitConfig.of(30, Duration.ofMinutes(1)))));
    }
  }

  final WebTestClient client =
      WebTestClient.bindToController(new Handlers())
          .controllerAdvice(new ResilienceProblemDetails())
          .build();

  @Test
  void anOpenCircuitIs503WithRetryAfter() {
    client
        .get()
        .uri("/open")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals("Retry-After", "3")
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://tailguard.io/problems/circuit-open")
        .jsonPath("$.circuit")
        .isEqualTo("payments");
  }

  @Test
  void aRateLimitRefusalIs429WithRetryAfterAndLimitHeaders() {
    client
        .get()
        .uri("/limited")
        .exchange()
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .valueEquals("Retry-After", "12")
        .expectHeader()
        .valueEquals("RateLimit-Limit", "30")
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://tailguard.io/problems/rate-limited")
        .jsonPath("$.limiter")
        .isEqualTo("search");
  }
}
