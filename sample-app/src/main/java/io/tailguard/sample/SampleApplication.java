package io.tailguard.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Tailguard sample: a quotes API and a search API whose services call a downstream with a heavy
 * latency tail over HTTP, protected by the starter's annotations and tuned in {@code
 * application.yml}. Run it with {@code ./mvnw -pl sample-app -am spring-boot:run}; add {@code
 * -Dspring-boot.run.arguments=--demo} for the demo report (see the README).
 */
@SpringBootApplication
public class SampleApplication {

  /**
   * Starts the application.
   *
   * @param args command-line arguments; {@code --demo} runs the demo and prints its report
   */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
