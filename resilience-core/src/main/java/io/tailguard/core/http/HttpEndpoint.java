package io.tailguard.core.http;

import java.net.URI;
import java.util.Locale;

/**
 * One endpoint (replica) of an HTTP client: {@code scheme://host[:port][/base-path]} and its weight
 * for {@linkplain HttpRouting#WEIGHTED weighted} routing. A request sent to it keeps its own path
 * (after the base path), query and fragment; the scheme, host and port are the endpoint's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param url the endpoint: an absolute {@code http} or {@code https} URL with a host, without a
 *     query, fragment or user info
 * @param weight its weight for weighted routing, in [1, 1000]
 */
public record HttpEndpoint(URI url, int weight) {

  /** The smallest weight. */
  public static final int MIN_WEIGHT = 1;

  /** The largest weight. */
  public static final int MAX_WEIGHT = 1000;

  /**
   * Validates the endpoint.
   *
   * @throws IllegalArgumentException naming {@code url} or {@code weight}, the allowed values and
   *     the value given
   */
  public HttpEndpoint {
    if (url == null) {
      throw new IllegalArgumentException("url must not be null");
    }
    String problem = problem(url);
    if (problem != null) {
      throw new IllegalArgumentException("url " + problem);
    }
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be in [" + MIN_WEIGHT + ", " + MAX_WEIGHT + "], was " + weight);
    }
  }

  /**
   * An endpoint of weight 1.
   *
   * @param url the URL, as {@link #HttpEndpoint(URI, int)} allows it
   * @return the endpoint
   * @throws IllegalArgumentException if the URL is not allowed
   */
  public static HttpEndpoint of(String url) {
    return new HttpEndpoint(parse(url), MIN_WEIGHT);
  }

  /**
   * An endpoint.
   *
   * @param url the URL, as {@link #HttpEndpoint(URI, int)} allows it
   * @param weight the weight
   * @return the endpoint
   * @throws IllegalArgumentException if an argument is not allowed
   */
  public static HttpEndpoint of(String url, int weight) {
    return new HttpEndpoint(parse(url), weight);
  }

  private static URI parse(String url) {
    if (url == null) {
      throw new IllegalArgumentException("url must not be null");
    }
    String problem = problem(url);
    if (problem != null) {
      throw new IllegalArgumentException("url " + problem);
    }
    return URI.create(url.trim());
  }

  /**
   * Returns what is wrong with a URL given as text, without the setting's name, or null.
   *
   * @param url the URL
   * @return the problem, or null
   */
  static String problem(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      return "must be an absolute http or https URL such as http://127.0.0.1:8081, was '"
          + url
          + "'";
    }
    return problem(uri);
  }

  private static String problem(URI uri) {
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      return "must be an absolute http or https URL such as http://127.0.0.1:8081, was '"
          + shown(uri)
          + "'";
    }
    if (uri.getHost() == null) {
      return uri.getRawAuthority() == null
          ? "must be an absolute http or https URL such as http://127.0.0.1:8081, was '"
              + shown(uri)
              + "'"
          : "must have a host name of letters, digits, '-' and '.' ('_' is not allowed), was '"
              + shown(uri)
              + "'";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      return "must not have a query, fragment or user info, was '" + shown(uri) + "'";
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      return "must have a port in [1, 65535], was '" + shown(uri) + "'";
    }
    return null;
  }

  /** The URL as an error message shows it: without its user info, which may hold a password. */
  private static String shown(URI uri) {
    String info = uri.getRawUserInfo();
    return info == null ? uri.toString() : uri.toString().replace(info + "@", "***@");
  }

  /**
   * Returns the host tag of this endpoint: {@code host:port}, lower case, the port explicit.
   *
   * @return the tag
   */
  public String hostTag() {
    return hostTag(url);
  }

  /**
   * Returns the tag of a URI's host: {@code host:port}, lower case, the scheme's default port if it
   * names none.
   *
   * @param uri an absolute URI
   * @return the tag, or {@code unknown} if the URI has no host
   */
  static String hostTag(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return "unknown";
    }
    int port = uri.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
    return host.toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** The base path, raw, without a trailing {@code /}; empty if none. */
  String basePath() {
    String base = url.getRawPath() == null ? "" : url.getRawPath();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** Whether an absolute URI names this endpoint's host and port (its scheme's default if none). */
  boolean isHostOf(URI uri) {
    return uri.getHost() != null
        && url.getHost().equalsIgnoreCase(uri.getHost())
        && port(url) == port(uri);
  }

  private static int port(URI uri) {
    int port = uri.getPort();
    return port >= 0 ? port : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * Returns a request's URI sent to this endpoint: the endpoint's scheme, host and port, its base
   * path followed by the request's path, the request's query and fragment.
   *
   * @param request the request's URI (absolute or a path)
   * @return the URI to send to
   */
  public URI rewrite(URI request) {
    return rewrite(request, basePath());
  }

  /** {@link #rewrite(URI)} with this endpoint's {@link #basePath()} computed by the caller. */
  URI rewrite(URI request, String base) {
    String path = request.getRawPath() == null ? "" : request.getRawPath();
    if (!path.isEmpty() && !path.startsWith("/")) {
      path = "/" + path;
    }
    StringBuilder b = new StringBuilder();
    b.append(url.getScheme()).append("://").append(url.getRawAuthority()).append(base).append(path);
    if (request.getRawQuery() != null) {
      b.append('?').append(request.getRawQuery());
    }
    if (request.getRawFragment() != null) {
      b.append('#').append(request.getRawFragment());
    }
    return URI.create(b.toString());
  }
}
