package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.config.YamlConfigWriter;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceConfigBinder;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code config/resilience.yml}, the reference configuration, cannot drift from the schema: it
 * loads with {@link YamlConfigLoader} and through the starter's binding, both to the defaults, and
 * it lists every key the schema has.
 */
class ReferenceConfigTests {

  static final Path REFERENCE = Path.of("..", "config", "resilience.yml");

  @Test
  void itLoadsWithTheCoreLoaderAndEveryValueIsTheDefault() throws IOException {
    assertThat(YamlConfigLoader.load(REFERENCE)).isEqualTo(ResilienceConfig.defaults());
  }

  @Test
  void itListsEveryKeyOfTheSchemaAndNoOther() throws IOException {
    Map<String, Object> reference;
    try (Reader in = Files.newBufferedReader(REFERENCE)) {
      reference = new Yaml().load(in);
    }
    Map<String, Object> schema =
        new Yaml().load(YamlConfigWriter.toYaml(ResilienceConfig.defaults()));
    assertThat(reference).isEqualTo(schema);
  }

  @Test
  void itBindsThroughTheStarterToTheSameConfiguration() throws IOException {
    List<PropertySource<?>> yaml =
        new YamlPropertySourceLoader()
            .load("resilience.yml", new FileSystemResource(REFERENCE.toFile()));
    StandardEnvironment environment = new StandardEnvironment();
    yaml.forEach(environment.getPropertySources()::addFirst);
    assertThat(ResilienceConfigBinder.bind(environment, getClass().getClassLoader()))
        .isEqualTo(ResilienceConfig.defaults());

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
        .withInitializer(c -> yaml.forEach(c.getEnvironment().getPropertySources()::addFirst))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(ResilienceConfig.class))
                  .isEqualTo(ResilienceConfig.defaults());
            });
  }
}
