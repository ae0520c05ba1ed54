package io.tailguard.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.runtime.ResilienceRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;

/** The interceptor's contract with the guard, without HTTP: the execution is a fake. */
class ResilienceClientHttpRequestInterceptorTests {

  private final ResilienceRuntime rt =
      ResilienceRuntime.builder()
          .config(
              YamlConfigLoader.loadString(
                  """
                  resilience:
                    circuit-breaker:
                      instances:
                        hosts: { consecutive-failures-threshold: 1, open-cooldown: 30s }
                    http-clients:
                      inventory: { circuit-breaker: hosts }
                  """))
          .build();

  @AfterEach
  void close() {
    rt.close();
  }

  /** A response whose status line cannot be read, counting its closes. */
  static final class Unreadable implements ClientHttpResponse {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public HttpStatusCode getStatusCode() throws IOException {
      throw new IOException("malformed status line");
    }

    @Override
    public String getStatusText() throws IOException {
      throw new IOException("malformed status line");
    }

    @Override
    public HttpHeaders getHeaders() {
      return new HttpHeaders();
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void aResponseWithoutAReadableStatusFailsTheAttemptAndCountsAgainstItsHost() {
    ResilienceClientHttpRequestInterceptor interceptor =
        new ResilienceClientHttpRequestInterceptor(rt.httpClients(), "inventory");
    MockClientHttpRequest request =
        new MockClientHttpRequest(HttpMethod.GET, URI.create("http://replica:8081/x"));
    Unreadable response = new Unreadable();
    assertThatThrownBy(() -> interceptor.intercept(request, new byte[0], (r, b) -> response))
        .isInstanceOf(IOException.class)
        .hasMessage("malformed status line");
    assertThat(response.closes).hasValue(1);
    assertThat(rt.httpClients().client("inventory").hostBreakers().get("replica:8081").state())
        .isEqualTo(CircuitState.OPEN);
  }
}
