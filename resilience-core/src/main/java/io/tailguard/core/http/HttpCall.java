package io.tailguard.core.http;

import java.net.URI;
import java.util.Locale;
import java.util.function.Function;

/**
 * One request as {@link HttpClientGuard} sees it: its method, its URI and a way to read its
 * headers. The body stays with the adapter, which sends it again on every attempt.
 *
 * <p>Immutable and thread-safe if {@code header} is.
 *
 * @param method the HTTP method, such as {@code GET}; compared in upper case
 * @param uri the request's URI: absolute, or a path when the client has endpoints
 * @param header reads a request header by name (case-insensitive for the adapter to honour),
 *     returning null if absent
 */
public record HttpCall(String method, URI uri, Function<String, String> header) {

  /**
   * Validates the request.
   *
   * @throws IllegalArgumentException if a part is null or the method is blank
   */
  public HttpCall {
    if (method == null || method.isBlank()) {
      throw new IllegalArgumentException(
          "method must be an HTTP method such as GET, was " + method);
    }
    if (uri == null) {
      throw new IllegalArgumentException("uri must not be null");
    }
    if (header == null) {
      throw new IllegalArgumentException("header must not be null (use name -> null for none)");
    }
    method = method.trim().toUpperCase(Locale.ROOT);
  }

  /**
   * A request without headers.
   *
   * @param method the method
   * @param uri the URI
   * @return the request
   */
  public static HttpCall of(String method, URI uri) {
    return new HttpCall(method, uri, name -> null);
  }
}
