package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.Retried;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.transaction.annotation.Transactional;
import reactor.core.publisher.Mono;

/**
 * Issue 16: a transaction cannot follow attempts to other threads, so a method whose attempts run
 * there ({@code @Hedged}, or {@code @Retried} and asynchronous) and that is {@code @Transactional}
 * is named in a warning at start-up. One whose attempts all run on the caller's thread is not.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransactionalAttemptsWarningTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class));

  public static class Orders {
    @Hedged("search")
    @Transactional
    public String hedged() {
      return "x";
    }

    @Retried("default")
    @Transactional
    public CompletableFuture<String> retriedStage() {
      return CompletableFuture.completedFuture("x");
    }

    @Retried("default")
    @Transactional
    public Mono<String> retriedMono() {
      return Mono.just("x");
    }

    /** Retries on the calling thread, each in a transaction of its own: nothing to warn about. */
    @Retried("default")
    @Transactional
    public String retriedBlocking() {
      return "x";
    }

    /** One attempt, on the calling thread. */
    @CircuitProtected("orders")
    @Transactional
    public String protectedOnly() {
      return "x";
    }

    @Hedged("search")
    public String hedgedWithoutTransaction() {
      return "x";
    }
  }

  /** A class-level {@code @Transactional} applies to its public methods. */
  @Transactional
  public static class TransactionalService {
    @Hedged("search")
    public String search() {
      return "x";
    }
  }

  @Test
  void warnsForEachMethodWhoseAttemptsRunOnOtherThreads(CapturedOutput output) {
    runner
        .withBean(Orders.class)
        .withBean(TransactionalService.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ResilienceAnnotationsVerifier v =
                  context.getBean(ResilienceAnnotationsVerifier.class);
              String orders = Orders.class.getName();
              assertThat(v.transactionalOnOtherThreads())
                  .containsExactlyInAnyOrder(
                      orders + ".hedged",
                      orders + ".retriedStage",
                      orders + ".retriedMono",
                      TransactionalService.class.getName() + ".search");
              assertThat(output)
                  .contains(
                      orders
                          + ".hedged is @Hedged and @Transactional, but a transaction cannot"
                          + " follow its attempts")
                  .contains("a hedge that loses may still commit")
                  .contains(
                      orders
                          + ".retriedStage is @Retried with an asynchronous return type and"
                          + " @Transactional")
                  .doesNotContain(orders + ".retriedBlocking is")
                  .doesNotContain(orders + ".protectedOnly is")
                  .doesNotContain(orders + ".hedgedWithoutTransaction is");
            });
  }

  @Test
  void noWarningWithoutTransactionalMethods(CapturedOutput output) {
    runner.run(
        context -> {
          assertThat(
                  context
                      .getBean(ResilienceAnnotationsVerifier.class)
                      .transactionalOnOtherThreads())
              .isEmpty();
          assertThat(output).doesNotContain("@Transactional");
        });
  }
}
