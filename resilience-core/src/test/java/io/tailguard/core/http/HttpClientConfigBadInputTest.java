package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.YamlConfigLoader;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to {@code resilience.http-clients}: every invalid value and unknown reference gets one
 * error with its full YAML path, the allowed values and the value given; the builder names the Java
 * setter. Nothing throws a bare NullPointerException.
 */
class HttpClientConfigBadInputTest {

  static final String C = "resilience:\n  http-clients:\n    inventory:\n      ";
  static final String P = "resilience.http-clients.inventory.";

  static Arguments doc(String yaml, String error) {
    return Arguments.of(yaml, error);
  }

  static Stream<Arguments> catalogue() {
    return Stream.of(
        doc(
            C + "endpoints:\n        - url: ftp://a:21\n",
            P
                + "endpoints[0].url: must be an absolute http or https URL such as"
                + " http://127.0.0.1:8081, was 'ftp://a:21' (line 5, column 11)"),
        doc(
            C + "endpoints:\n        - url: http://a:80/x?q=1\n",
            P
                + "endpoints[0].url: must not have a query, fragment or user info, was"
                + " 'http://a:80/x?q=1' (line 5, column 11)"),
        doc(
            C + "endpoints:\n        - weight: 2\n",
            P + "endpoints[0]: url is required (line 5, column 11)"),
        doc(
            C + "endpoints:\n        - url: http://a:80\n          weight: 0\n",
            P + "endpoints[0].weight: must be in [1, 1000], was 0 (line 6, column 11)"),
        doc(
            C + "endpoints:\n        - url: http://a:80\n          wieght: 2\n",
            P + "endpoints[0].wieght: unknown key (did you mean 'weight'?) (line 6, column 11)"),
        doc(
            C + "endpoints: 5\n",
            P
                + "endpoints: must be a list of maps with the keys [url, weight], was 5"
                + " (line 4, column 7)"),
        doc(
            C + "routing: random\n",
            P + "routing: must be one of [ordered, weighted], was 'random' (line 4, column 7)"),
        doc(C + "max-hosts: 0\n", P + "max-hosts: must be in [1, 1024], was 0 (line 4, column 7)"),
        doc(
            C + "max-hosts: 1\n      endpoints: [http://a:80, http://b:80]\n",
            P
                + "max-hosts: must be at least the number of endpoint hosts (2), was 1"
                + " (line 4, column 7)"),
        doc(
            C + "retry-methods: [GET, 'P O S T']\n",
            P
                + "retry-methods: must be HTTP method names (letters, digits, - and _), was"
                + " 'P O S T' at 1 (line 4, column 7)"),
        doc(
            C + "rate-limit-key-header: 'X Tenant'\n      rate-limiter: search\n",
            P
                + "rate-limit-key-header: must be an HTTP header name (a token of letters, digits"
                + " and !#$%&'*+.^_`|~-), was 'X Tenant' (line 4, column 7)"),
        doc(
            C + "rate-limit-key-header: X-Tenant\n",
            P
                + "rate-limit-key-header: needs rate-limiter to be set, was 'X-Tenant' without it"
                + " (line 4, column 7)"),
        doc(
            C + "circuit-breaker: 'no such'\n",
            P
                + "circuit-breaker: must be an instance name (1 to 128 letters, digits or . _ - :"
                + " / starting with a letter or digit), was 'no such' (line 4, column 7)"),
        doc(
            C + "circuit-breaker: payment\n",
            P
                + "circuit-breaker: unknown circuit breaker 'payment' (known: [default])"
                + " (line 4, column 7)"),
        doc(
            "resilience:\n  circuit-breaker:\n    instances:\n      payments: {}\n  http-clients:\n"
                + "    inventory:\n      circuit-breaker: payment\n",
            P
                + "circuit-breaker: unknown circuit breaker 'payment' (known: [default, payments])"
                + " (line 7, column 7)"),
        doc(
            C + "retry: cheap\n",
            P
                + "retry: unknown retry policy 'cheap' (known: [default, expensive])"
                + " (line 4, column 7)"),
        doc(
            C + "hedge: fast\n",
            P + "hedge: unknown hedge instance 'fast' (known: [default]) (line 4, column 7)"),
        doc(
            C + "rate-limiter: tenants\n",
            P
                + "rate-limiter: unknown rate limiter 'tenants' (known: [default]) (line 4, column"
                + " 7)"),
        doc(
            C + "hedge-method: [GET]\n",
            P + "hedge-method: unknown key (did you mean 'hedge-methods'?) (line 4, column 7)"),
        doc(
            "resilience:\n  http-clients:\n    'bad name':\n      hedge: default\n",
            "resilience.http-clients.bad name: instance name must be 1 to 128 letters, digits or"
                + " . _ - : / starting with a letter or digit, was 'bad name' (line 3, column 5)"),
        doc(
            "resilience:\n  http-clients:\n    inventory: 5\n",
            "resilience.http-clients.inventory: must be a map, was 5 (line 3, column 5)"));
  }

