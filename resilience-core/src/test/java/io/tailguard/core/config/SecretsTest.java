package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.runtime.ResilienceRuntime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A password in a URI never reaches a log line or an event: the lines that say what a reload
 * changed show the URI with its password masked, and the user and host kept.
 */
class SecretsTest {

  static ResilienceConfig withUri(String uri) {
    return YamlConfigLoader.loadString(
        "resilience:\n  rate-limiter:\n    redis: {uri: '" + uri + "'}\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          redis://user:secret@127.0.0.1:6379         | redis://user:******@127.0.0.1:6379
          redis://secret@127.0.0.1:6379              | redis://******@127.0.0.1:6379
          rediss://:secret@cache.example:6380/2      | rediss://:******@cache.example:6380/2
          redis-sentinel://u:p%40ss@a:26379,b:26379  | redis-sentinel://u:******@a:26379,b:26379
          redis://127.0.0.1:6379                     | redis://127.0.0.1:6379
          redis://cache.example/0?timeout=10s        | redis://cache.example/0?timeout=10s
          a: redis://x:1@h -> redis://y:2@h           | a: redis://x:******@h -> redis://y:******@h
          no uri here: 3 -> 4                        | no uri here: 3 -> 4
          """)
  void everyUrisPasswordIsMaskedAndTheRestKept(String text, String masked) {
    assertThat(Secrets.maskUriPasswords(text)).isEqualTo(masked);
  }

  @Test
  void aUriChangeIsReportedWithBothPasswordsMasked() {
    List<String> changes =
        ConfigDiff.between(
            withUri("redis://user:secret@127.0.0.1:6379"),
            withUri("redis://user:other@127.0.0.1:6380"));
    assertThat(changes)
        .containsExactly(
            "resilience.rate-limiter.redis.uri: redis://user:******@127.0.0.1:6379 ->"
                + " redis://user:******@127.0.0.1:6380");
  }

  @Test
  void theRuntimeAppliesAUriChangeAndPublishesItMasked() {
    try (ResilienceRuntime runtime =
        ResilienceRuntime.builder().config(withUri("redis://user:secret@127.0.0.1:6379")).build()) {
      List<ResilienceRuntime.ConfigApplied> applied = new CopyOnWriteArrayList<>();
      runtime.subscribe(
          e -> {
            if (e instanceof ResilienceRuntime.ConfigApplied a) {
              applied.add(a);
            }
          });
      List<String> changes = runtime.apply(withUri("redis://user:other@127.0.0.1:6380"));
      assertThat(String.join("\n", changes)).doesNotContain("secret").doesNotContain("other");
      assertThat(applied).hasSize(1);
      assertThat(applied.get(0).changes()).isEqualTo(changes);
      assertThat(runtime.config().rateLimiting().redis().uri())
          .isEqualTo("redis://user:other@127.0.0.1:6380");
    }
  }
}
