package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of invalid documents, each with the one error it must produce: full path, message
 * with the allowed values and the value given, and the line and column.
 */
class InvalidConfigCatalogTest {

  static Arguments doc(String yaml, String error) {
    return Arguments.of(yaml, error);
  }

  static final String CB = "resilience:\n  circuit-breaker:\n    defaults:\n      ";
  static final String CBP = "resilience.circuit-breaker.defaults.";
  static final String HD = "resilience:\n  hedge:\n    defaults:\n      ";
  static final String HDP = "resilience.hedge.defaults.";
  static final String L4 = " (line 4, column 7)";
  static final String RL = "resilience:\n  rate-limiter:\n    defaults:\n      ";
  static final String RLP = "resilience.rate-limiter.defaults.";
  static final String RT = "resilience:\n  retry:\n    policies:\n      default:\n        ";
  static final String RTP = "resilience.retry.policies.default.";
  static final String L5 = " (line 5, column 9)";

  static Stream<Arguments> catalogue() {
    return Stream.concat(Stream.concat(general(), retry()), rateLimitingRedis());
  }

  static final String RR = "resilience:\n  rate-limiter:\n    redis:\n      ";
  static final String RRP = "resilience.rate-limiter.redis.";

  static Stream<Arguments> rateLimitingRedis() {
    return Stream.of(
        doc(
            RR + "uri: http://cache:6379\n",
            RRP + "uri: must be a Redis URI (redis://host:port), was 'http://cache:6379'" + L4),
        doc(
            RR + "uri: http://user:secret@cache:6379\n",
            RRP + "uri: must be a Redis URI (redis://host:port), was 'http://***@cache:6379'" + L4),
        doc(
            RR + "uri: redis://user:secret@cache:6379\n      ur: x\n",
            RRP + "ur: unknown key (did you mean 'uri'?) (line 5, column 7)"),
        doc(RR + "uri: [a, b]\n", RRP + "uri: must be a string, was a list" + L4),
        doc(
            RR + "key-prefix: 'app:{rl}:'\n",
            RRP
                + "key-prefix: must have at most 127 characters and no '{' or '}', was"
                + " 'app:{rl}:'"
                + L4),
        doc(
            RR + "command-timeout: 30s\n",
            RRP + "command-timeout: must be in [1ms, 10s], was 30s" + L4),
        doc(
            RR + "failure-policy: fail-opn\n",
            RRP
                + "failure-policy: must be one of [fail-open, fail-closed, local], was 'fail-opn'"
                + " (did you mean 'fail-open'?)"
                + L4),
        doc(
            RR + "instance-count: 0\n",
            RRP + "instance-count: must be in [1, 100000], was 0" + L4));
  }