  @ParameterizedTest
  @MethodSource("catalogue")
  void eachInvalidDocumentGetsItsOneError(String yaml, String error) {
    assertThatThrownBy(() -> YamlConfigLoader.loadString(yaml))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.errors()).extracting(Object::toString).containsExactly(error));
  }

  @Test
  void theBuilderNamesTheJavaSetter() {
    HttpClientConfig.Builder b = HttpClientConfig.builder();
    assertThatThrownBy(() -> b.maxHosts(2000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxHosts must be in [1, 1024], was 2000");
    assertThatThrownBy(() -> b.routing(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("routing must be one of [ORDERED, WEIGHTED], was null");
    assertThatThrownBy(() -> b.endpoints(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints must not be null");
    assertThatThrownBy(() -> b.endpoints(Arrays.asList(HttpEndpoint.of("http://a:1"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints must not contain null, was null at 1");
    assertThatThrownBy(() -> b.retryMethods(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryMethods must not be null");
    assertThatThrownBy(() -> b.hedgeMethods(Arrays.asList("GET", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hedgeMethods must not contain null, was null at 1");
    assertThatThrownBy(() -> b.retry("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retry must be an instance name");
    assertThatThrownBy(() -> HttpClientConfig.builder().rateLimitKeyHeader("X-Tenant").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rateLimitKeyHeader needs rateLimiter to be set, was 'X-Tenant' without it");
  }

  @Test
  void aConfigurationBuiltInCodeRefusesAnUnknownReference() {
    var base = io.tailguard.core.config.ResilienceConfig.defaults();
    assertThatThrownBy(
            () ->
                base.withHttpClients(
                    java.util.Map.of(
                        "inventory", HttpClientConfig.builder().hedge("fast").build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "http-clients.inventory.hedge: unknown hedge instance 'fast' (known: [default])");
    assertThatThrownBy(() -> base.withHttpClients(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("httpClients");
  }

  @Test
  void endpointsRefuseWhatCannotBeRoutedTo() {
    assertThatThrownBy(() -> HttpEndpoint.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must not be null");
    assertThatThrownBy(() -> new HttpEndpoint(null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must not be null");
    assertThatThrownBy(() -> HttpEndpoint.of("not a url"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "url must be an absolute http or https URL such as http://127.0.0.1:8081, was 'not a"
                + " url'");
    assertThatThrownBy(() -> HttpEndpoint.of("/relative"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was '/relative'");
    // The user info is left out of the message: it may hold a password.
    assertThatThrownBy(() -> HttpEndpoint.of("http://u:secret@a:80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must not have a query, fragment or user info, was 'http://***@a:80'");
    assertThatThrownBy(() -> HttpEndpoint.of("http://a:80/#top"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must not have a query, fragment or user info, was 'http://a:80/#top'");
    assertThatThrownBy(() -> HttpEndpoint.of("http://a:99999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must have a port in [1, 65535], was 'http://a:99999'");
    assertThatThrownBy(() -> HttpEndpoint.of("http://a:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url must have a port in [1, 65535], was 'http://a:0'");
    // java.net.URI finds no host in a name with '_' (a common container name).
    assertThatThrownBy(() -> HttpEndpoint.of("http://inventory_a:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "url must have a host name of letters, digits, '-' and '.' ('_' is not allowed), was"
                + " 'http://inventory_a:8081'");
    assertThatThrownBy(() -> HttpEndpoint.of("http://a:80", 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight must be in [1, 1000], was 1001");
  }

  @Test
  void requestsRefuseMissingParts() {
    assertThatThrownBy(() -> HttpCall.of(null, URI.create("http://a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("method must be an HTTP method such as GET, was null");
    assertThatThrownBy(() -> HttpCall.of("GET", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uri must not be null");
    assertThatThrownBy(() -> new HttpCall("GET", URI.create("http://a"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header must not be null (use name -> null for none)");
  }

  @Test
  void aValidSectionLoadsAndWritesBack() {
    var config =
        YamlConfigLoader.loadString(
            C
                + "endpoints:\n        - url: http://127.0.0.1:8081/api/\n          weight: 3\n"
                + "        - http://127.0.0.1:8082\n      routing: weighted\n"
                + "      circuit-breaker: default\n      max-hosts: 4\n      retry: default\n"
                + "      retry-methods: [get, put]\n      hedge: default\n"
                + "      rate-limiter: default\n      rate-limit-key-header: X-Tenant\n");
    HttpClientConfig c = config.httpClients().get("inventory");
    assertThat(c.endpoints())
        .containsExactly(
            HttpEndpoint.of("http://127.0.0.1:8081/api/", 3),
            HttpEndpoint.of("http://127.0.0.1:8082"));
    assertThat(c.routing()).isEqualTo(HttpRouting.WEIGHTED);
    assertThat(c.circuitBreaker()).contains("default");
    assertThat(c.maxHosts()).isEqualTo(4);
    assertThat(c.retryMethods()).containsExactly("GET", "PUT");
    assertThat(c.hedgeMethods()).containsExactly("GET", "HEAD", "OPTIONS");
    assertThat(c.rateLimitKeyHeader()).contains("X-Tenant");
    String yaml = io.tailguard.core.config.YamlConfigWriter.toYaml(config);
    assertThat(YamlConfigLoader.loadString(yaml)).isEqualTo(config);
    assertThat(List.copyOf(config.httpClients().keySet())).containsExactly("inventory");
  }
}
