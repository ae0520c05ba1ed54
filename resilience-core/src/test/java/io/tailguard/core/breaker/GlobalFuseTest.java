package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.breaker.CircuitEvent.CallRejected;
import io.tailguard.core.breaker.CircuitEvent.StateTransition;
import io.tailguard.core.breaker.CircuitRejectedException.Reason;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The registry's global fuse is derived from its component breakers, never stored: open while
 * enabled, with at least {@code minComponents} breakers of which at least {@code
 * componentOpenRatio} are OPEN or FORCED_OPEN.
 */
class GlobalFuseTest {

  private static final Duration COOLDOWN = Duration.ofSeconds(10);
  private static final CircuitConfig TRIP_ON_ONE_FAILURE =
      CircuitConfig.builder()
          .minCalls(1)
          .openCooldown(COOLDOWN)
          .maxOpenCooldown(COOLDOWN.multipliedBy(8))
          .halfOpenMaxConcurrent(1)
          .halfOpenRequiredSuccesses(1)
          .build();

  private final FakeClock clock = new FakeClock();
  private final List<StateTransition> fuseTransitions = new CopyOnWriteArrayList<>();
  private final List<StateTransition> componentTransitions = new CopyOnWriteArrayList<>();

  private CircuitBreakerRegistry registry(GlobalFuseConfig fuse, String... names) {
    CircuitBreakerRegistry.Builder b =
        CircuitBreakerRegistry.builder()
            .clock(clock)
            .defaults(TRIP_ON_ONE_FAILURE)
            .globalFuse(fuse);
    for (String name : names) {
      b.instance(name, TRIP_ON_ONE_FAILURE);
    }
    CircuitBreakerRegistry r = b.build();
    r.subscribe(
        e -> {
          if (e instanceof StateTransition t) {
            (t.name().equals(GlobalFuse.NAME) ? fuseTransitions : componentTransitions).add(t);
          }
        });
    return r;
  }

  private static void trip(CircuitBreaker b) {
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
  }

  private static CircuitRejectedException rejection(CircuitBreaker b) {
    try {
      b.acquire().release();
    } catch (CircuitRejectedException e) {
      return e;
    }
    throw new AssertionError("expected a rejection from " + b);
  }