  static Stream<Arguments> retry() {
    return Stream.of(
        doc(
            RT + "max-attempt: 5\n",
            RTP + "max-attempt: unknown key (did you mean 'max-attempts'?)" + L5),
        doc(
            "resilience:\n  retry:\n    polices: {}\n",
            "resilience.retry.polices: unknown key (did you mean 'policies'?) (line 3, column 5)"),
        doc(RT + "max-attempts: 0\n", RTP + "max-attempts: must be in [1, 1000000], was 0" + L5),
        doc(RT + "multiplier: 0.5\n", RTP + "multiplier: must be in [1, 100], was 0.5" + L5),
        doc(RT + "base-delay: 2d\n", RTP + "base-delay: must be in [0ms, 1d], was 2d" + L5),
        doc(
            RT + "max-delay: 10\n",
            RTP
                + "max-delay: must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601"
                + " (PT10S), was 10"
                + L5),
        doc(RT + "budget: 1.5\n", RTP + "budget: must be in (0, 1], was 1.5" + L5),
        doc(
            RT + "budget: lots\n",
            RTP + "budget: must be a number in (0, 1] or off, was 'lots'" + L5),
        doc(
            RT + "min-retries-per-second: -1\n",
            RTP + "min-retries-per-second: must be in [0, 1000000], was -1" + L5),
        doc(
            RT + "jitter: fulll\n",
            RTP
                + "jitter: must be one of [none, full, equal, decorrelated], was 'fulll' (did you"
                + " mean 'full'?)"
                + L5),
        doc(
            RT + "retryable-statuses: [503, 700]\n",
            RTP + "retryable-statuses: must be HTTP status codes in [100, 599], was 700 at 1" + L5),
        doc(
            RT + "retryable-statuses: [503, often]\n",
            RTP + "retryable-statuses[1]: must be a whole number, was 'often' (line 5, column 35)"),
        doc(
            RT + "retryable-statuses: {code: 503}\n",
            RTP + "retryable-statuses: must be a list of HTTP status codes, was a map" + L5),
        doc(
            RT + "retryable-methods: [GET, 'PO ST']\n",
            RTP
                + "retryable-methods: must be HTTP method names (letters, digits, - and _), was"
                + " 'PO ST' at 1"
                + L5),
        doc(
            RT + "retryable-methods: [GET, 5]\n",
            RTP
                + "retryable-methods[1]: must be an HTTP method name such as GET, was 5"
                + " (line 5, column 34)"),
        doc(
            RT + "retryable-methods: {method: GET}\n",
            RTP + "retryable-methods: must be a list of HTTP methods, was a map" + L5),
        doc(
            RT + "base-delay: 10s\n",
            "resilience.retry.policies.default: max-delay must be at least base-delay (10s), was 5s"
                + " (line 4, column 7)"),
        doc(
            RT
                + "retryable-exceptions: [java.io.IOException]\n"
                + "        non-retryable-exceptions: [java.io.IOException]\n",
            "resilience.retry.policies.default: an exception type must not be both retryable and"
                + " non-retryable, was java.io.IOException in retryable-exceptions and"
                + " non-retryable-exceptions (line 4, column 7)"),
        doc(
            RT + "non-retryable-exceptions: [com.example.Nope]\n",
            RTP
                + "non-retryable-exceptions[0]: must name a class on the classpath, was"
                + " 'com.example.Nope' (line 5, column 36)"),
        doc(
            "resilience:\n  retry:\n    policies:\n      payments:\n        max-attempts: 1.5\n",
            "resilience.retry.policies.payments.max-attempts: must be a whole number, was 1.5"
                + L5),
        doc(
            "resilience:\n  retry:\n    policies:\n      \"bad name\": {}\n",
            "resilience.retry.policies.bad name: instance name must be 1 to 128 letters, digits or"
                + " . _ - : / starting with a letter or digit, was 'bad name' (line 4, column 7)"),
        doc(
            "resilience:\n  retry:\n    policies: [default]\n",
            "resilience.retry.policies: must be a map of names to settings, was a list (line 3,"
                + " column 5)"),
        doc(
            "resilience:\n  retry:\n    policies:\n      expensive: 3\n",
            "resilience.retry.policies.expensive: must be a map, was 3 (line 4, column 7)"));
  }

