package io.tailguard.benchmarks.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Measures the start-up time Tailguard's starter adds to an empty web application ({@link
 * EmptyWebApp}: Spring MVC on Tomcat plus Actuator): starts it {@code runs} times in fresh JVMs
 * with the starter's jar on the class path and {@code runs} times without, alternating so that
 * drift hits both alike, and prints the medians of Spring's start-to-ready time and of the JVM's
 * uptime at ready, and their differences.
 *
 * <p>The child JVMs' class path is {@code target/classes} plus the module's dependencies as listed
 * in {@code target/startup-classpath.txt} (written by {@code package}), minus the benchmark-only
 * libraries (JMH, Resilience4j, AspectJ, Bucket4j, Failsafe, JOL, slf4j-nop) so the application is
 * a plain web application; "without" also drops {@code resilience-spring-boot-starter} and {@code
 * resilience-core}. Every child runs with the same JVM, flags and arguments ({@code
 * --server.port=0}, banner and logging quiet).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.tailguard.benchmarks.startup.StartupTime
 * [runs] [target dir]} (defaults 11 and the directory holding this class's jar). Not thread-safe;
 * run from {@code main}.
 */
public final class StartupTime {

  /** Libraries of the benchmarks module that an empty web application would not have. */
  static final List<String> BENCHMARK_ONLY =
      List.of(
          "jmh-",
          "jopt-simple",
          "commons-math3",
          "resilience4j",
          "aspectj",
          "bucket4j",
          "failsafe",
          "jol-core",
          "slf4j-nop");

  /** The starter and what only it brings. */
  static final List<String> TAILGUARD =
      List.of("resilience-spring-boot-starter", "resilience-core", "HdrHistogram");

  private StartupTime() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    Path target = args.length > 1 ? Path.of(args[1]) : defaultTarget();
    List<String> dependencies =
        Arrays.stream(
                Files.readString(target.resolve("startup-classpath.txt"), StandardCharsets.UTF_8)
                    .trim()
                    .split(java.io.File.pathSeparator))
            .filter(e -> BENCHMARK_ONLY.stream().noneMatch(e::contains))
            .toList();
    String classes = target.resolve("classes").toString();
    Map<String, String> classPaths = new LinkedHashMap<>();
    classPaths.put("without Tailguard", join(classes, dependencies, false));
    classPaths.put("with Tailguard", join(classes, dependencies, true));
    if (!classPaths.get("with Tailguard").contains("resilience-spring-boot-starter")) {
      throw new IllegalStateException(
          "the starter is not in " + target.resolve("startup-classpath.txt"));
    }

    Map<String, List<long[]>> samples = new LinkedHashMap<>();
    classPaths.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
    startOnce(classPaths.get("with Tailguard"), true); // warm the file cache for both
    for (int i = 0; i < runs; i++) {
      for (Map.Entry<String, String> variant : classPaths.entrySet()) {
        boolean tailguard = variant.getKey().equals("with Tailguard");
        samples.get(variant.getKey()).add(startOnce(variant.getValue(), tailguard));
      }
      System.err.printf(Locale.ROOT, "run %d of %d done%n", i + 1, runs);
    }

    System.out.printf(
        Locale.ROOT,
        "%nJDK %s, %d runs each, medians%n%n",
        System.getProperty("java.version"),
        runs);
    System.out.println("| variant | start to ready, ms | JVM uptime at ready, ms |");
    System.out.println("|---|---|---|");
    long[] without = medians(samples.get("without Tailguard"));
    long[] with = medians(samples.get("with Tailguard"));
    System.out.printf(Locale.ROOT, "| without Tailguard | %d | %d |%n", without[0], without[1]);
    System.out.printf(Locale.ROOT, "| with Tailguard | %d | %d |%n", with[0], with[1]);
    System.out.printf(
        Locale.ROOT,
        "| added by the starter | %+d | %+d |%n",
        with[0] - without[0],
        with[1] - without[1]);
  }

  private static String join(String classes, List<String> dependencies, boolean tailguard) {
    List<String> entries = new ArrayList<>();
    entries.add(classes);
    for (String e : dependencies) {
      if (tailguard || TAILGUARD.stream().noneMatch(e::contains)) {
        entries.add(e);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /**
   * Starts the application in a fresh JVM and checks that Tailguard took part or not as expected.
   *
   * @return {ready ms, uptime ms}
   */
  static long[] startOnce(String classPath, boolean tailguard)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                classPath,
                EmptyWebApp.class.getName(),
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                "--logging.level.root=warn")
            .redirectErrorStream(true)
            .start();
    List<String> output = new ArrayList<>();
    long[] result = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith("READY ")) {
          String[] f = line.split(" ");
          result = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
          if (Boolean.parseBoolean(f[3]) != tailguard) {
            throw new IllegalStateException(
                "expected Tailguard " + (tailguard ? "on" : "off") + ", was not: " + line);
          }
        }
      }
    }
    int exit = p.waitFor();
    if (result == null || exit != 0) {
      throw new IllegalStateException(
          "the application did not start (exit "
              + exit
              + "):\n"
              + output.stream().collect(Collectors.joining("\n")));
    }
    return result;
  }

  private static long[] medians(List<long[]> samples) {
    return new long[] {median(samples, 0), median(samples, 1)};
  }

  private static long median(List<long[]> samples, int index) {
    long[] v = samples.stream().mapToLong(s -> s[index]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Path defaultTarget() {
    try {
      Path location =
          Path.of(StartupTime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.getParent(); // benchmarks.jar or classes/ both sit in target/
    } catch (URISyntaxException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
