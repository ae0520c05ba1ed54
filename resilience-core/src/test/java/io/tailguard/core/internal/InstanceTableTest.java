package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.UnknownInstanceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
}