  static Stream<Arguments> general() {
    return Stream.of(
        // unknown keys, with suggestions
        doc(
            HD + "max-hedge: 2\n",
            HDP + "max-hedge: unknown key (did you mean 'max-hedges'?)" + L4),
        doc(
            CB + "failure-rate: 0.5\n",
            CBP + "failure-rate: unknown key (did you mean 'failure-rate-threshold'?)" + L4),
        doc(
            "resilience:\n  circuit-braker: {}\n",
            "resilience.circuit-braker: unknown key (did you mean 'circuit-breaker'?) (line 2,"
                + " column 3)"),
        doc(
            "resilience:\n  hedge:\n    default: {}\n",
            "resilience.hedge.default: unknown key (did you mean 'defaults'?) (line 3, column"
                + " 5)"),
        doc(
            HD + "delay: {stratgy: fixed}\n",
            HDP + "delay.stratgy: unknown key (did you mean 'strategy'?) (line 4, column 15)"),
        doc(
            HD + "budget: {max-extra: 0.1}\n",
            HDP
                + "budget.max-extra: unknown key (did you mean 'max-extra-load'?) (line 4, column"
                + " 16)"),
        doc(
            "resilience:\n  telemetry:\n    colour: red\n",
            "resilience.telemetry.colour: unknown key; known keys here are [event-log-capacity,"
                + " recording-capacity, latency-window, latency-interval, sla-target,"
                + " cost-per-attempt, instances] (line 3, column 5)"),
        doc(
            "resilience:\n  health:\n    intervall: 5s\n",
            "resilience.health.intervall: unknown key (did you mean 'interval'?) (line 3, column"
                + " 5)"),
        // rate-limiting
        doc(RL + "capacty: 5\n", RLP + "capacty: unknown key (did you mean 'capacity'?)" + L4),
        doc(RL + "capacity: 0\n", RLP + "capacity: must be in [1, 1000000000], was 0" + L4),
        doc(RL + "window: 0s\n", RLP + "window: must be in [1ms, 366d], was 0ms" + L4),
        doc(
            RL + "window: soon\n",
            RLP
                + "window: must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S),"
                + " was 'soon'"
                + L4),
        doc(
            RL + "max-keys: 10\n      cleanup-threshold: 20\n",
            RLP + "cleanup-threshold: must be in [1, max-keys = 10], was 20 (line 5, column 7)"),
        doc(
            "resilience:\n  rate-limiter:\n    backend: redys\n",
            "resilience.rate-limiter.backend: must be one of [memory, redis], was 'redys' (did you"
                + " mean 'redis'?) (line 3, column 5)"),
        doc(
            "resilience:\n  rate-limiter:\n    instances:\n      search: {capacity: -1}\n",
            "resilience.rate-limiter.instances.search.capacity: must be in [1, 1000000000], was -1"
                + " (line 4, column 16)"),
        doc(
            "resilience:\n  rate-limiter:\n    instances:\n      'bad name': {capacity: 1}\n",
            "resilience.rate-limiter.instances.bad name: instance name must be 1 to 128 letters,"
                + " digits or . _ - : / starting with a letter or digit, was 'bad name' (line 4,"
                + " column 7)"),
        // out of range
        doc(
            "resilience:\n"
                + "  circuit-breaker:\n"
                + "    instances:\n"
                + "      payments:\n"
                + "        failure-rate-threshold: 1.5\n",
            "resilience.circuit-breaker.instances.payments.failure-rate-threshold: must be in (0,"
                + " 1], was 1.5 (line 5, column 9)"),
        doc(CB + "buckets: 0\n", CBP + "buckets: must be in [1, 1000], was 0" + L4),
        doc(CB + "min-calls: -3\n", CBP + "min-calls: must be in [1, 1000000], was -3" + L4),
        doc(CB + "ewma-alpha: 0\n", CBP + "ewma-alpha: must be in (0, 1], was 0" + L4),
        doc(CB + "open-cooldown: 0ms\n", CBP + "open-cooldown: must be in [1ms, 1d], was 0ms" + L4),
        doc(CB + "rolling-window: 2d\n", CBP + "rolling-window: must be in [1ms, 1d], was 2d" + L4),
        // half-open-trial-timeout: a duration in [1ms, 1d] or auto
        doc(
            CB + "half-open-trial-timeout: 0s\n",
            CBP + "half-open-trial-timeout: must be in [1ms, 1d], was 0ms" + L4),
        doc(
            CB + "half-open-trial-timeout: -PT5S\n",
            CBP + "half-open-trial-timeout: must be in [1ms, 1d], was -5s" + L4),
        doc(
            CB + "half-open-trial-timeout: 2d\n",
            CBP + "half-open-trial-timeout: must be in [1ms, 1d], was 2d" + L4),
        doc(
            CB + "half-open-trial-timeout: -5s\n",
            CBP
                + "half-open-trial-timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or"
                + " ISO-8601 (PT10S), or auto, was '-5s'"
                + L4),
        doc(
            CB + "half-open-trial-timeout: 30\n",
            CBP
                + "half-open-trial-timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or"
                + " ISO-8601 (PT10S), or auto, was 30"
                + L4),
        doc(
            CB + "half-open-trial-timeout: true\n",
            CBP
                + "half-open-trial-timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or"
                + " ISO-8601 (PT10S), or auto, was true"
                + L4),
        doc(
            CB + "half-open-trial-timeout: [10s]\n",
            CBP
                + "half-open-trial-timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or"
                + " ISO-8601 (PT10S), or auto, was a list"
                + L4),
        doc(
            CB + "half-open-trial-timeout: automatic\n",
            CBP
                + "half-open-trial-timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or"
                + " ISO-8601 (PT10S), or auto, was 'automatic'"
                + L4),
        doc(
            CB + "half-open-trial-timout: 10s\n",
            CBP
                + "half-open-trial-timout: unknown key (did you mean 'half-open-trial-timeout'?)"
                + L4),
        doc(HD + "max-hedges: 11\n", HDP + "max-hedges: must be in [1, 10], was 11" + L4),
        doc(
            HD + "delay: {percentile: 100}\n",
            HDP + "delay.percentile: must be in (0, 100), was 100 (line 4, column 15)"),
        doc(
            HD + "delay: {percentile: high}\n",
            HDP
                + "delay.percentile: must be a number in (0, 100) or auto, was 'high' (line 4,"
                + " column 15)"),
        doc(
            HD + "budget: {max-extra-load: 0}\n",
            HDP + "budget.max-extra-load: must be in (0, 10], was 0 (line 4, column 16)"),
        doc(
            CB + "adaptive-threshold: {sensitivity: -1}\n",
            CBP
                + "adaptive-threshold.sensitivity: must be in (0, 100], was -1 (line 4, column"
                + " 28)"),
        doc(
            "resilience:\n  circuit-breaker:\n    global: {component-open-ratio: 2}\n",
            "resilience.circuit-breaker.global.component-open-ratio: must be in (0, 1], was 2"
                + " (line 3, column 14)"),
        doc(
            "resilience:\n  telemetry:\n    sla-target: 0ms\n",
            "resilience.telemetry.sla-target: must be in [1ms, 1d], was 0ms (line 3, column 5)"),
        doc(
            "resilience:\n  health:\n    failure-threshold: 0\n",
            "resilience.health.failure-threshold: must be in [1, 1000], was 0 (line 3, column 5)"),
        // rules between fields
        doc(
            CB + "open-cooldown: 10m\n",
            CBP.substring(0, CBP.length() - 1)
                + ": max-open-cooldown must be at least open-cooldown (10m), was 5m (line 3, column"
                + " 5)"),
        doc(
            HD + "delay: {min-delay: 2s, max-delay: 1s}\n",
            HDP
                + "delay: min-delay must be at most max-delay (1s), was 2s (line 4,"
                + " column 7)"),
        doc(
            CB
                + "record-exceptions: [java.lang.RuntimeException]\n"
                + "      ignore-exceptions: [java.lang.RuntimeException]\n",
            CBP.substring(0, CBP.length() - 1)
                + ": an exception type must not be both recorded and ignored, was"
                + " java.lang.RuntimeException in record-exceptions and ignore-exceptions (line 3,"
                + " column 5)"),
        doc(
            "resilience:\n  health:\n    interval: 5s\n    timeout: 5s\n",
            "resilience.health: timeout must be less than interval (5s), was 5s (line 2, column"
                + " 3)"),
        doc(
            "resilience:\n  health:\n    providers:\n      db: {interval: 2s}\n",
            "resilience.health: providers.db.timeout must be less than providers.db.interval (2s),"
                + " was 10s (line 2, column 3)"),
        // wrong types
        doc(CB + "buckets: ten\n", CBP + "buckets: must be a whole number, was 'ten'" + L4),
        doc(CB + "buckets: 2.5\n", CBP + "buckets: must be a whole number, was 2.5" + L4),
        doc(
            CB + "failure-rate-threshold: half\n",
            CBP + "failure-rate-threshold: must be a number, was 'half'" + L4),
        doc(
            HD + "timeout: 10\n",
            HDP
                + "timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S),"
                + " was 10"
                + L4),
        doc(
            HD + "timeout: ten seconds\n",
            HDP
                + "timeout: must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S),"
                + " was 'ten seconds'"
                + L4),
        doc(HD + "idempotent: yes\n", HDP + "idempotent: must be true or false, was 'yes'" + L4),
        doc(
            "resilience:\n  hedge: [1, 2]\n",
            "resilience.hedge: must be a map, was a list (line 2, column 3)"),
        doc(
            "resilience:\n  circuit-breaker:\n    instances: [payments]\n",
            "resilience.circuit-breaker.instances: must be a map of names to settings, was a list"
                + " (line 3, column 5)"),
        // enums
        doc(
            CB + "sample-weighting: slidng\n",
            CBP
                + "sample-weighting: must be one of [sliding, exponential], was 'slidng' (did you"
                + " mean 'sliding'?)"
                + L4),
        doc(
            CB + "open-health-status: up\n",
            CBP + "open-health-status: must be one of [DEGRADED, DOWN], was UP" + L4),
        doc(
            HD + "delay: {strategy: quantile}\n",
            HDP
                + "delay.strategy: must be one of [fixed, percentile, adaptive, backoff], was"
                + " 'quantile' (line 4, column 15)"),
        // classes
        doc(
            CB + "ignore-exceptions: [com.example.Nope]\n",
            CBP
                + "ignore-exceptions[0]: must name a class on the classpath, was 'com.example.Nope'"
                + " (line 4, column 27)"),
        doc(
            CB + "record-exceptions: [java.lang.String]\n",
            CBP
                + "record-exceptions[0]: must name a Throwable, was java.lang.String (line 4,"
                + " column 27)"),
        // names and structure
        doc(
            "resilience:\n  circuit-breaker:\n    instances:\n      \"bad name\": {}\n",
            "resilience.circuit-breaker.instances.bad name: instance name must be 1 to 128 letters,"
                + " digits or . _ - : / starting with a letter or digit, was 'bad name'"
                + " (line 4, column 7)"),
        doc(
            CB + "buckets: 10\n      buckets: 20\n",
            CBP + "buckets: duplicate key (first at line 4) (line 5, column 7)"),
        doc(
            "spring:\n  application: {name: x}\n",
            "<document>: has no 'resilience' section; found [spring] (line 1, column 1)"),
        doc(
            "resilence:\n  hedge: {}\n",
            "<document>: has no 'resilience' section; found [resilence] ('resilence' looks like a"
                + " misspelling of 'resilience') (line 1, column 1)"),
        doc(
            "- a\n- b\n",
            "<document>: must be a map with a 'resilience' key, was a list (line 1, column 1)"),
        doc(
            "resilience: {}\n---\nresilience: {}\n",
            "<document>: must be a single YAML document; a second one starts here (line 3, column"
                + " 1)"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("catalogue")
  void isRefusedWithItsPathAndLine(String yaml, String error) {
    assertThatThrownBy(() -> YamlConfigLoader.loadString(yaml))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.errors()).hasSize(1);
              assertThat(e.errors().get(0)).hasToString(error);
            });
  }

  @org.junit.jupiter.api.Test
  void catalogueHoldsAtLeastThirtyDocuments() {
    assertThat(catalogue().count()).isGreaterThanOrEqualTo(30);
  }

  @org.junit.jupiter.api.Test
  void yamlSyntaxErrorsNameTheLine() {
    assertThatThrownBy(
            () ->
                YamlConfigLoader.loadString(
                    "resilience:\n  hedge:\n    defaults: {max-hedges: 2\n"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.errors()).hasSize(1);
              assertThat(e.errors().get(0).path()).isEqualTo("<document>");
              assertThat(e.errors().get(0).message()).startsWith("is not valid YAML");
              assertThat(e.errors().get(0).line()).isGreaterThan(0);
            });
  }
}