  @Test
  void opensWhenTheRatioOfOpenComponentsIsReached() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 3), "a", "b", "c", "d");

    trip(r.breaker("a"));
    assertThat(r.globalFuse().isOpen()).as("1 of 4").isFalse();
    trip(r.breaker("b"));

    assertThat(r.globalFuse().isOpen()).as("2 of 4").isTrue();
    assertThat(r.globalFuse().state()).isEqualTo(CircuitState.OPEN);
    assertThat(r.states()).containsEntry(GlobalFuse.NAME, CircuitState.OPEN);
    assertThat(fuseTransitions).hasSize(1);
    StateTransition t = fuseTransitions.get(0);
    assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
    assertThat(t.to()).isEqualTo(CircuitState.OPEN);
    assertThat(t.reason()).isEqualTo(TransitionReason.GLOBAL_FUSE);
    assertThat(t.metrics().healthStatus()).isEqualTo(HealthStatus.DEGRADED);
  }

  @Test
  void theRatioIsAMinimumNotAStrictBound() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.34, 3), "a", "b", "c");

    trip(r.breaker("a")); // 1/3 = 0.333 < 0.34
    assertThat(r.globalFuse().isOpen()).isFalse();

    r.reconfigureGlobalFuse(new GlobalFuseConfig(true, 1.0 / 3, 3)); // exactly reached
    assertThat(r.globalFuse().isOpen()).isTrue();
  }

  @Test
  void staysClosedBelowMinComponentsWhateverTheRatio() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 3), "a", "b");

    trip(r.breaker("a"));
    trip(r.breaker("b"));

    assertThat(r.globalFuse().isOpen()).as("2 of 2, but fewer than 3 components").isFalse();
    r.breaker("c"); // a third breaker, created by lookup: 2 of 3
    assertThat(r.globalFuse().isOpen()).isTrue();
    r.remove("c");
    assertThat(r.globalFuse().isOpen()).as("recomputed when a breaker is removed").isFalse();
  }

  @Test
  void forcedOpenCountsAsOpenButDisabledAndHalfOpenDoNot() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 2), "a", "b");

    r.breaker("a").disable();
    assertThat(r.globalFuse().isOpen()).isFalse();
    r.breaker("a").forceOpen();
    assertThat(r.globalFuse().isOpen()).isTrue();
    r.breaker("a").close();
    assertThat(r.globalFuse().isOpen()).isFalse();

    trip(r.breaker("a"));
    assertThat(r.globalFuse().isOpen()).isTrue();
    clock.advance(COOLDOWN);
    CallGuard trial = r.breaker("a").acquire();
    assertThat(r.breaker("a").state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(r.globalFuse().isOpen()).isFalse();
    trial.release();
  }

  @Test
  void closedBreakersRefuseWithGlobalOpenAndTheEarliestRemainingCooldown() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 3), "a", "b", "c");
    CircuitBreaker c = r.breaker("c");
    List<CircuitEvent> cEvents = new CopyOnWriteArrayList<>();
    c.subscribe(cEvents::add);
    trip(r.breaker("a"));
    clock.advance(Duration.ofSeconds(4));
    trip(r.breaker("b")); // a has 6s left, b 10s

    CircuitRejectedException e = rejection(c);

    assertThat(e.reason()).isEqualTo(Reason.GLOBAL_OPEN);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.state()).as("the component itself stays closed").isEqualTo(CircuitState.CLOSED);
    assertThat(c.metrics().rejectedCalls()).isEqualTo(1);
    assertThat(cEvents)
        .singleElement()
        .isInstanceOfSatisfying(
            CallRejected.class, rej -> assertThat(rej.reason()).isEqualTo(Reason.GLOBAL_OPEN));
    clock.advance(Duration.ofSeconds(1));
    assertThat(rejection(c).retryAfter()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void withOnlyForcedOpenComponentsTheRetryAfterIsTheRefusingBreakersCooldown() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 2), "a", "b");
    r.breaker("a").forceOpen();

    CircuitRejectedException e = rejection(r.breaker("b"));

    // No cooldown ends a forced open; like a FORCED_OPEN refusal, suggest the base cooldown.
    assertThat(e.reason()).isEqualTo(Reason.GLOBAL_OPEN);
    assertThat(e.retryAfter()).isEqualTo(COOLDOWN);
    clock.advance(COOLDOWN.multipliedBy(3));
    assertThat(rejection(r.breaker("b")).retryAfter()).isEqualTo(COOLDOWN);
  }

  @Test
  void openBreakersRecoverThroughTheirTrialsAndTheFuseClosesByItself() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 2), "a", "b");
    trip(r.breaker("a"));
    assertThat(r.globalFuse().isOpen()).isTrue();
    assertThat(rejection(r.breaker("b")).reason()).isEqualTo(Reason.GLOBAL_OPEN);
    assertThat(rejection(r.breaker("a")).reason())
        .as("still its own cooldown")
        .isEqualTo(Reason.OPEN);

    clock.advance(COOLDOWN);
    r.breaker("a").acquire().success(); // the trial runs although the fuse is open

    assertThat(r.breaker("a").state()).isEqualTo(CircuitState.CLOSED);
    assertThat(r.globalFuse().isOpen()).isFalse();
    r.breaker("b").acquire().success();
    assertThat(fuseTransitions)
        .extracting(StateTransition::to)
        .containsExactly(CircuitState.OPEN, CircuitState.CLOSED);
  }

  @Test
  void disabledBreakersStillPermitWhileTheFuseIsOpen() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 3), "a", "b", "c");
    r.breaker("c").disable();
    trip(r.breaker("a"));
    r.breaker("b").forceOpen();
    assertThat(r.globalFuse().isOpen()).isTrue();

    r.breaker("c").acquire().success();

    assertThat(r.breaker("c").metrics().successfulCalls()).isEqualTo(1);
  }

  @Test
  void isDerivedNotStored() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 2), "a", "b");
    trip(r.breaker("a"));
    assertThat(r.globalFuse().isOpen()).isTrue();

    r.reconfigureGlobalFuse(GlobalFuseConfig.DISABLED);
    assertThat(r.globalFuse().isOpen()).as("disabled: closed at once").isFalse();
    r.breaker("b").acquire().success();

    r.reconfigureGlobalFuse(new GlobalFuseConfig(true, 0.5, 2));
    assertThat(r.globalFuse().isOpen()).as("re-derived from the components").isTrue();
    assertThat(r.globalFuse().config()).isEqualTo(new GlobalFuseConfig(true, 0.5, 2));

    r.breaker("a").reset();
    assertThat(r.globalFuse().isOpen()).isFalse();
    assertThat(r.names()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aDisabledFuseNeverOpens() {
    CircuitBreakerRegistry r = registry(GlobalFuseConfig.DISABLED, "a", "b", "c");

    r.breakers().forEach(CircuitBreaker::forceOpen);

    assertThat(r.globalFuse().isOpen()).isFalse();
    assertThat(fuseTransitions).isEmpty();
  }

  @Test
  void describeShowsTheDerivedStateAndTheSettings() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 2), "a", "b", "c");
    trip(r.breaker("b"));
    r.breaker("c").forceOpen();

    Map<String, Object> d = r.globalFuse().describe();

    assertThat(d)
        .containsEntry("name", "__global__")
        .containsEntry("state", "OPEN")
        .containsEntry("healthStatus", "DEGRADED")
        .containsEntry("components", 3)
        .containsEntry(
            "config", Map.of("enabled", true, "componentOpenRatio", 0.5, "minComponents", 2));
    @SuppressWarnings("unchecked")
    List<String> open = (List<String>) d.get("openComponents");
    assertThat(open).containsExactlyInAnyOrder("b", "c");
    assertThat(r.describe().get(GlobalFuse.NAME)).isEqualTo(d);
  }

  // ---------------------------------------------------------------------------------------------
  // Recovery when the open breakers are reached only through a closed one

  /**
   * A service whose every request passes the breaker {@code auth}; inside auth's protected call it
   * reaches {@code db} and {@code inventory}, each through its own breaker, and answers with a
   * fallback when one of them fails or refuses (so auth itself stays closed). Nothing else calls db
   * or inventory: while the fuse makes auth refuse, no call reaches them.
   */
  private static final class Service {
    private final CircuitBreakerRegistry registry;
    volatile boolean dbUp = true;
    volatile boolean inventoryUp = true;

    Service(CircuitBreakerRegistry registry) {
      this.registry = registry;
    }

    String handle() throws Exception {
      return registry
          .breaker("auth")
          .call(() -> dependency("db", dbUp) + "," + dependency("inventory", inventoryUp));
    }

    private String dependency(String name, boolean up) {
      try {
        return registry
            .breaker(name)
            .call(
                () -> {
                  if (!up) {
                    throw new IOException(name + " is down");
                  }
                  return name;
                });
      } catch (Exception e) {
        return name + "-fallback";
      }
    }

    CircuitRejectedException refusal() {
      try {
        handle();
      } catch (CircuitRejectedException e) {
        return e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      throw new AssertionError("expected auth to refuse the request");
    }
  }

  private Service serviceWithItsDependenciesDown(CircuitBreakerRegistry r) throws Exception {
    Service s = new Service(r);
    s.dbUp = false;
    s.inventoryUp = false;
    assertThat(s.handle()).isEqualTo("db-fallback,inventory-fallback");
    assertThat(r.states())
        .containsEntry("auth", CircuitState.CLOSED)
        .containsEntry("db", CircuitState.OPEN)
        .containsEntry("inventory", CircuitState.OPEN)
        .containsEntry(GlobalFuse.NAME, CircuitState.OPEN);
    return s;
  }

  private List<String> componentTransitions(String name) {
    return componentTransitions.stream()
        .filter(t -> t.name().equals(name))
        .map(t -> t.from() + "->" + t.to() + " " + t.reason())
        .toList();
  }

  @Test
  void theFuseLetsCallsThroughOnceTheEarliestCooldownHasEndedAndClosesAsTheComponentsRecover()
      throws Exception {
    CircuitBreakerRegistry r =
        registry(new GlobalFuseConfig(true, 0.5, 3), "auth", "db", "inventory");
    Service s = serviceWithItsDependenciesDown(r);

    CircuitRejectedException refused = s.refusal();
    assertThat(refused.name()).isEqualTo("auth");
    assertThat(refused.reason()).isEqualTo(Reason.GLOBAL_OPEN);
    assertThat(refused.retryAfter()).as("db's and inventory's cooldown").isEqualTo(COOLDOWN);
    clock.advance(COOLDOWN.minusSeconds(4));
    assertThat(s.refusal().retryAfter()).isEqualTo(Duration.ofSeconds(4));
    clock.advance(Duration.ofSeconds(4).minusNanos(1));
    assertThat(s.refusal().retryAfter()).as("never zero").isEqualTo(Duration.ofNanos(1));

    s.dbUp = true;
    s.inventoryUp = true;
    clock.advanceNanos(1); // the cooldowns end

    assertThat(s.handle()).isEqualTo("db,inventory");
    assertThat(r.states())
        .containsEntry("auth", CircuitState.CLOSED)
        .containsEntry("db", CircuitState.CLOSED)
        .containsEntry("inventory", CircuitState.CLOSED)
        .containsEntry(GlobalFuse.NAME, CircuitState.CLOSED);
    for (String dependency : List.of("db", "inventory")) {
      assertThat(componentTransitions(dependency))
          .containsExactly(
              "CLOSED->OPEN FAILURE_RATE",
              "OPEN->HALF_OPEN COOLDOWN_ELAPSED",
              "HALF_OPEN->CLOSED TRIAL_SUCCEEDED");
    }
    assertThat(componentTransitions("auth")).isEmpty();
    assertThat(fuseTransitions)
        .extracting(StateTransition::to)
        .containsExactly(CircuitState.OPEN, CircuitState.CLOSED);
    assertThat(s.handle()).isEqualTo("db,inventory");
  }

  @Test
  void failedTrialsOpenTheFuseAgainUntilTheDoubledCooldownEnds() throws Exception {
    CircuitBreakerRegistry r =
        registry(new GlobalFuseConfig(true, 0.5, 3), "auth", "db", "inventory");
    Service s = serviceWithItsDependenciesDown(r);
    clock.advance(COOLDOWN);

    // Still down: the request gets through, both trials fail, both re-open for twice as long.
    assertThat(s.handle()).isEqualTo("db-fallback,inventory-fallback");

    assertThat(r.states())
        .containsEntry("db", CircuitState.OPEN)
        .containsEntry("inventory", CircuitState.OPEN)
        .containsEntry(GlobalFuse.NAME, CircuitState.OPEN);
    assertThat(s.refusal().retryAfter()).isEqualTo(COOLDOWN.multipliedBy(2));
    clock.advance(COOLDOWN);
    assertThat(s.refusal().retryAfter()).isEqualTo(COOLDOWN);

    s.dbUp = true;
    s.inventoryUp = true;
    clock.advance(COOLDOWN);
    assertThat(s.handle()).isEqualTo("db,inventory");
    assertThat(r.states()).containsEntry(GlobalFuse.NAME, CircuitState.CLOSED);
    assertThat(fuseTransitions)
        .extracting(StateTransition::to)
        .containsExactly(
            CircuitState.OPEN, CircuitState.CLOSED, CircuitState.OPEN, CircuitState.CLOSED);
  }

  @Test
  void onlyTheComponentsWhoseCooldownEndedMoveToHalfOpenWithAllTheirPermitsFree() {
    CircuitBreakerRegistry r = registry(new GlobalFuseConfig(true, 0.5, 4), "a", "b", "c", "d");
    trip(r.breaker("a"));
    clock.advance(Duration.ofSeconds(3));
    trip(r.breaker("b")); // 2 of 4 open: a's cooldown ends at 10s, b's at 13s
    r.breaker("c").forceOpen(); // no cooldown ends a forced open
    clock.advance(Duration.ofSeconds(7));

    // a's cooldown has ended: d's call moves a to HALF_OPEN; b and c (2 of 4) keep the fuse open.
    CircuitRejectedException e = rejection(r.breaker("d"));

    assertThat(e.reason()).isEqualTo(Reason.GLOBAL_OPEN);
    assertThat(e.retryAfter()).as("until b's cooldown ends").isEqualTo(Duration.ofSeconds(3));
    assertThat(r.breaker("a").state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(r.breaker("a").describe().get("halfOpen"))
        .isEqualTo(Map.of("inFlight", 0L, "successes", 0L, "failures", 0L));
    assertThat(r.breaker("b").state()).isEqualTo(CircuitState.OPEN);
    assertThat(r.breaker("c").state()).isEqualTo(CircuitState.FORCED_OPEN);

    clock.advance(Duration.ofSeconds(3));
    r.breaker("d").acquire().success(); // b moves too: 1 of 4 open, the fuse closes
    assertThat(r.breaker("b").state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(r.globalFuse().isOpen()).isFalse();
    r.breaker("a").acquire().success();
    assertThat(r.breaker("a").state()).isEqualTo(CircuitState.CLOSED);
  }
}
