package io.tailguard.core.http;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Fake responses and their reader for the guard's tests: no HTTP, every discard counted. */
final class FakeHttp {

  private FakeHttp() {}

  /** A response from {@code from}, counting its discards. */
  static final class Response {
    final int status;
    final URI from;
    final Map<String, String> headers;
    final AtomicInteger discards = new AtomicInteger();

    Response(int status, URI from, Map<String, String> headers) {
      this.status = status;
      this.from = from;
      this.headers = headers;
    }

    static Response of(int status, HttpAttempt a) {
      return new Response(status, a.target(), Map.of());
    }

    @Override
    public String toString() {
      return status + " from " + from;
    }
  }

  /** Reads {@link Response}s and remembers every one discarded. */
  static class Responses implements HttpResponses<Response> {
    final List<Response> discarded = new CopyOnWriteArrayList<>();

    @Override
    public int status(Response response) {
      return response.status;
    }

    @Override
    public Optional<String> header(Response response, String name) {
      return Optional.ofNullable(response.headers.get(name));
    }

    @Override
    public void discard(Response response) {
      response.discards.incrementAndGet();
      discarded.add(response);
    }
  }

  static HttpCall get(String uri) {
    return HttpCall.of("GET", URI.create(uri));
  }
}
