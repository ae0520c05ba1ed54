package io.tailguard.spring.http;

import io.tailguard.core.http.HttpCall;
import io.tailguard.core.http.HttpClientGuard;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.http.HttpResponses;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * A {@code RestClient} (or {@code RestTemplate}) interceptor that sends each request through the
 * {@link HttpClientGuard} of one client under {@code resilience.http-clients}: rate limit, retry,
 * hedging across endpoints, per-host breakers. Each attempt is one {@link
 * ClientHttpRequestExecution#execute} with the attempt's target URI; the guard may run attempts
 * again (retries) and on other threads at once (hedges), which Spring Framework 7's executions
 * allow: each call creates a fresh request from the factory. The body is the buffered one Spring
 * hands interceptors, so it can be sent again.
 *
 * <p>Interceptors registered after this one run once per attempt; those before it once per call.
 * The builders of {@link ResilientHttpClients} append it last.
 *
 * <p>A losing hedge is cancelled by interrupting its thread. {@code JdkClientHttpRequestFactory}
 * (the JDK's {@code HttpClient}) reacts by cancelling the exchange, which closes its HTTP/1.1
 * connection; a factory blocked in a socket read that ignores interrupts ({@code
 * SimpleClientHttpRequestFactory}) finishes the losing exchange before its response is closed.
 * Responses the caller will not see (losers, retried statuses) are closed, releasing their
 * connection.
 *
 * <p>The guard is looked up by name on every request, so a reload that replaces the client's
 * configuration applies to the next request.
 *
 * <p>Thread-safe.
 */
public final class ResilienceClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

  private final HttpClientRegistry clients;
  private final String name;

  /**
   * Creates the interceptor of one client.
   *
   * @param clients the clients
   * @param name the client's name, a key under {@code resilience.http-clients}
   * @throws IllegalArgumentException if no client has that name
   */
  public ResilienceClientHttpRequestInterceptor(HttpClientRegistry clients, String name) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.name = Objects.requireNonNull(name, "name");
    HttpClientNames.require(clients, name);
  }

  /**
   * Returns the client's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    HttpClientGuard guard = clients.client(name);
    HttpHeaders headers = request.getHeaders();
    HttpCall call = new HttpCall(request.getMethod().name(), request.getURI(), headers::getFirst);
    return guard.execute(
        call,
        attempt -> {
          ClientHttpResponse response =
              execution.execute(new AttemptRequest(request, attempt.target()), body);
          try {
            // Read the status line here: one that cannot be read fails the attempt as an
            // IOException (a failure for the host's breaker, retryable as one), not later.
            response.getStatusCode();
          } catch (IOException | RuntimeException e) {
            response.close();
            throw e;
          }
          return response;
        },
        Responses.INSTANCE);
  }

  /**
   * One attempt's request: the caller's, sent to the attempt's target, with headers and attributes
   * of its own so that interceptors after this one cannot race on them across hedged attempts.
   */
  private static final class AttemptRequest extends HttpRequestWrapper {

    private final URI uri;
    private final HttpHeaders headers;
    private final Map<String, Object> attributes;

    AttemptRequest(HttpRequest request, URI uri) {
      super(request);
      this.uri = uri;
      this.headers = HttpHeaders.copyOf(request.getHeaders());
      this.attributes = new LinkedHashMap<>(request.getAttributes());
    }

    @Override
    public URI getURI() {
      return uri;
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public Map<String, Object> getAttributes() {
      return attributes;
    }
  }

  /** How the guard reads and closes a {@link ClientHttpResponse}. */
  private enum Responses implements HttpResponses<ClientHttpResponse> {
    INSTANCE;

    @Override
    public int status(ClientHttpResponse response) {
      try {
        return response.getStatusCode().value();
      } catch (IOException e) {
        // Read once already by the exchange, so not expected; the guard discards the response.
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public Optional<String> header(ClientHttpResponse response, String headerName) {
      return Optional.ofNullable(response.getHeaders().getFirst(headerName));
    }

    @Override
    public void discard(ClientHttpResponse response) {
      response.close();
    }
  }
}
