package io.tailguard.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 17: the HTTP client meters' tags stay in bounded sets whatever the requests carry. */
class HttpClientMetricsTests {

  @Test
  void standardMethodsAreKeptAndOthersAreOther() {
    assertThat(HttpClientMetrics.method("GET")).isEqualTo("GET");
    // Case-sensitive like the guard, which neither retries nor hedges a "get".
    assertThat(HttpClientMetrics.method("get")).isEqualTo("other");
    assertThat(HttpClientMetrics.method("PATCH")).isEqualTo("PATCH");
    assertThat(HttpClientMetrics.method("PROPFIND")).isEqualTo("other");
    assertThat(HttpClientMetrics.method("X-" + System.nanoTime())).isEqualTo("other");
  }

  @Test
  void statusesBecomeTheirClass() {
    assertThat(HttpClientMetrics.statusClass(200)).isEqualTo("2xx");
    assertThat(HttpClientMetrics.statusClass(503)).isEqualTo("5xx");
    assertThat(HttpClientMetrics.statusClass(101)).isEqualTo("1xx");
    assertThat(HttpClientMetrics.statusClass(-1)).isEqualTo("none");
    assertThat(HttpClientMetrics.statusClass(999)).isEqualTo("none");
  }
}
