package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HedgerPersistenceTest {

  final FakeClock clock = new FakeClock();

  Hedger hedger(HedgeDelayType type) {
    return Hedger.builder("persist")
        .config(
            HedgeConfig.builder()
                .delay(DelayConfig.builder().strategy(type).warmupSamples(50).build())
                .build())
        .clock(clock)
        .scheduler(clock)
        .executor(Runnable::run)
        .build();
  }

  Hedger warmPercentile() {
    Hedger h = hedger(HedgeDelayType.PERCENTILE);
    for (int i = 1; i <= 1000; i++) {
      h.strategy().recordPrimary(i * 100_000L, true); // 0.1ms .. 100ms
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(h.strategy().isWarm()).isTrue();
    return h;
  }

  @Test
  void percentileStateSurvivesARoundTrip() {
    Hedger source = warmPercentile();
    long delay = source.strategy().delayNanos(1);
    byte[] snapshot = source.snapshot();

    Hedger target = hedger(HedgeDelayType.PERCENTILE);
    assertThat(target.strategy().isWarm()).isFalse();
    assertThat(target.restore(snapshot)).isTrue();
    assertThat(target.strategy().isWarm()).isTrue();
    assertThat(target.strategy().delayNanos(1)).isEqualTo(delay);
    assertThat(((PercentileDelay) target.strategy()).windowCount()).isEqualTo(1000);
  }

  @Test
  void adaptiveStateSurvivesARoundTripThroughAFile(@TempDir Path dir) throws IOException {
    Hedger source = hedger(HedgeDelayType.ADAPTIVE);
    for (int i = 0; i < 60; i++) {
      source.strategy().recordPrimary(Duration.ofSeconds(1).toNanos(), true);
    }
    double learned = ((AdaptiveDelay) source.strategy()).learnedDelayNanos();
    Path file = dir.resolve("search.hedge");
    source.saveTo(file);

    Hedger target = hedger(HedgeDelayType.ADAPTIVE);
    assertThat(target.restoreFrom(file)).isTrue();
    AdaptiveDelay restored = (AdaptiveDelay) target.strategy();
    assertThat(restored.learnedDelayNanos()).isEqualTo(learned);
    assertThat(restored.samples()).isEqualTo(60);
    assertThat(restored.isWarm()).isTrue();
  }

  @Test
  void corruptSnapshotsAreIgnoredAndTheStrategyStartsCold() {
    byte[] good = warmPercentile().snapshot();
    Random random = new Random(1);
    for (int i = 0; i < good.length; i++) {
      byte[] corrupt = good.clone();
      corrupt[i] ^= (byte) (1 + random.nextInt(255));
      Hedger target = hedger(HedgeDelayType.PERCENTILE);
      assertThat(target.restore(corrupt)).as("flipped byte %d", i).isFalse();
      assertThat(target.strategy().isWarm()).isFalse();
    }
    for (int n = 0; n < good.length; n += 7) {
      byte[] truncated = java.util.Arrays.copyOf(good, n);
      assertThat(hedger(HedgeDelayType.PERCENTILE).restore(truncated)).isFalse();
    }
    assertThat(hedger(HedgeDelayType.PERCENTILE).restore(null)).isFalse();
    assertThat(hedger(HedgeDelayType.PERCENTILE).restore(new byte[0])).isFalse();
  }

  @Test
  void foreignSnapshotsAreIgnored() {
    byte[] percentile = warmPercentile().snapshot();
    Hedger adaptive = hedger(HedgeDelayType.ADAPTIVE);
    assertThat(adaptive.restore(percentile)).isFalse();
    assertThat(adaptive.strategy().isWarm()).isFalse();
    byte[] text =
        "not a snapshot at all, just some text".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(hedger(HedgeDelayType.PERCENTILE).restore(text)).isFalse();
  }

  @Test
  void missingFileIsIgnored(@TempDir Path dir) {
    assertThat(hedger(HedgeDelayType.PERCENTILE).restoreFrom(dir.resolve("absent"))).isFalse();
    assertThat(Files.exists(dir.resolve("absent"))).isFalse();
  }
}
