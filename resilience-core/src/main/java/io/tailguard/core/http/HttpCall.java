package io.tailguard.core.http;

import io.tailguard.core.internal.Validate;
import java.net.URI;
import java.util.function.Function;

/**
 * One request as {@link HttpClientGuard} sees it: its method, its URI and a way to read its
 * headers. The body stays with the adapter, which sends it again on every attempt.
 *
 * <p>Immutable and thread-safe if {@code header} is.
 *
 * @param method the HTTP method, such as {@code GET}: a token, case-sensitive (RFC 9110 section
 *     9.1), so {@code get} is not {@code GET} and is neither retried nor hedged by default
 * @param uri the request's URI: absolute, or a path when the client has endpoints
 * @param header reads a request header by name (case-insensitive for the adapter to honour),
 *     returning null if absent
 */
public record HttpCall(String method, URI uri, Function<String, String> header) {

  /**
   * Validates the request.
   *
   * @throws IllegalArgumentException if a part is null or the method is not a token
   */
  public HttpCall {
    if (method == null) {
      throw new IllegalArgumentException("method must be an HTTP method such as GET, was null");
    }
    if (!isToken(method)) {
      throw new IllegalArgumentException(
          "method must be an HTTP method, a token such as GET or PURGE (RFC 9110), was '"
              + method
              + "'");
    }
    Validate.notNull("uri", uri);
    if (header == null) {
      throw new IllegalArgumentException("header must not be null (use name -> null for none)");
    }
  }

  /** RFC 9110 section 5.6.2: 1*tchar (methods and header names are tokens). */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
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
