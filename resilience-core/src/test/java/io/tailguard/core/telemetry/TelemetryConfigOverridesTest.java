package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.telemetry.TelemetryConfig.InstanceSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The telemetry settings: defaults, per-instance overrides falling back field by field, the limits
 * the builder accepts at their edges, the settings as a map, and equality.
 */
class TelemetryConfigOverridesTest {

  @Test
  void theDefaults() {
    TelemetryConfig d = TelemetryConfig.defaults();
    assertThat(d.eventLogCapacity()).isEqualTo(10_000);
    assertThat(d.recordingCapacity()).isEqualTo(1_000_000);
    assertThat(d.latencyWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.latencyInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.slaTarget()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.costPerAttempt()).isEqualTo(1.0);
    assertThat(d.instances()).isEmpty();
    assertThat(d).isEqualTo(TelemetryConfig.builder().build());
  }

  @Test
  void anOverrideReplacesOnlyTheFieldsItSets() {
    TelemetryConfig c =
        TelemetryConfig.builder()
            .slaTarget(Duration.ofMillis(200))
            .costPerAttempt(3)
            .instance("fast", new InstanceSettings(Duration.ofMillis(20), null))
            .instance("dear", new InstanceSettings(null, 7.5))
            .build();
    assertThat(c.slaTargetOf("fast")).isEqualTo(Duration.ofMillis(20));
    assertThat(c.costPerAttemptOf("fast")).isEqualTo(3.0);
    assertThat(c.slaTargetOf("dear")).isEqualTo(Duration.ofMillis(200));
    assertThat(c.costPerAttemptOf("dear")).isEqualTo(7.5);
    assertThat(c.slaTargetOf("other")).isEqualTo(Duration.ofMillis(200));
    assertThat(c.costPerAttemptOf("other")).isEqualTo(3.0);
    assertThat(c.instances()).containsOnlyKeys("fast", "dear");
  }

  @Test
  void anOverrideWithABadCostIsRefusedByName() {
    assertThatThrownBy(() -> new InstanceSettings(null, -1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("costPerAttempt must be in [0, 1000000000000], was -1");
  }

  @Test
  void toBuilderKeepsEveryFieldAndTheOverrides() {
    TelemetryConfig c =
        TelemetryConfig.builder()
            .eventLogCapacity(5)
            .recordingCapacity(6)
            .latencyWindow(Duration.ofSeconds(30))
            .latencyInterval(Duration.ofSeconds(3))
            .slaTarget(Duration.ofMillis(40))
            .costPerAttempt(2)
            .instance("a", new InstanceSettings(Duration.ofMillis(5), 0.5))
            .build();
    TelemetryConfig copy = c.toBuilder().build();
    assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(copy.recordingCapacity()).isEqualTo(6);
    assertThat(copy.slaTargetOf("a")).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void settingsDifferingInAnyFieldAreNotEqual() {
    TelemetryConfig base = TelemetryConfig.defaults();
    assertThat(base).isEqualTo(base).isNotEqualTo(null).isNotEqualTo("TelemetryConfig");
    assertThat(base.toBuilder().eventLogCapacity(5).build()).isNotEqualTo(base);
    assertThat(base.toBuilder().recordingCapacity(5).build()).isNotEqualTo(base);
    assertThat(base.toBuilder().costPerAttempt(2).build()).isNotEqualTo(base);
    assertThat(base.toBuilder().latencyWindow(Duration.ofSeconds(61)).build()).isNotEqualTo(base);
    assertThat(base.toBuilder().latencyInterval(Duration.ofSeconds(2)).build()).isNotEqualTo(base);
    assertThat(base.toBuilder().slaTarget(Duration.ofSeconds(2)).build()).isNotEqualTo(base);
    assertThat(base.toBuilder().instance("a", new InstanceSettings(null, null)).build())
        .isNotEqualTo(base);
  }

  @Test
  void theBuilderAcceptsTheEdgesOfTheWindowRules() {
    TelemetryConfig equal =
        TelemetryConfig.builder()
            .latencyWindow(Duration.ofSeconds(5))
            .latencyInterval(Duration.ofSeconds(5))
            .build();
    assertThat(equal.latencyInterval()).isEqualTo(equal.latencyWindow());
    TelemetryConfig most =
        TelemetryConfig.builder()
            .latencyWindow(Duration.ofSeconds(3600))
            .latencyInterval(Duration.ofSeconds(1))
            .build();
    assertThat(most.latencyWindow()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(
            () ->
                TelemetryConfig.builder()
                    .latencyWindow(Duration.ofSeconds(3601))
                    .latencyInterval(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latencyWindow / latencyInterval must be at most 3600, was 3601");
  }

  @Test
  void theSettingsAsAMapListOnlyTheOverriddenFieldsOfAnInstance() {
    TelemetryConfig c =
        TelemetryConfig.builder()
            .recordingCapacity(7)
            .instance("b", new InstanceSettings(null, 0.25))
            .instance("a", new InstanceSettings(Duration.ofMillis(15), null))
            .build();
    Map<String, Object> m = c.toMap();
    assertThat(m)
        .containsExactly(
            Map.entry("eventLogCapacity", 10_000),
            Map.entry("recordingCapacity", 7),
            Map.entry("latencyWindow", "1m"),
            Map.entry("latencyInterval", "1s"),
            Map.entry("slaTarget", "1s"),
            Map.entry("costPerAttempt", 1.0),
            Map.entry(
                "instances",
                Map.of("a", Map.of("slaTarget", "15ms"), "b", Map.of("costPerAttempt", 0.25))));
    assertThat(c.toString()).isEqualTo("TelemetryConfig" + m);
  }
}
