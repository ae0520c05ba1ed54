package io.tailguard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid setting, argument, name and key of the rate limiting engine gets a clear error
 * naming the field, the allowed values and the value given, and leaves the limiter working.
 */
class RateLimiterBadInputTest {

  private static final String NAME_RULE =
      "rate limiter name must be 1 to 128 letters, digits or . _ - : / starting with a letter or"
          + " digit, was ";

  private final FakeClock clock = new FakeClock();
  private final RateLimiter limiter =
      RateLimiter.builder("search")
          .config(RateLimitConfig.of(10, Duration.ofSeconds(10)))
          .clock(clock)
          .scheduler(clock)
          .build();

  static Arguments bad(Executable action, String message) {
    return Arguments.of(action, message);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        bad(
            () -> RateLimitConfig.builder().capacity(0).build(),
            "capacity must be in [1, 1000000000], was 0"),
        bad(
            () -> RateLimitConfig.builder().capacity(-5).build(),
            "capacity must be in [1, 1000000000], was -5"),
        bad(
            () -> RateLimitConfig.builder().capacity(1_000_000_001).build(),
            "capacity must be in [1, 1000000000], was 1000000001"),
        bad(
            () -> RateLimitConfig.of(0, Duration.ofSeconds(1)),
            "capacity must be in [1, 1000000000], was 0"),
        bad(() -> RateLimitConfig.builder().window(null).build(), "window must not be null"),
        bad(
            () -> RateLimitConfig.builder().window(Duration.ZERO).build(),
            "window must be in [1ms, 366d], was 0ms"),
        bad(
            () -> RateLimitConfig.builder().window(Duration.ofNanos(999_999)).build(),
            "window must be in [1ms, 366d], was 999999ns"),
        bad(
            () -> RateLimitConfig.builder().window(Duration.ofSeconds(-1)).build(),
            "window must be in [1ms, 366d], was -1s"),
        bad(
            () -> RateLimitConfig.builder().window(Duration.ofDays(367)).build(),
            "window must be in [1ms, 366d], was 367d"),
        bad(
            () -> RateLimitConfig.builder().window(Duration.ofSeconds(Long.MAX_VALUE)).build(),
            "window must be in [1ms, 366d], was PT2562047788015215H30M7S"),
        bad(
            () -> RateLimitConfig.builder().maxKeys(0).build(),
            "maxKeys must be in [1, 100000000], was 0"),
        bad(
            () -> RateLimitConfig.builder().maxKeys(100_000_001).build(),
            "maxKeys must be in [1, 100000000], was 100000001"),
        bad(
            () -> RateLimitConfig.builder().cleanupThreshold(0).build(),
            "cleanupThreshold must be in [1, maxKeys = 100000], was 0"),
        bad(
            () -> RateLimitConfig.builder().cleanupThreshold(-1).build(),
            "cleanupThreshold must be in [1, maxKeys = 100000], was -1"),
        bad(
            () -> RateLimitConfig.builder().maxKeys(10).cleanupThreshold(11).build(),
            "cleanupThreshold must be in [1, maxKeys = 10], was 11"),
        // The default threshold (1,000) does not fit under a smaller cap: the message says so.
        bad(
            () -> RateLimitConfig.builder().maxKeys(500).build(),
            "cleanupThreshold must be in [1, maxKeys = 500], was 1000"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidSettings")
  void invalidSettingsAreRefusedWithFieldRangeAndValue(Executable action, String message) {
    assertThatThrownBy(action::execute)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void boundaryValuesAreAccepted() {
    RateLimitConfig fastest =
        RateLimitConfig.builder().capacity(1_000_000_000).window(Duration.ofMillis(1)).build();
    assertThat(fastest.emissionIntervalNanos()).isEqualTo(1);
    RateLimitConfig slowest =
        RateLimitConfig.builder()
            .capacity(1)
            .window(Duration.ofDays(366))
            .maxKeys(1)
            .cleanupThreshold(1)
            .build();
    assertThat(slowest.burstNanos()).isEqualTo(Duration.ofDays(366).toNanos());
    RateLimitConfig widest =
        RateLimitConfig.builder().maxKeys(100_000_000).cleanupThreshold(100_000_000).build();
    assertThat(widest.cleanupThreshold()).isEqualTo(100_000_000);
    for (RateLimitConfig c : List.of(fastest, slowest, widest)) {
      RateLimiter l = RateLimiter.builder("edge").config(c).clock(clock).build();
      assertThat(l.tryAcquire("k", c.capacity())).isTrue();
      assertThat(l.tryAcquire("k")).isFalse();
    }
  }

  static Stream<Arguments> invalidRequests() {
    RateLimiter l = RateLimiter.of("search", RateLimitConfig.of(10, Duration.ofSeconds(10)));
    Duration s = Duration.ofSeconds(1);
    String tooLong = "secret".repeat(43); // 258 characters
    String permits = "permits must be in [1, capacity = 10], was ";
    String timeout = "timeout must be in [0ms, 10s], was ";
    return Stream.of(
        bad(() -> l.tryAcquire(null), "key must not be null"),
        bad(() -> l.tryAcquire(null, 1), "key must not be null"),
        bad(() -> l.acquireOrThrow(null), "key must not be null"),
        bad(() -> l.acquireOrThrow(null, 1), "key must not be null"),
        bad(() -> l.decide(null), "key must not be null"),
        bad(() -> l.decide(null, 1), "key must not be null"),
        bad(() -> l.acquire(null, 1, s), "key must not be null"),
        bad(() -> l.acquireAsync(null, 1, s), "key must not be null"),
        bad(
            () -> l.tryAcquire("x".repeat(257)),
            "key must be at most 256 characters, was 257 characters"),
        bad(() -> l.tryAcquire(tooLong), "key must be at most 256 characters, was 258 characters"),
        bad(() -> l.decide(tooLong), "key must be at most 256 characters, was 258 characters"),
        bad(
            () -> l.acquireOrThrow(tooLong),
            "key must be at most 256 characters, was 258 characters"),
        bad(
            () -> l.acquire(tooLong, 1, s),
            "key must be at most 256 characters, was 258 characters"),
        bad(
            () -> l.acquireAsync("k".repeat(100_000), 1, s),
            "key must be at most 256 characters, was 100000 characters"),
        bad(() -> l.tryAcquire("k", 0), permits + "0"),
        bad(() -> l.tryAcquire("k", -1), permits + "-1"),
        bad(() -> l.tryAcquire("k", 11), permits + "11"),
        bad(() -> l.tryAcquire("k", Integer.MAX_VALUE), permits + Integer.MAX_VALUE),
        bad(() -> l.acquireOrThrow("k", 11), permits + "11"),
        bad(() -> l.decide("k", 0), permits + "0"),
        bad(() -> l.acquire("k", 11, s), permits + "11"),
        bad(() -> l.acquireAsync("k", 0, s), permits + "0"),
        bad(() -> l.acquire("k", 1, null), "timeout must not be null"),
        bad(() -> l.acquireAsync("k", 1, null), "timeout must not be null"),
        bad(() -> l.acquire("k", 1, Duration.ofMillis(-1)), timeout + "-1ms"),
        bad(() -> l.acquireAsync("k", 1, Duration.ofNanos(-1)), timeout + "-1ns"),
        bad(() -> l.acquire("k", 1, Duration.ofSeconds(11)), timeout + "11s"),
        bad(() -> l.acquireAsync("k", 1, Duration.ofDays(1)), timeout + "1d"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidRequests")
  void invalidRequestsAreRefusedWithAClearError(Executable action, String message) {
    assertThatThrownBy(action::execute)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void aRefusedKeyIsNeverEchoedAndLeavesTheLimiterAsItWas() {
    String secret = "Bearer " + "s3cr3t".repeat(50);
    assertThatThrownBy(() -> limiter.tryAcquire(secret))
        .isInstanceOfSatisfying(
            InvalidRateLimitKeyException.class, // a web layer answers it 400
            e -> assertThat(e.limiterName()).isEqualTo(limiter.name()))
        .message()
        .doesNotContain("s3cr3t")
        .isEqualTo("key must be at most 256 characters, was 307 characters");
    assertThatThrownBy(() -> limiter.tryAcquire("k", 11));
    assertThatThrownBy(() -> limiter.acquire("k", 1, Duration.ofSeconds(11)));
    assertThat(limiter.permittedCount()).isZero();
    assertThat(limiter.rejectedCount()).isZero();
    assertThat(limiter.keyCount()).isZero();
    assertThat(limiter.tryAcquire("k".repeat(256), 10)).isTrue(); // the longest key is fine
    assertThat(limiter.tryAcquire("", 10)).isTrue(); // so is the empty key
    assertThat(limiter.tryAcquire("k", 10)).isTrue();
  }

  @Test
  void invalidNamesAndNullArgumentsAreRefused() {
    RateLimitConfig c = RateLimitConfig.defaults();
    assertThatThrownBy(() -> RateLimiter.builder(null))
        .hasMessage("rate limiter name must not be null");
    assertThatThrownBy(() -> RateLimiter.of(null, c))
        .hasMessage("rate limiter name must not be null");
    assertThatThrownBy(() -> RateLimiter.builder("")).hasMessage(NAME_RULE + "''");
    assertThatThrownBy(() -> RateLimiter.builder("has space"))
        .hasMessage(NAME_RULE + "'has space'");
    assertThatThrownBy(() -> RateLimiter.builder("-lead")).hasMessage(NAME_RULE + "'-lead'");
    assertThatThrownBy(() -> RateLimiter.builder("a\nb")).hasMessage(NAME_RULE + "'a?b'");
    assertThatThrownBy(() -> RateLimiter.builder("a".repeat(129)))
        .hasMessage(NAME_RULE + "'" + "a".repeat(64) + "...'");
    assertThat(RateLimiter.builder("a".repeat(128)).build().name()).hasSize(128);

    RateLimiter.Builder b = RateLimiter.builder("ok");
    assertThatThrownBy(() -> b.config(null)).hasMessage("config must not be null");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock must not be null");
    assertThatThrownBy(() -> b.store(null)).hasMessage("store must not be null");
    assertThatThrownBy(() -> b.scheduler(null)).hasMessage("scheduler must not be null");
    assertThatThrownBy(() -> b.recorder(null)).hasMessage("recorder must not be null");
    assertThatThrownBy(() -> new InMemoryRateLimiterStore(null))
        .hasMessage("clock must not be null");
    assertThatThrownBy(() -> InMemoryRateLimiterStore.factory(null))
        .hasMessage("clock must not be null");

    assertThatThrownBy(() -> limiter.reconfigure((RateLimitConfig) null))
        .hasMessage("config must not be null");
    assertThatThrownBy(() -> limiter.reconfigure((UnaryOperator<RateLimitConfig.Builder>) null))
        .hasMessage("changes must not be null");
    assertThatThrownBy(() -> limiter.reconfigure(x -> null))
        .hasMessage("the builder returned by changes must not be null");
    assertThatThrownBy(() -> limiter.reconfigure(x -> x.window(Duration.ZERO)))
        .hasMessage("window must be in [1ms, 366d], was 0ms");
    assertThat(limiter.config()).isEqualTo(RateLimitConfig.of(10, Duration.ofSeconds(10)));
    assertThatThrownBy(() -> limiter.subscribe(null)).hasMessage("listener must not be null");
  }

  @Test
  void invalidDecisionsAreRefused() {
    Duration z = Duration.ZERO;
    assertThatThrownBy(() -> new RateLimitDecision(null, 1, 0, z, z))
        .hasMessage("reason, retryAfter and resetAfter must not be null");
    assertThatThrownBy(
            () -> new RateLimitDecision(RateLimitDecision.Reason.PERMITTED, 1, 0, null, z))
        .hasMessage("reason, retryAfter and resetAfter must not be null");
    assertThatThrownBy(() -> new RateLimitDecision(RateLimitDecision.Reason.PERMITTED, 0, 0, z, z))
        .hasMessage(
            "limit must be >= 1 and remaining, retryAfter, resetAfter >= 0, was 0, 0, PT0S, PT0S");
    assertThatThrownBy(
            () ->
                new RateLimitDecision(
                    RateLimitDecision.Reason.RATE_EXCEEDED, 1, 0, Duration.ofSeconds(-1), z))
        .hasMessage(
            "limit must be >= 1 and remaining, retryAfter, resetAfter >= 0, was 1, 0, PT-1S, PT0S");
  }

  @Test
  void invalidRegistrySettingsAreRefused() {
    RateLimitConfig c = RateLimitConfig.defaults();
    RateLimiterRegistry.Builder b = RateLimiterRegistry.builder();
    assertThatThrownBy(() -> b.defaults(null)).hasMessage("defaults must not be null");
    assertThatThrownBy(() -> b.instance(null, c)).hasMessage("rate limiter name must not be null");
    assertThatThrownBy(() -> b.instance("bad name", c)).hasMessage(NAME_RULE + "'bad name'");
    assertThatThrownBy(() -> b.instance("x", null)).hasMessage("instances.x must not be null");
    assertThatThrownBy(() -> b.instances(null)).hasMessage("instances must not be null");
    assertThatThrownBy(() -> b.clock(null)).hasMessage("clock must not be null");
    assertThatThrownBy(() -> b.scheduler(null)).hasMessage("scheduler must not be null");
    assertThatThrownBy(() -> b.stores(null)).hasMessage("stores must not be null");
    assertThatThrownBy(() -> b.recorder(null)).hasMessage("recorder must not be null");
    assertThatThrownBy(() -> b.closeGrace(null)).hasMessage("closeGrace must not be null");
    assertThatThrownBy(() -> b.closeGrace(Duration.ofMillis(-1)))
        .hasMessage("closeGrace must be in [0ms, 1h], was -1ms");
    assertThatThrownBy(() -> b.closeGrace(Duration.ofHours(2)))
        .hasMessage("closeGrace must be in [0ms, 1h], was 2h");
    assertThatThrownBy(
            () -> RateLimiterRegistry.builder().stores(n -> null).instance("x", c).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the store created for x must not be null");
  }

  @Test
  void invalidRegistryCallsAreRefusedAndLeaveItRunning() {
    try (RateLimiterRegistry r =
        RateLimiterRegistry.builder().clock(clock).scheduler(clock).build()) {
      RateLimitConfig c = RateLimitConfig.defaults();
      assertThatThrownBy(() -> r.limiter(null)).hasMessage("rate limiter name must not be null");
      assertThatThrownBy(() -> r.limiter("bad name")).hasMessage(NAME_RULE + "'bad name'");
      assertThatThrownBy(() -> r.reconfigure(null, c))
          .hasMessage("rate limiter name must not be null");
      assertThatThrownBy(() -> r.reconfigure("x", null)).hasMessage("config must not be null");
      assertThatThrownBy(() -> r.reconfigureDefaults(null)).hasMessage("config must not be null");
      assertThatThrownBy(() -> r.onAdded(null)).hasMessage("hook must not be null");
      assertThatThrownBy(() -> r.onRemoved(null)).hasMessage("hook must not be null");
      assertThatThrownBy(() -> r.subscribe(null)).hasMessage("listener must not be null");
      assertThat(r.find(null)).isEmpty();
      assertThat(r.remove(null)).isEmpty();
      assertThat(r.names()).isEmpty();
      assertThat(r.limiter("fine").tryAcquire("k")).isTrue();
    }
  }

  @Test
  void aStrictRegistryRefusesUnknownNames() {
    try (RateLimiterRegistry r =
        RateLimiterRegistry.builder()
            .instances(RateLimiterRegistry.exampleOperations())
            .strict(true)
            .build()) {
      assertThatThrownBy(() -> r.limiter("nope"))
          .isInstanceOfSatisfying(
              UnknownInstanceException.class,
              e -> {
                assertThat(e.engine()).isEqualTo("rate limiter");
                assertThat(e.name()).isEqualTo("nope");
                assertThat(e.known()).containsExactly("embed", "search", "transform");
              })
          .hasMessage(
              "unknown rate limiter 'nope': the registry is strict and knows only"
                  + " [embed, search, transform]");
      assertThatThrownBy(() -> r.limiter("bad name")).hasMessage(NAME_RULE + "'bad name'");
      assertThat(r.names()).containsExactlyInAnyOrder("search", "transform", "embed");
      assertThat(r.limiter("search").tryAcquire("k")).isTrue();
      // reconfigure is how a strict registry gets a new limiter
      assertThat(r.reconfigure("later", RateLimitConfig.defaults()).name()).isEqualTo("later");
      assertThat(r.limiter("later")).isNotNull();
    }
  }

  @Test
  void aClosedRegistryRefusesNewLimiters() {
    RateLimiterRegistry r =
        RateLimiterRegistry.builder()
            .instance("search", RateLimitConfig.defaults())
            .clock(clock)
            .scheduler(clock)
            .build();
    r.close();
    assertThatThrownBy(() -> r.limiter("new"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the rate limiter registry is closed");
    assertThatThrownBy(() -> r.reconfigure("new", RateLimitConfig.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the rate limiter registry is closed");
    assertThat(r.names()).containsExactly("search");
    r.close(); // again: nothing happens
    assertThat(r.isTerminated()).isTrue();
  }
}
