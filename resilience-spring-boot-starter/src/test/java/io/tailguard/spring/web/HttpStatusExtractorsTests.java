package io.tailguard.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.retry.Jitter;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

class HttpStatusExtractorsTests {

  final FakeClock clock = new FakeClock();

  static HttpHeaders retryAfter(String value) {
    HttpHeaders h = new HttpHeaders();
    h.add(HttpHeaders.RETRY_AFTER, value);
    return h;
  }

  static RestClientResponseException restClient(HttpStatus status, HttpHeaders headers) {
    return status.is4xxClientError()
        ? HttpClientErrorException.create(
            status, status.getReasonPhrase(), headers, new byte[0], StandardCharsets.UTF_8)
        : HttpServerErrorException.create(
            status, status.getReasonPhrase(), headers, new byte[0], StandardCharsets.UTF_8);
  }

  Retrier retrier() {
    return Retrier.builder("http")
        .policy(
            RetryPolicy.builder()
                .maxAttempts(3)
                .baseDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofSeconds(5))
                .jitter(Jitter.NONE)
                .build())
        .clock(clock)
        .scheduler(clock)
        .statusExtractor(new RestClientStatusExtractor())
        .statusExtractor(new WebClientStatusExtractor())
        .build();
  }

  @Test
  void readsStatusesOfBothClients() {
    var rest = new RestClientStatusExtractor();
    var web = new WebClientStatusExtractor();
    assertThat(rest.status(restClient(HttpStatus.SERVICE_UNAVAILABLE, new HttpHeaders())))
        .hasValue(503);
    assertThat(rest.status(new IllegalStateException())).isEmpty();
    WebClientResponseException wce =
        WebClientResponseException.create(429, "Too Many", retryAfter("7"), null, null);
    assertThat(web.status(wce)).hasValue(429);
    assertThat(web.retryAfter(wce)).hasValue(Duration.ofSeconds(7));
    assertThat(web.status(new IllegalStateException())).isEmpty();
  }

  @Test
  void aRetryableStatusIsRetriedAfterTheServersRetryAfterAndOthersAreNot() throws Exception {
    Retrier retrier = retrier();
    AtomicInteger calls = new AtomicInteger();
    long start = clock.nanoTime();
    String answer =
        retrier.call(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw restClient(HttpStatus.SERVICE_UNAVAILABLE, retryAfter("2"));
              }
              return "ok";
            });
    assertThat(answer).isEqualTo("ok");
    assertThat(clock.nanoTime() - start).isEqualTo(Duration.ofSeconds(2).toNanos());

    calls.set(0);
    assertThatThrownBy(
            () ->
                retrier.call(
                    () -> {
                      calls.incrementAndGet();
                      throw restClient(HttpStatus.NOT_FOUND, new HttpHeaders());
                    }))
        .isInstanceOf(HttpClientErrorException.NotFound.class);
    assertThat(calls).hasValue(1);
  }

  static WebClientResponseException webClient(int status, HttpMethod method) {
    return WebClientResponseException.create(
        status,
        "status " + status,
        new HttpHeaders(),
        new byte[0],
        StandardCharsets.UTF_8,
        method == null
            ? null
            : new MockClientHttpRequest(method, URI.create("http://127.0.0.1/x")));
  }

  static WebClientRequestException ioError(HttpMethod method) {
    return new WebClientRequestException(
        new IOException("connection reset"),
        method,
        URI.create("http://127.0.0.1/x"),
        new HttpHeaders());
  }

  @Test
  void theWebClientExtractorReadsTheRequestsMethodAndTheRestClientOneCannot() {
    var web = new WebClientStatusExtractor();
    assertThat(web.method(webClient(503, HttpMethod.POST))).hasValue("POST");
    assertThat(web.method(webClient(503, HttpMethod.GET))).hasValue("GET");
    assertThat(web.method(webClient(503, null))).isEmpty(); // created without its request
    assertThat(web.method(ioError(HttpMethod.PATCH))).hasValue("PATCH");
    assertThat(web.status(ioError(HttpMethod.PATCH))).isEmpty();
    assertThat(web.method(new IllegalStateException())).isEmpty();
    // RestClientResponseException has no request: the method stays unknown
    var rest = new RestClientStatusExtractor();
    assertThat(rest.method(restClient(HttpStatus.SERVICE_UNAVAILABLE, new HttpHeaders())))
        .isEmpty();
  }

  @Test
  void aFailedPostOrPatchIsNotSentAgainAndAFailedGetIs() {
    Retrier retrier = retrier();
    for (Exception failure :
        new Exception[] {
          webClient(503, HttpMethod.POST), ioError(HttpMethod.POST), ioError(HttpMethod.PATCH)
        }) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  retrier.call(
                      () -> {
                        calls.incrementAndGet();
                        throw failure;
                      }))
          .isSameAs(failure);
      assertThat(calls).as(failure.toString()).hasValue(1);
    }
    for (Exception failure :
        new Exception[] {webClient(503, HttpMethod.GET), ioError(HttpMethod.PUT)}) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  retrier.call(
                      () -> {
                        calls.incrementAndGet();
                        throw failure;
                      }))
          .isSameAs(failure);
      assertThat(calls).as(failure.toString()).hasValue(3);
    }
  }
}
