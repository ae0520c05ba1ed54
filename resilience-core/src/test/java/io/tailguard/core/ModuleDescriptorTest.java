package io.tailguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.breaker.CircuitBreaker;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's module boundary. The tests run on the class path (they test internal classes), so this
 * one reads the compiled {@code module-info} and compiles a small client on the module path, as a
 * modular application would.
 */
class ModuleDescriptorTest {

  // The core's own dependencies, found on the test class path by jar name.
  private static final Pattern DEPENDENCY =
      Pattern.compile(
          "(slf4j-api|HdrHistogram|jackson-core|jackson-databind|jackson-annotations"
              + "|jackson-dataformat-yaml|snakeyaml-engine)-[0-9].*\\.jar");

  private static Path classes;
  private static ModuleDescriptor descriptor;

  @BeforeAll
  static void readDescriptor() throws URISyntaxException {
    classes =
        Path.of(CircuitBreaker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    descriptor = ModuleFinder.of(classes).find("io.tailguard.core").orElseThrow().descriptor();
  }

  @Test
  void exportsEveryPackageButTheInternalOnes() {
    Set<String> exported =
        descriptor.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    Set<String> api =
        descriptor.packages().stream()
            .filter(p -> !p.equals("io.tailguard.core.internal"))
            .filter(p -> !p.startsWith("io.tailguard.core.internal."))
            .collect(Collectors.toSet());
    assertThat(exported).isEqualTo(api);
    assertThat(descriptor.packages()).contains("io.tailguard.core.internal");
  }

  @Test
  void aModularClientUsesTheApi(@TempDir Path dir) throws IOException {
    List<String> errors =
        compileClient(
            dir,
            """
            package demo;

            import io.tailguard.core.breaker.CircuitBreaker;
            import io.tailguard.core.breaker.CircuitConfig;
            import io.tailguard.core.hedge.HedgeConfig;

            public class Client {
              public static Object[] use() {
                return new Object[] {
                  CircuitBreaker.of("x", CircuitConfig.defaults()), HedgeConfig.defaults()
                };
              }
            }
            """);
    assertThat(errors).isEmpty();
  }

  @Test
  void aModularClientCannotReachTheInternalPackages(@TempDir Path dir) throws IOException {
    List<String> errors =
        compileClient(
            dir,
            """
            package demo;

            public class Client {
              public static Object use() {
                return io.tailguard.core.internal.Validate.notNull("x", "y");
              }
            }
            """);
    assertThat(errors)
        .anySatisfy(e -> assertThat(e).contains("io.tailguard.core.internal").contains("export"));
  }

  private static List<String> compileClient(Path dir, String client) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/demo"));
    Files.writeString(
        dir.resolve("src/module-info.java"), "module demo { requires io.tailguard.core; }");
    Files.writeString(src.resolve("Client.java"), client);
    String modulePath =
        Stream.concat(
                Stream.of(classes.toString()),
                Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(e -> DEPENDENCY.matcher(Path.of(e).getFileName().toString()).matches()))
            .collect(Collectors.joining(File.pathSeparator));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      javac
          .getTask(
              null,
              files,
              diagnostics,
              List.of(
                  "--module-path",
                  modulePath,
                  // In a test JVM javac would take the test class path as its own: none.
                  "--class-path",
                  Files.createDirectories(dir.resolve("none")).toString(),
                  "-d",
                  dir.resolve("out").toString(),
                  "-proc:none"),
              null,
              files.getJavaFileObjects(
                  dir.resolve("src/module-info.java"), src.resolve("Client.java")))
          .call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
        .map(d -> d.getMessage(null))
        .toList();
  }
}
