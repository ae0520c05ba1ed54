package io.tailguard.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registry's customizers shape an instance's settings when it is created and every time a
 * reconfiguration or reload gives it new ones, so that no reload drops a customization.
 */
class RegistryCustomizerTest {

  final FakeClock clock = new FakeClock();

  HedgerRegistry.Builder hedgers() {
    return HedgerRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run);
  }

  static HedgeConfig timeout(HedgeConfig c, Duration t) {
    return c.toBuilder().timeout(t).build();
  }

  @Test
  void appliesAtCreationToNamedAndLookedUpInstances() {
    HedgerRegistry registry =
        hedgers()
            .instance("search", HedgeConfig.defaults().toBuilder().maxHedges(2).build())
            .customizer((name, c) -> name.equals("search") ? timeout(c, Duration.ofSeconds(7)) : c)
            .build();
    assertThat(registry.get("search").config().timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(registry.get("search").config().maxHedges()).isEqualTo(2);
    assertThat(registry.get("other").config()).isEqualTo(HedgeConfig.defaults());
    // The registry keeps the configured settings; the instance shows the result.
    assertThat(registry.defaults()).isEqualTo(HedgeConfig.defaults());
    registry.close();
  }

  @Test
  void customizersRunInOrderEachOnThePreviousResult() {
    HedgerRegistry registry =
        hedgers()
            .customizer((name, c) -> c.toBuilder().maxHedges(3).build())
            .customizer((name, c) -> c.toBuilder().maxHedges(c.maxHedges() + 1).build())
            .build();
    assertThat(registry.get("x").config().maxHedges()).isEqualTo(4);
    registry.close();
  }

  @Test
  void aReconfigurationOrReloadKeepsTheCustomization() {
    HedgerRegistry registry =
        hedgers().customizer((name, c) -> timeout(c, Duration.ofSeconds(7))).build();
    Hedger search = registry.get("search");
    HedgeConfig five = HedgeConfig.defaults().toBuilder().maxHedges(5).build();

    registry.reconfigure("search", five);
    assertThat(search.config().maxHedges()).isEqualTo(5);
    assertThat(search.config().timeout()).isEqualTo(Duration.ofSeconds(7));

    registry.apply(HedgeConfig.defaults().toBuilder().maxHedges(3).build(), Map.of());
    assertThat(registry.get("search")).isSameAs(search);
    assertThat(search.config().maxHedges()).isEqualTo(3);
    assertThat(search.config().timeout()).isEqualTo(Duration.ofSeconds(7));

    registry.reconfigureDefaults(HedgeConfig.defaults());
    assertThat(search.config().maxHedges()).isEqualTo(HedgeConfig.defaults().maxHedges());
    assertThat(search.config().timeout()).isEqualTo(Duration.ofSeconds(7));
    registry.close();
  }

  @Test
  void aCustomizerThatReturnsNothingIsNamedInTheFailure() {
    HedgerRegistry registry = hedgers().customizer((name, c) -> null).build();
    assertThatThrownBy(() -> registry.get("search"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a customizer returned no settings for hedger search");
    registry.close();
  }

  @Test
  void theRuntimeCustomizesAtStartAndAfterApply() {
    try (ResilienceRuntime runtime =
        ResilienceRuntime.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .config(
                YamlConfigLoader.loadString(
                    "resilience:\n"
                        + "  hedge:\n"
                        + "    instances:\n"
                        + "      search:\n"
                        + "        max-hedges: 2\n"))
            .hedgerCustomizer(
                (name, c) -> name.equals("search") ? timeout(c, Duration.ofSeconds(7)) : c)
            .build()) {
      Hedger search = runtime.hedgers().hedger("search");
      assertThat(search.config().timeout()).isEqualTo(Duration.ofSeconds(7));

      runtime.apply(
          YamlConfigLoader.loadString(
              "resilience:\n  hedge:\n    instances:\n      search:\n        max-hedges: 3\n"));
      assertThat(search.config().maxHedges()).isEqualTo(3);
      assertThat(search.config().timeout()).isEqualTo(Duration.ofSeconds(7));
    }
  }
}
