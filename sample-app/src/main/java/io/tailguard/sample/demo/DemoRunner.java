package io.tailguard.sample.demo;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.sample.catalog.CatalogReplicas;
import io.tailguard.sample.downstream.Downstream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link Demo} when the application was started with {@code --demo}, once the application
 * is ready (so its readiness is not held back by the demo), on a thread of its own; prints the
 * report, then exits unless {@code demo.exit=false}.
 *
 * <pre>
 * ./mvnw -pl sample-app -am spring-boot:run -Dspring-boot.run.arguments=--demo
 * ./mvnw -pl sample-app -am spring-boot:run -Dspring-boot.run.arguments="--demo --demo.duration=20s"
 * </pre>
 *
 * <p>Thread-safe: the demo runs once, on its own thread; {@link #report()} may be read from any.
 */
@Component
@EnableConfigurationProperties(DemoProperties.class)
public class DemoRunner implements ApplicationListener<ApplicationReadyEvent> {

  private final ConfigurableApplicationContext context;
  private final Environment environment;
  private final Downstream downstream;
  private final CatalogReplicas catalog;
  private final HttpClientRegistry httpClients;
  private final CircuitBreakerRegistry breakers;
  private final HedgerRegistry hedgers;
  private final RateLimiterRegistry limiters;
  private final DemoProperties properties;
  private final ApplicationArguments args;
  // The report, for tests; written once by the demo thread.
  private final AtomicReference<DemoReport> report = new AtomicReference<>();

  public DemoRunner(
      ConfigurableApplicationContext context,
      Environment environment,
      Downstream downstream,
      CatalogReplicas catalogReplicas,
      HttpClientRegistry httpClients,
      CircuitBreakerRegistry breakers,
      HedgerRegistry hedgers,
      RateLimiterRegistry limiters,
      DemoProperties properties,
      ApplicationArguments args) {
    this.context = context;
    this.environment = environment;
    this.downstream = downstream;
    this.catalog = catalogReplicas;
    this.httpClients = httpClients;
    this.breakers = breakers;
    this.hedgers = hedgers;
    this.limiters = limiters;
    this.properties = properties;
    this.args = args;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (!args.containsOption("demo") || event.getApplicationContext() != context) {
      return;
    }
    Thread demo = new Thread(this::runDemo, "demo");
    demo.setDaemon(true);
    demo.start();
  }

  private void runDemo() {
    String host = environment.getProperty("server.address", "127.0.0.1");
    String port = environment.getRequiredProperty("local.server.port");
    try {
      DemoReport result =
          new Demo(
                  URI.create("http://" + host + ":" + port),
                  downstream,
                  catalog,
                  httpClients,
                  breakers,
                  hedgers,
                  limiters,
                  properties,
                  System.out)
              .run();
      report.set(result);
      System.out.print(result.render());
      System.out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (properties.isExit()) {
      System.exit(SpringApplication.exit(context, () -> 0));
    }
  }

  /**
   * The report of the demo run at start-up, once it has ended.
   *
   * @return the report, or null
   */
  public DemoReport report() {
    return report.get();
  }
}
