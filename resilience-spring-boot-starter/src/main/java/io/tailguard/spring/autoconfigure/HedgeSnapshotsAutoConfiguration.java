package io.tailguard.spring.autoconfigure;

import io.tailguard.core.hedge.HedgerRegistry;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Keeps learned hedge delays across restarts ({@link HedgeSnapshots}) when {@code
 * resilience.hedge.snapshot-directory} is set.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@Conditional(OnResilienceEnabledCondition.class)
@ConditionalOnProperty("resilience.hedge.snapshot-directory")
@ConditionalOnBean(HedgerRegistry.class)
public final class HedgeSnapshotsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  HedgeSnapshots hedgeSnapshots(HedgerRegistry hedgers, Environment environment) {
    String directory = environment.getRequiredProperty("resilience.hedge.snapshot-directory");
    return new HedgeSnapshots(hedgers, Path.of(directory.trim()), HedgeSnapshots.SAVE_INTERVAL);
  }
}
