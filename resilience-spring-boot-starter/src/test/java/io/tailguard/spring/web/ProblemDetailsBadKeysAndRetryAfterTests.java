package io.tailguard.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A rate-limit key the client controls that breaks a key rule is the client's error (400 naming the
 * rule, never echoing the key), not the server's (500); and a 503 never tells a client to retry
 * after 0 seconds, which invites it to hammer a dependency that is refusing calls.
 */
class ProblemDetailsBadKeysAndRetryAfterTests {

  static final RateLimitConfig CONFIG = RateLimitConfig.of(10, Duration.ofMinutes(1));

  // Never reached: keys are checked before any command, and the client connects in the background.
  final RedisRateLimiterStore redisStore =
      RedisRateLimiterStore.builder("shared").uri("redis://127.0.0.1:1").build();
  final RateLimiter memory = RateLimiter.of("search", CONFIG);
  final RateLimiter redis = RateLimiter.builder("shared").config(CONFIG).store(redisStore).build();

  @AfterEach
  void close() {
    redisStore.close();
  }

  @RestController
  class Handlers {
    @GetMapping("/search")
    String search(@RequestHeader("X-Api-Key") String apiKey) {
      memory.acquireOrThrow(apiKey);
      return "ok";
    }

    @GetMapping("/shared")
    String shared(@RequestHeader("X-Api-Key") String apiKey) {
      redis.acquireOrThrow(apiKey);
      return "ok";
    }

    @GetMapping("/shared-mono")
    Mono<String> sharedMono(@RequestHeader("X-Api-Key") String apiKey) {
      return Mono.fromCallable(
          () -> {
            redis.acquireOrThrow(apiKey);
            return "ok";
          });
    }

    @GetMapping("/open")
    Mono<String> open(
        @RequestParam CircuitRejectedException.Reason reason, @RequestParam long retryAfterMillis) {
      return Mono.error(
          new CircuitRejectedException("payments", reason, Duration.ofMillis(retryAfterMillis)));
    }
  }

  final WebTestClient webFlux =
      WebTestClient.bindToController(new Handlers())
          .controllerAdvice(new ResilienceProblemDetails())
          .build();

  final RestTestClient mvc =
      RestTestClient.bindToController(new Handlers())
          .configureServer(s -> s.setControllerAdvice(new ResilienceProblemDetails()))
          .build();

  @Test
  void aKeyOverTheLengthLimitIs400NamingTheRuleOverMvc() {
    String key = "s3cr3t".repeat(50);
    mvc.get()
        .uri("/search")
        .header("X-Api-Key", key)
        .exchange()
        .expectStatus()
        .isEqualTo(400)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://tailguard.io/problems/invalid-rate-limit-key")
        .jsonPath("$.limiter")
        .isEqualTo("search")
        .jsonPath("$.detail")
        .isEqualTo(
            "The rate-limit key is not valid: key must be at most 256 characters, was 300"
                + " characters")
        .consumeWith(r -> assertThat(new String(r.getResponseBody())).doesNotContain("s3cr3t"));
  }

  @Test
  void aKeyWithBracesIs400OnTheRedisBackendOverMvcAndWebFlux() {
    mvc.get()
        .uri("/shared")
        .header("X-Api-Key", "a{b}")
        .exchange()
        .expectStatus()
        .isEqualTo(400)
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo(
            "The rate-limit key is not valid: key must not contain '{' or '}' (a Redis Cluster"
                + " hash tag), found at index 1")
        .jsonPath("$.limiter")
        .isEqualTo("shared");
    webFlux
        .get()
        .uri("/shared-mono")
        .header("X-Api-Key", "{x}")
        .exchange()
        .expectStatus()
        .isEqualTo(400)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://tailguard.io/problems/invalid-rate-limit-key");
  }

  @ParameterizedTest(name = "{0} after {1} ms: Retry-After {2}")
  @CsvSource({
    "GLOBAL_OPEN, 0, 1",
    "HALF_OPEN_EXHAUSTED, 0, 1",
    "OPEN, 1, 1",
    "OPEN, 999, 1",
    "OPEN, 1000, 1",
    "OPEN, 1001, 2",
    "FORCED_OPEN, 30000, 30"
  })
  void a503NeverSaysRetryAfterZero(String reason, long millis, String header) {
    webFlux
        .get()
        .uri("/open?reason={r}&retryAfterMillis={m}", reason, millis)
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals("Retry-After", header)
        .expectBody()
        .jsonPath("$.retryAfterSeconds")
        .isEqualTo(Integer.parseInt(header));
  }
}
