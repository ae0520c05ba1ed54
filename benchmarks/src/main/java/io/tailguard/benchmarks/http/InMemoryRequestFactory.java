package io.tailguard.benchmarks.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A request factory whose requests answer 200 with a fixed body at once, without a network: what is
 * left of a call is {@code RestClient}'s own work and whatever interceptors add, so the difference
 * between a plain and a guarded client is the interceptor's cost alone, free of the loopback's
 * scheduling noise.
 *
 * <p>Thread-safe: the body is shared and never written.
 */
final class InMemoryRequestFactory implements ClientHttpRequestFactory {

  private final byte[] body;

  InMemoryRequestFactory(byte[] body) {
    this.body = body;
  }

  @Override
  public AbstractClientHttpRequest createRequest(URI uri, HttpMethod method) {
    return new AbstractClientHttpRequest() {
      @Override
      public HttpMethod getMethod() {
        return method;
      }

      @Override
      public URI getURI() {
        return uri;
      }

      @Override
      protected OutputStream getBodyInternal(HttpHeaders headers) {
        return OutputStream.nullOutputStream();
      }

      @Override
      protected ClientHttpResponse executeInternal(HttpHeaders headers) {
        return new Response(body);
      }
    };
  }

  /** A 200 with a JSON body. */
  private record Response(byte[] body) implements ClientHttpResponse {

    @Override
    public HttpStatusCode getStatusCode() {
      return HttpStatus.OK;
    }

    @Override
    public String getStatusText() {
      return "OK";
    }

    @Override
    public HttpHeaders getHeaders() {
      HttpHeaders h = new HttpHeaders();
      h.setContentType(MediaType.APPLICATION_JSON);
      h.setContentLength(body.length);
      return h;
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public void close() {}
  }
}
