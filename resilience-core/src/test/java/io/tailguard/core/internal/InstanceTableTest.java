package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.UnknownInstanceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shared instance table of the registries, with a trivial instance type. */
class InstanceTableTest {

  /** An instance whose settings are a string. */
  static final class Thing {
    final String name;
    String config;
    // Completed when the test says the thing's calls in flight have ended.
    final CompletableFuture<Void> retired = new CompletableFuture<>();

    Thing(String name, String config) {
      this.name = name;
      this.config = config;
    }

    Map<String, Object> describe() {
      return Map.of("config", config);
    }
  }

  private final List<String> events = new ArrayList<>();

  private InstanceTable.Builder<Thing, String> builder() {
    return InstanceTable.<Thing, String>builder("thing", "thing registry")
        .defaults("d0")
        .factory(Thing::new)
        .reconfigurer((t, c) -> t.config = c)
        .afterCreate(t -> events.add("created " + t.name))
        .retire(
            t -> {
              events.add("retired " + t.name);
              return t.retired;
            })
        .close(t -> events.add("closed " + t.name));
  }

  @Test
  void lenientLookupCreatesWithTheDefaultsOnceAndRunsAfterCreateBeforeTheHooks() {
    InstanceTable<Thing, String> table = builder().build();
    table.onAdded(t -> events.add("hook " + t.name));
    Thing a = table.get("a");
    assertThat(table.get("a")).isSameAs(a);
    assertThat(a.config).isEqualTo("d0");
    assertThat(events).containsExactly("created a", "hook a");
  }

