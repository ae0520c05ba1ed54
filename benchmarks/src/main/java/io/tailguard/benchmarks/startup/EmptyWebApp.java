package io.tailguard.benchmarks.startup;

import java.lang.management.ManagementFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An empty Spring MVC application with Actuator, started once per JVM by {@link StartupTime}: it
 * prints one line, {@code READY <ready ms> <uptime ms> <tailguard>}, when ready (Spring's own time
 * from start to ready, the JVM's uptime at that moment, and whether Tailguard's runtime is a bean),
 * then stops. Whether Tailguard's starter takes part depends only on whether its jar is on the
 * class path.
 *
 * <p>Not thread-safe; run from {@code main}.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class EmptyWebApp {

  /**
   * Starts the application on a random port, reports and stops.
   *
   * @param args Spring Boot arguments
   */
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(EmptyWebApp.class);
    app.addListeners(
        (ApplicationReadyEvent ready) ->
            System.out.println(
                "READY "
                    + ready.getTimeTaken().toMillis()
                    + " "
                    + ManagementFactory.getRuntimeMXBean().getUptime()
                    + " "
                    + ready.getApplicationContext().containsBean("resilienceRuntime")));
    ConfigurableApplicationContext context = app.run(args);
    System.exit(SpringApplication.exit(context));
  }
}
