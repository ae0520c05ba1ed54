package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetryRegistryTest {

  final FakeClock clock = new FakeClock();

  RetryRegistry.Builder registry() {
    return RetryRegistry.builder().clock(clock).scheduler(clock);
  }

  static final RetryPolicy QUICK =
      RetryPolicy.builder()
          .maxAttempts(2)
          .baseDelay(Duration.ofMillis(10))
          .maxDelay(Duration.ofMillis(10))
          .jitter(Jitter.NONE)
          .build();

  @Test
  void builtInPoliciesHaveTheDocumentedValues() {
    RetryPolicy d = RetryPolicy.defaults();
    assertThat(d.maxAttempts()).isEqualTo(3);
    assertThat(d.baseDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(d.maxDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.multiplier()).isEqualTo(2.0);
    assertThat(d.jitter()).isEqualTo(Jitter.FULL);
    assertThat(d.retryableStatuses()).containsExactly(429, 500, 502, 503, 504);
    assertThat(d.budget()).hasValue(0.1);
    assertThat(d.minRetriesPerSecond()).isEqualTo(10);
    assertThat(d.retryableExceptions()).isEmpty();
    assertThat(d.nonRetryableExceptions()).isEmpty();
    RetryPolicy e = RetryPolicy.expensive();
    assertThat(e.maxAttempts()).isEqualTo(5);
    assertThat(e.baseDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(e.maxDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(e.multiplier()).isEqualTo(2.0);
    assertThat(e.jitter()).isEqualTo(Jitter.FULL);
    assertThat(RetryPolicy.builtIns()).containsOnlyKeys("default", "expensive");
    assertThat(d.isRetryable(new IOException(), OptionalInt.of(503))).isTrue();
    assertThat(d.isRetryable(new IOException(), OptionalInt.of(404))).isFalse();
    assertThat(d.isRetryable(new IOException(), OptionalInt.empty())).isTrue();
    assertThat(d.isRetryable(new OutOfMemoryError(), OptionalInt.empty())).isFalse();
  }

  @Test
  void namedPoliciesExistFromTheStartAndUnknownNamesGetTheDefaultsUnlessStrict() throws Exception {
    try (RetryRegistry r = registry().policy("payments", QUICK).build()) {
      assertThat(r.names()).containsExactlyInAnyOrder("default", "expensive", "payments");
      assertThat(r.retrier("payments").policy()).isEqualTo(QUICK);
      assertThat(r.retrier("expensive").policy()).isEqualTo(RetryPolicy.expensive());
      assertThat(r.retrier("default").policy()).isEqualTo(RetryPolicy.defaults());
      assertThat(r.find("other")).isEmpty();
      Retrier other = r.retrier("other");
      assertThat(other.policy()).isEqualTo(RetryPolicy.defaults());
      assertThat(r.retrier("other")).isSameAs(other);
      assertThat(r.retriers()).hasSize(4);
      assertThat(r.policies()).containsOnlyKeys("default", "expensive", "payments");
      assertThat(r.describe()).containsOnlyKeys("default", "expensive", "other", "payments");
      assertThat(r.describe().get("payments")).containsEntry("name", "payments");
    }
    RetryPolicy mine = QUICK.toBuilder().maxAttempts(4).build();
    try (RetryRegistry strict = registry().defaults(mine).strict(true).build()) {
      assertThat(strict.retrier("default").policy()).isEqualTo(mine);
      assertThat(strict.defaults()).isEqualTo(mine);
      assertThatThrownBy(() -> strict.retrier("nope"))
          .hasMessage(
              "unknown retrier 'nope': the registry is strict and knows only [default, expensive]");
    }
    try (RetryRegistry fromMap =
        registry().policies(Map.of("default", QUICK, "expensive", QUICK)).build()) {
      assertThat(fromMap.retrier("expensive").policy()).isEqualTo(QUICK);
      assertThat(fromMap.retrier("anything").policy()).isEqualTo(QUICK);
    }
  }

  @Test
  void reconfigureKeepsCountersAndDefaultsApplyOnlyToRetriersWithoutAPolicy() throws Exception {
    try (RetryRegistry r = registry().policy("own", QUICK).build()) {
      Retrier own = r.retrier("own");
      Retrier shared = r.retrier("shared");
      Retrier def = r.retrier("default");
      own.call(() -> "x");
      RetryPolicy longer = QUICK.toBuilder().maxAttempts(7).build();
      assertThat(r.reconfigure("own", longer)).isSameAs(own);
      assertThat(own.policy()).isEqualTo(longer);
      assertThat(own.metrics().calls()).isEqualTo(1);

      RetryPolicy newDefaults = QUICK.toBuilder().maxAttempts(9).build();
      r.reconfigureDefaults(newDefaults);
      assertThat(shared.policy()).isEqualTo(newDefaults);
      assertThat(def.policy()).isEqualTo(newDefaults);
      assertThat(own.policy()).isEqualTo(longer);
      assertThat(r.retrier("expensive").policy()).isEqualTo(RetryPolicy.expensive());
      assertThat(r.retrier("later").policy()).isEqualTo(newDefaults);

      RetryPolicy viaName = QUICK.toBuilder().maxAttempts(5).build();
      assertThat(r.reconfigure("default", viaName)).isSameAs(def);
      assertThat(r.defaults()).isEqualTo(viaName);
      assertThat(shared.policy()).isEqualTo(viaName);

      Retrier fresh = r.reconfigure("fresh", longer);
      assertThat(r.retrier("fresh")).isSameAs(fresh);
      assertThat(r.policies()).containsEntry("fresh", longer);
      r.reconfigureDefaults(QUICK);
      assertThat(fresh.policy()).isEqualTo(longer); // has its own policy
    }
  }

  @Test
  void removeForgetsThePolicyAndClosesOnceIdleAndHooksSeeAddsAndRemovals() throws Exception {
    try (RetryRegistry r = registry().policy("payments", QUICK).build()) {
      List<String> added = new CopyOnWriteArrayList<>();
      List<String> removed = new CopyOnWriteArrayList<>();
      Subscription a = r.onAdded(x -> added.add(x.name()));
      r.onRemoved(x -> removed.add(x.name()));
      assertThat(added).containsExactlyInAnyOrder("default", "expensive", "payments");
      r.retrier("new");
      r.reconfigure("configured", QUICK);
      Retrier payments = r.retrier("payments");
      CompletableFuture<String> attempt = new CompletableFuture<>();
      CompletableFuture<String> inFlight = payments.callAsync(() -> attempt);
      assertThat(r.remove("payments")).containsSame(payments);
      assertThat(r.remove("payments")).isEmpty();
      assertThat(removed).containsExactly("payments");
      // Retired: not closed while a call is in flight, so it still serves those who hold it...
      assertThat(payments.isClosed()).isFalse();
      assertThat(payments.call(() -> "still works")).isEqualTo("still works");
      // ...and closed once that call has ended.
      attempt.complete("done");
      assertThat(inFlight).isCompletedWithValue("done");
      assertThat(payments.isClosed()).isTrue();
      Retrier again = r.retrier("payments");
      assertThat(again).isNotSameAs(payments);
      assertThat(again.policy()).isEqualTo(RetryPolicy.defaults());
      assertThat(added).endsWith("new", "configured", "payments");
      a.close();
      r.retrier("unheard");
      assertThat(added).doesNotContain("unheard");
    }
  }

  @Test
  void registryListenersSeeEveryRetriersEventsAndSettingsReachEveryRetrier() throws Exception {
    List<RetryEvent> events = new CopyOnWriteArrayList<>();
    List<String> recorded = new ArrayList<>();
    List<Duration> slept = new ArrayList<>();
    try (RetryRegistry r =
        registry()
            .policy("jittery", QUICK.toBuilder().jitter(Jitter.FULL).build())
            .random(new Random(5))
            .sleeper(
                d -> {
                  slept.add(d);
                  clock.sleep(d);
                })
            .statusExtractor(
                new HttpStatusExtractor() {
                  @Override
                  public OptionalInt status(Throwable f) {
                    return f instanceof IllegalStateException
                        ? OptionalInt.of(400)
                        : OptionalInt.empty();
                  }
                })
            .recorder(
                (n, e, o, l, attempts) -> recorded.add(n + ":" + e + ":" + o + ":" + attempts))
            .build()) {
      r.subscribe(events::add);
      AtomicInteger n = new AtomicInteger();
      r.retrier("jittery")
          .call(
              () -> {
                if (n.incrementAndGet() == 1) {
                  throw new IOException("once");
                }
                return "ok";
              });
      assertThat(slept)
          .singleElement()
          .isEqualTo(Duration.ofNanos((long) (new Random(5).nextDouble() * 10_000_000)));
      assertThatThrownBy(
              () ->
                  r.retrier("other")
                      .call(
                          () -> {
                            throw new IllegalStateException("a 400");
                          }))
          .hasMessage("a 400");
      r.reconfigure("jittery", QUICK);
      assertThat(events.stream().map(e -> e.getClass().getSimpleName()).toList())
          .containsExactly("RetryScheduled", "Succeeded", "NotRetryable", "ConfigChanged");
      assertThat(recorded)
          .containsExactly(
              "jittery:" + EngineType.RETRY + ":SUCCESS:2",
              "other:" + EngineType.RETRY + ":FAILURE:1");
    }
  }

  static Set<String> retryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("tailguard-retry"))
        .collect(Collectors.toSet());
  }

  @Test
  void closeCancelsWaitingAsyncCallsAndNoThreadOutlivesIt() throws Exception {
    Set<String> before = retryThreads();
    RetryRegistry r =
        RetryRegistry.builder()
            .policy(
                "slow",
                QUICK.toBuilder()
                    .baseDelay(Duration.ofHours(1))
                    .maxDelay(Duration.ofHours(1))
                    .build())
            .policy("quick", QUICK)
            .closeGrace(Duration.ofSeconds(2))
            .build();
    // A call that retried once: its second attempt ran on the registry's executor.
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<String> quick =
        r.retrier("quick")
            .callAsync(
                () ->
                    attempts.incrementAndGet() == 1
                        ? CompletableFuture.failedFuture(new IOException("once"))
                        : CompletableFuture.completedFuture("ok"));
    assertThat(quick).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("ok");
    CompletableFuture<String> f =
        r.retrier("slow").callAsync(() -> CompletableFuture.failedFuture(new IOException("down")));
    assertThat(f).isNotDone();
    assertThat(retryThreads()).hasSizeGreaterThan(before.size()); // the scheduler thread waits
    r.close();
    assertThat(f).isCancelled();
    assertThat(r.isTerminated()).isTrue();
    assertThat(retryThreads()).isEqualTo(before);
    assertThatThrownBy(() -> r.retrier("brand-new"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the retry registry is closed");
    assertThat(r.retrier("slow").isClosed()).isTrue();
  }
}