  @Test
  void strictLookupRefusesUnknownNamesAndPreloadTellsNoHook() {
    InstanceTable<Thing, String> table = builder().strict(true).build();
    table.preload("known", "own");
    assertThat(table.get("known").config).isEqualTo("own");
    assertThatThrownBy(() -> table.get("other"))
        .isInstanceOf(UnknownInstanceException.class)
        .hasMessageContaining("unknown thing 'other'")
        .hasMessageContaining("[known]");
    assertThatThrownBy(() -> table.get("bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(UnknownInstanceException.class);
    assertThat(events).isEmpty();
  }

  @Test
  void reconfigureDefaultsReachesOnlyInstancesWithoutTheirOwnSettings() {
    InstanceTable<Thing, String> table = builder().build();
    table.preload("own", "o1");
    Thing shared = table.get("shared");
    table.reconfigureDefaults("d1");
    assertThat(shared.config).isEqualTo("d1");
    assertThat(table.get("own").config).isEqualTo("o1");
    table.remove("own");
    assertThat(table.get("own").config).isEqualTo("d1");
    assertThat(table.ownConfigs()).isEmpty();
  }

  @Test
  void reconfigureDefaultsCreatesTheEnsuredInstanceOnlyWhileOpen() {
    InstanceTable<Thing, String> table = builder().build();
    table.reconfigureDefaults("d1", "default");
    assertThat(table.find("default")).hasValueSatisfying(t -> assertThat(t.config).isEqualTo("d1"));
    assertThat(events).containsExactly("created default");
    table.remove("default");
    table.close();
    table.reconfigureDefaults("d2", "default");
    assertThat(table.find("default")).isEmpty();
    assertThat(table.defaults()).isEqualTo("d2");
  }

  @Test
  void removeRetiresBeforeTheHooks() {
    InstanceTable<Thing, String> table = builder().build();
    table.get("a");
    table.onRemoved(t -> events.add("hook " + t.name));
    assertThat(table.remove("a")).isPresent();
    assertThat(table.remove("a")).isEmpty();
    assertThat(table.remove(null)).isEmpty();
    assertThat(events).containsExactly("created a", "retired a", "hook a");
  }

  @Test
  void useDefaultsKeepsTheInstanceOfALenientTableOnTheDefaults() {
    InstanceTable<Thing, String> table = builder().build();
    table.preload("own", "o1");
    Thing own = table.get("own");
    Thing shared = table.get("shared");
    table.onRemoved(t -> events.add("hook " + t.name));

    assertThat(table.useDefaults("own")).containsSame(own);
    assertThat(own.config).isEqualTo("d0");
    assertThat(table.get("own")).isSameAs(own);
    assertThat(table.ownConfigs()).isEmpty();
    table.reconfigureDefaults("d1"); // it is one of the instances on the defaults now
    assertThat(own.config).isEqualTo("d1");

    shared.config = "touched";
    assertThat(table.useDefaults("shared")).containsSame(shared); // had no settings of its own
    assertThat(shared.config).isEqualTo("touched");
    assertThat(table.useDefaults("never")).isEmpty();
    assertThat(table.useDefaults(null)).isEmpty();
    assertThat(events).containsExactly("created shared");
  }

  @Test
  void useDefaultsRemovesTheInstanceOfAStrictTable() {
    InstanceTable<Thing, String> table = builder().strict(true).build();
    table.preload("own", "o1");
    table.onRemoved(t -> events.add("hook " + t.name));

    assertThat(table.useDefaults("own")).isEmpty();
    assertThat(table.find("own")).isEmpty();
    assertThatThrownBy(() -> table.get("own")).isInstanceOf(UnknownInstanceException.class);
    assertThat(events).containsExactly("retired own", "hook own");
  }

  @Test
  void closedTableRefusesNewNamesAndNewSettingsAndClosesEveryInstanceOnce() {
    InstanceTable<Thing, String> table = builder().build();
    table.preload("a", "own");
    table.close();
    table.close();
    assertThat(events).containsExactly("closed a");
    assertThatThrownBy(() -> table.get("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the thing registry is closed");
    // Not for a new name (nothing would close that instance), nor for a closed one.
    assertThatThrownBy(() -> table.reconfigure("b", "own"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the thing registry is closed");
    assertThatThrownBy(() -> table.reconfigure("a", "other"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the thing registry is closed");
    assertThat(table.find("b")).isEmpty();
    assertThat(table.get("a").config).isEqualTo("own");
  }

  @Test
  void aRemovedInstanceIsRetiringUntilItsRetirementEndsAndCloseClosesItMeanwhile() {
    InstanceTable<Thing, String> table = builder().build();
    Thing a = table.get("a");
    Thing b = table.get("b");
    table.remove("a");
    table.remove("b");
    assertThat(table.retiring()).containsExactlyInAnyOrder(a, b);
    b.retired.complete(null); // b's calls in flight ended and it closed itself
    assertThat(table.retiring()).containsExactly(a);

    table.close(); // a still has calls in flight: closing the table ends them
    assertThat(events).endsWith("closed a");
    assertThat(events).doesNotContain("closed b");
  }

  @Test
  void applyTouchesOnlyWhatChangedAndPutsDroppedNamesOnTheDefaults() {
    InstanceTable<Thing, String> table = builder().build();
    table.preload("same", "s1");
    table.preload("changed", "c1");
    table.preload("dropped", "x1");
    Thing shared = table.get("shared");
    List<String> reconfigured = new ArrayList<>();
    InstanceTable<Thing, String> watched =
        builder()
            .reconfigurer(
                (t, c) -> {
                  reconfigured.add(t.name + "=" + c);
                  t.config = c;
                })
            .build();
    watched.preload("same", "s1");
    watched.preload("changed", "c1");
    watched.preload("dropped", "x1");
    watched.get("shared");

    watched.apply("d0", Map.of("same", "s1", "changed", "c2", "new", "n1"));

    // Unchanged settings and unchanged defaults: those instances are not touched.
    assertThat(reconfigured).containsExactlyInAnyOrder("changed=c2", "dropped=d0");
    assertThat(watched.find("new")).hasValueSatisfying(t -> assertThat(t.config).isEqualTo("n1"));
    assertThat(watched.ownConfigs()).containsOnlyKeys("same", "changed", "new");
    reconfigured.clear();
    watched.apply("d1", Map.of("same", "s1", "changed", "c2", "new", "n1"));
    assertThat(reconfigured).containsExactlyInAnyOrder("shared=d1", "dropped=d1");

    table.apply("d0", Map.of());
    assertThat(shared.config).isEqualTo("d0");
    assertThat(table.get("dropped").config).isEqualTo("d0");
  }

  @Test
  void reconfigureNamesTheSettingsFieldAndDescribeSortsByName() {
    InstanceTable<Thing, String> table = builder().configField("policy").build();
    assertThatThrownBy(() -> table.reconfigure("a", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy");
    table.get("b");
    table.reconfigure("a", "own");
    assertThat(table.describe(Thing::describe))
        .containsExactly(
            Map.entry("a", Map.of("config", "own")), Map.entry("b", Map.of("config", "d0")));
  }

  @Test
  void viewsAreLiveAndReadOnly() {
    InstanceTable<Thing, String> table = builder().build();
    table.preload("own", "o1");
    Thing shared = table.get("shared");
    assertThat(table.names()).containsExactlyInAnyOrder("own", "shared");
    assertThat(table.values()).hasSize(2).contains(shared);
    assertThat(table.ownConfigs()).containsExactly(Map.entry("own", "o1"));
    assertThatThrownBy(() -> table.names().remove("own"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> table.values().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> table.ownConfigs().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);

    var names = table.names();
    var values = table.values();
    var own = table.ownConfigs();
    table.reconfigure("new", "o2");
    table.remove("shared");
    assertThat(names).containsExactlyInAnyOrder("own", "new");
    assertThat(values).extracting(t -> t.name).containsExactlyInAnyOrder("own", "new");
    assertThat(own).containsOnlyKeys("own", "new");
  }

  @Test
  void isClosedOnceClosed() {
    InstanceTable<Thing, String> table = builder().build();
    assertThat(table.isClosed()).isFalse();
    table.close();
    assertThat(table.isClosed()).isTrue();
  }

  @Test
  void reconfigureCreatesAndTellsTheHooksOrReconfiguresInPlace() {
    List<String> reconfigured = new ArrayList<>();
    InstanceTable<Thing, String> tracked = recording(reconfigured);
    tracked.onAdded(t -> events.add("hook " + t.name));

    Thing a = tracked.reconfigure("a", "own1");
    assertThat(a.config).isEqualTo("own1");
    assertThat(reconfigured).as("a new instance is created with its settings").isEmpty();
    assertThat(events).containsExactly("created a", "hook a");

    assertThat(tracked.reconfigure("a", "own2")).isSameAs(a);
    assertThat(reconfigured).containsExactly("a=own2");
    assertThat(events).as("no hook for an instance reconfigured").hasSize(2);
    assertThat(tracked.ownConfigs()).containsExactly(Map.entry("a", "own2"));
  }

  @Test
  void onAddedTellsOfPresentInstancesThenNewOnesUntilUnsubscribed() {
    InstanceTable<Thing, String> table = builder().build();
    table.preload("p", "o1");
    List<String> seen = new ArrayList<>();
    var subscription = table.onAdded(t -> seen.add(t.name));
    assertThat(seen).containsExactly("p");
    table.get("q");
    assertThat(seen).containsExactly("p", "q");
    subscription.close();
    table.get("r");
    table.reconfigure("s", "own");
    assertThat(seen).containsExactly("p", "q");
  }

  @Test
  void onRemovedTellsUntilUnsubscribed() {
    InstanceTable<Thing, String> table = builder().build();
    table.get("a");
    table.get("b");
    List<String> seen = new ArrayList<>();
    var subscription = table.onRemoved(t -> seen.add(t.name));
    table.remove("a");
    subscription.close();
    table.remove("b");
    assertThat(seen).containsExactly("a");
  }

  @Test
  void useDefaultsInAStrictTableLeavesANameWithoutOwnSettings() {
    InstanceTable<Thing, String> table = builder().strict(true).build();
    table.preloadWithDefaults("shared");
    Thing shared = table.get("shared");
    assertThat(table.useDefaults("shared")).containsSame(shared);
    assertThat(table.get("shared")).isSameAs(shared);
    assertThat(table.useDefaults("never")).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void aNameHeldOnDemandIsKnownButCreatedOnlyByItsFirstLookupWithItsOwnSettings() {
    InstanceTable<Thing, String> table = builder().strict(true).build();
    table.onAdded(t -> events.add("hook " + t.name));
    table.preload("plain", "p1");
    table.preloadOnDemand("held", "h1");

    assertThat(table.names()).containsExactly("plain");
    assertThat(table.values()).extracting(t -> t.name).containsExactly("plain");
    assertThat(table.describe(Thing::describe)).containsOnlyKeys("plain");
    assertThat(table.find("held")).isEmpty();
    assertThat(table.ownConfigs()).containsOnlyKeys("plain", "held");
    assertThatThrownBy(() -> table.get("other"))
        .isInstanceOf(UnknownInstanceException.class)
        .hasMessageContaining("[held, plain]");

    // A strict table serves it: its settings, not the defaults; created once, hooks told.
    Thing held = table.get("held");
    assertThat(held.config).isEqualTo("h1");
    assertThat(table.get("held")).isSameAs(held);
    assertThat(table.names()).containsExactlyInAnyOrder("plain", "held");
    assertThat(events).containsExactly("created held", "hook held");
  }

  @Test
  void findOrCreateHeldCreatesOnlyANameHeldOnDemand() {
    InstanceTable<Thing, String> table = builder().build();
    table.preloadOnDemand("held", "h1");
    assertThat(table.findOrCreateHeld("other")).isEmpty();
    assertThat(table.find("other")).isEmpty();
    assertThat(table.findOrCreateHeld("held"))
        .hasValueSatisfying(t -> assertThat(t.config).isEqualTo("h1"));
    assertThat(table.find("held")).isPresent();
    InstanceTable<Thing, String> closed = builder().build();
    closed.preloadOnDemand("held", "h1");
    closed.close();
    assertThat(closed.findOrCreateHeld("held")).isEmpty();
  }

  @Test
  void reloadsKeepANameHeldUntilLookedUpAndCreateItOnceNoLongerHeld() {
    List<String> reconfigured = new ArrayList<>();
    InstanceTable<Thing, String> table = recording(reconfigured);
    table.preload("plain", "p1");
    table.preloadOnDemand("held", "h1");

    // New settings of a held name without an instance: kept for its creation, nothing created.
    table.apply("d0", Map.of("plain", "p1", "held", "h2", "fresh", "f1"), Set.of("held", "fresh"));
    assertThat(table.names()).containsExactly("plain");
    assertThat(table.ownConfigs()).containsEntry("held", "h2").containsEntry("fresh", "f1");
    assertThat(reconfigured).isEmpty();
    assertThat(events).isEmpty();
    // New defaults do not reach held names' settings.
    table.apply("d1", Map.of("plain", "p1", "held", "h2", "fresh", "f1"), Set.of("held", "fresh"));
    assertThat(table.get("fresh").config).isEqualTo("f1");

    // No longer held: created now, as every configured name is.
    table.apply("d1", Map.of("plain", "p1", "held", "h2", "fresh", "f1"), Set.of());
    Thing held = table.find("held").orElseThrow();
    assertThat(held.config).isEqualTo("h2");
    assertThat(events).containsExactly("created fresh", "created held");

    // Held again once created: it stays, reconfigured in place when its settings change.
    reconfigured.clear();
    table.apply("d1", Map.of("plain", "p1", "held", "h3", "fresh", "f1"), Set.of("held", "fresh"));
    assertThat(table.find("held")).containsSame(held);
    assertThat(reconfigured).containsExactly("held=h3");

    // Dropped while held and never created: its settings go, nothing is created.
    table.preloadOnDemand("gone", "g1");
    table.apply("d1", Map.of("plain", "p1", "held", "h3", "fresh", "f1"), Set.of("held", "fresh"));
    assertThat(table.ownConfigs()).doesNotContainKey("gone");
    assertThat(table.find("gone")).isEmpty();
    assertThat(table.get("gone").config).isEqualTo("d1");
  }

  @Test
  void aStrictTableForgetsAHeldNameItsReloadDrops() {
    InstanceTable<Thing, String> table = builder().strict(true).build();
    table.preloadOnDemand("held", "h1");
    table.apply("d0", Map.of(), Set.of());
    assertThatThrownBy(() -> table.get("held")).isInstanceOf(UnknownInstanceException.class);
    assertThat(events).isEmpty();
  }

  @Test
  void newSettingsForAHeldNameBeingCreatedReachTheNewInstance() throws Exception {
    // The lookup reads the held settings, then its factory waits; a reload then gives the name new
    // settings. Whatever the order, the instance must end up with the new settings.
    CountDownLatch inFactory = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InstanceTable<Thing, String> table = waitingInFactory(inFactory, release);
    table.preloadOnDemand("held", "h1");
    CompletableFuture<Thing> lookup = CompletableFuture.supplyAsync(() -> table.get("held"));
    assertThat(inFactory.await(10, TimeUnit.SECONDS)).isTrue();
    Thread reload =
        new Thread(() -> table.apply("d0", Map.of("held", "h2"), Set.of("held")), "reload");
    reload.start();
    // The reload waits for the insert in progress (an atomic map operation on the same key).
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reload.getState() != Thread.State.RUNNABLE && reload.isAlive());
    release.countDown();
    Thing held = lookup.get(10, TimeUnit.SECONDS);
    reload.join(10_000);
    assertThat(reload.isAlive()).isFalse();
    assertThat(table.find("held")).containsSame(held);
    assertThat(held.config).isEqualTo("h2");
  }

  @Test
  void newDefaultsWhileALookupCreatesWithTheOldOnesReachTheNewInstance() throws Exception {
    // The lookup reads the defaults d0, then its factory waits; the defaults then change to d1.
    // reconfigureDefaults cannot see an instance that is not inserted yet, so the lookup must
    // catch up: the instance ends with d1, not d0.
    CountDownLatch inFactory = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InstanceTable<Thing, String> table = waitingInFactory(inFactory, release);
    CompletableFuture<Thing> lookup = CompletableFuture.supplyAsync(() -> table.get("a"));
    assertThat(inFactory.await(10, TimeUnit.SECONDS)).isTrue();
    table.reconfigureDefaults("d1");
    release.countDown();
    Thing a = lookup.get(10, TimeUnit.SECONDS);
    assertThat(table.find("a")).containsSame(a);
    assertThat(a.config).isEqualTo("d1");
  }

  /** A table whose reconfigurer also writes "name=settings" to {@code reconfigured}. */
  private InstanceTable<Thing, String> recording(List<String> reconfigured) {
    return builder()
        .reconfigurer(
            (t, c) -> {
              reconfigured.add(t.name + "=" + c);
              t.config = c;
            })
        .build();
  }

  /** A table whose factory counts {@code inFactory} down, then waits for {@code release}. */
  private InstanceTable<Thing, String> waitingInFactory(
      CountDownLatch inFactory, CountDownLatch release) {
    return builder()
        .factory(
            (n, c) -> {
              inFactory.countDown();
              await(release);
              return new Thing(n, c);
            })
        .build();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
