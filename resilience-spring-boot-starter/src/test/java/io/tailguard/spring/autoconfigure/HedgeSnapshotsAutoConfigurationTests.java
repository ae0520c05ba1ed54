package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 16: learned hedge delays survive a restart when {@code resilience.hedge.snapshot-directory}
 * is set; a corrupt or foreign file is ignored with a warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class HedgeSnapshotsAutoConfigurationTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, HedgeSnapshotsAutoConfiguration.class))
          .withPropertyValues(
              "resilience.hedge.instances.search.delay.strategy=percentile",
              "resilience.hedge.instances.search.delay.warmup-samples=5");

  @TempDir Path dir;

  @Test
  void offUnlessADirectoryIsSet() {
    runner.run(context -> assertThat(context).doesNotHaveBean(HedgeSnapshots.class));
  }

  @Test
  void anApplicationBeanWins() {
    try (HedgerRegistry own = HedgerRegistry.builder().build()) {
      runner
          .withPropertyValues("resilience.hedge.snapshot-directory=" + dir)
          .withBean(
              "mySnapshots",
              HedgeSnapshots.class,
              () -> new HedgeSnapshots(own, dir, Duration.ofHours(1)))
          .run(
              context -> {
                assertThat(context).hasSingleBean(HedgeSnapshots.class);
                assertThat(context).hasBean("mySnapshots");
              });
    }
  }

  @Test
  void learnedDelaysAreSavedOnShutdownAndRestoredOnStart() {
    ApplicationContextRunner withDirectory =
        runner.withPropertyValues("resilience.hedge.snapshot-directory=" + dir);
    withDirectory.run(
        context -> {
          assertThat(context).hasSingleBean(HedgeSnapshots.class);
          Hedger search = context.getBean(HedgerRegistry.class).hedger("search");
          assertThat(search.strategy().isWarm()).isFalse();
          for (int i = 0; i < 10; i++) {
            search.call(ctx -> "x");
          }
          // The strategy folds recorded latencies into its window every recompute interval.
          await().atMost(Duration.ofSeconds(10)).until(() -> search.strategy().isWarm());
        });
    assertThat(dir.resolve("search.hedge")).isRegularFile();
    withDirectory.run(
        context ->
            assertThat(context.getBean(HedgerRegistry.class).hedger("search").strategy().isWarm())
                .isTrue());
  }

  @Test
  void aCorruptFileIsIgnoredWithAWarning(CapturedOutput output) throws Exception {
    Files.write(dir.resolve("search.hedge"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    runner
        .withPropertyValues("resilience.hedge.snapshot-directory=" + dir)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Hedger search = context.getBean(HedgerRegistry.class).hedger("search");
              assertThat(search.strategy().isWarm()).isFalse();
            });
    assertThat(output).contains("Hedger 'search': ignoring an unusable snapshot");
  }

  @Test
  void aForeignFileIsIgnoredWithAWarning(CapturedOutput output) throws Exception {
    Files.writeString(dir.resolve("search.hedge"), "not a snapshot at all, but long enough");
    runner
        .withPropertyValues("resilience.hedge.snapshot-directory=" + dir)
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output).contains("not a hedger snapshot");
  }

  @Test
  void aBlankDirectoryIsRefusedNamingTheProperty() {
    runner
        .withPropertyValues("resilience.hedge.snapshot-directory= ")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("resilience.hedge.snapshot-directory"));
  }
}
