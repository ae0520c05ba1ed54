package io.tailguard.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Issue 16, end to end in a Spring MVC application: what the request's thread has (the user a
 * security filter set, the MDC a logging filter set, Spring MVC's request attributes, the hedged
 * call's observation under Boot's {@code http.server.requests}) is there in a hedged method's
 * attempts on the hedge executor, for a blocking method and for the hedge of an asynchronous one
 * that answers after the request's first dispatch has ended.
 */
@SpringBootTest(
    classes = ContextPropagationWebIntegrationTests.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      // blocking: the primary, on the executor, answers
      "resilience.hedge.instances.lookup.delay.strategy=fixed",
      "resilience.hedge.instances.lookup.delay.delay=1h",
      // asynchronous: the primary never answers, the hedge does
      "resilience.hedge.instances.lookup-async.delay.strategy=fixed",
      "resilience.hedge.instances.lookup-async.delay.delay=10ms",
      "resilience.hedge.instances.lookup-async.max-hedges=1",
      "resilience.hedge.instances.lookup-async.timeout=30s"
    })
class ContextPropagationWebIntegrationTests {

  @SpringBootConfiguration
  @EnableAutoConfiguration(
      excludeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
  @Import({Lookup.class, LookupController.class})
  static class App {

    /** What Spring Security's and a logging filter would leave on the request's thread. */
    @Bean
    OncePerRequestFilter userAndRequestIdFilter() {
      return new OncePerRequestFilter() {
        @Override
        protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
          SecurityContextHolder.getContext()
              .setAuthentication(new TestingAuthenticationToken(request.getHeader("X-User"), ""));
          MDC.put("requestId", request.getHeader("X-Request-Id"));
          try {
            chain.doFilter(request, response);
          } finally {
            MDC.clear();
            SecurityContextHolder.clearContext();
          }
        }
      };
    }
  }

  /** Describes the context its attempts find. */
  public static class Lookup {
    private final ObservationRegistry observations;

    public Lookup(ObservationRegistry observations) {
      this.observations = observations;
    }

    @Hedged("lookup")
    public String describe(int callerThread) {
      return here(callerThread);
    }

    @Hedged("lookup-async")
    public CompletableFuture<String> describeAsync(int callerThread) {
      boolean hedge = CurrentAttempt.get().map(AttemptContext::isHedge).orElse(false);
      return hedge
          ? CompletableFuture.completedFuture(here(callerThread))
          : new CompletableFuture<>(); // the primary hangs
    }

    private String here(int callerThread) {
      Authentication user = SecurityContextHolder.getContext().getAuthentication();
      RequestAttributes request = RequestContextHolder.getRequestAttributes();
      // The hedged call's observation, a child of Boot's for the request.
      Observation observation = observations.getCurrentObservation();
      return String.join(
          " ",
          "otherThread=" + (System.identityHashCode(Thread.currentThread()) != callerThread),
          "user=" + (user == null ? null : user.getName()),
          "requestId=" + MDC.get("requestId"),
          "pattern="
              + (request == null
                  ? null
                  : request.getAttribute(
                      HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
                      RequestAttributes.SCOPE_REQUEST)),
          "observation=" + name(observation),
          "parent="
              + (observation == null
                  ? null
                  : name(observation.getContextView().getParentObservation())));
    }

    private static @Nullable String name(@Nullable ObservationView observation) {
      return observation == null ? null : observation.getContextView().getName();
    }
  }

  @RestController
  public static class LookupController {
    private final Lookup lookup;

    public LookupController(Lookup lookup) {
      this.lookup = lookup;
    }

    @GetMapping("/context/{sku}")
    public String blocking() {
      return lookup.describe(System.identityHashCode(Thread.currentThread()));
    }

    @GetMapping("/context-async/{sku}")
    public CompletableFuture<String> async() {
      return lookup.describeAsync(System.identityHashCode(Thread.currentThread()));
    }
  }

  @LocalServerPort int port;
  final HttpClient http = HttpClient.newHttpClient();

  String get(String path, String user, String requestId) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-User", user)
                .header("X-Request-Id", requestId)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  @Test
  void aBlockingHedgedMethodSeesTheRequestsContext() throws Exception {
    assertThat(get("/context/ACME", "alice", "req-1"))
        .isEqualTo(
            "otherThread=true user=alice requestId=req-1 pattern=/context/{sku}"
                + " observation=resilience.call parent=http.server.requests");
    // A pooled attempt thread does not keep one request's user for the next.
    assertThat(get("/context/ACME", "bob", "req-2"))
        .isEqualTo(
            "otherThread=true user=bob requestId=req-2 pattern=/context/{sku}"
                + " observation=resilience.call parent=http.server.requests");
  }

  @Test
  void theHedgeOfAnAsynchronousMethodSeesTheRequestsContext() throws Exception {
    assertThat(get("/context-async/ACME", "carol", "req-3"))
        .isEqualTo(
            "otherThread=true user=carol requestId=req-3 pattern=/context-async/{sku}"
                + " observation=resilience.call parent=http.server.requests");
  }
}
