package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import kotlin.coroutines.Continuation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue 16: a method the aspects cannot protect says so at start-up. A return type whose work runs
 * after the method returns (a Kotlin suspend function, a bare Publisher, a plain Future) stops the
 * application, naming the method and the supported types; an {@code Object} return, and a private,
 * static or final method (which proxies cannot intercept), get a warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnprotectableMethodsTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class));

  public static class Suspending {
    /** What kotlinc makes of {@code suspend fun quote(id: String): String}. */
    @CircuitProtected("quotes")
    public Object quote(String id, Continuation<? super String> continuation) {
      return "x";
    }
  }

  public static class BarePublisher {
    @Hedged("search")
    public Publisher<String> search(String q) {
      return Mono.just(q);
    }
  }

  public static class PlainFuture {
    @Retried("default")
    public Future<String> load() {
      return CompletableFuture.completedFuture("x");
    }
  }

  public static class CallsItself {
    @CircuitProtected("quotes")
    public String quote(String id) {
      return id;
    }

    @Retried("default")
    public String load() {
      return "x";
    }

    public String twice(String id) {
      return quote(id) + this.quote(id);
    }

    public java.util.function.Supplier<String> later() {
      return () -> load();
    }
  }

  public static class CalledFromOutside {
    @CircuitProtected("quotes")
    public String quote(String id) {
      return id;
    }

    public String other() {
      return "y";
    }
  }

  public static class Supported {
    @Hedged("search")
    public String plain() {
      return "x";
    }

    @Retried("default")
    public void nothing() {}

    @CircuitProtected("quotes")
    public CompletableFuture<String> stage() {
      return CompletableFuture.completedFuture("x");
    }

    @RateLimited("api")
    public Mono<String> mono() {
      return Mono.just("x");
    }

    @Hedged("search")
    public Flux<String> flux() {
      return Flux.just("x");
    }
  }

  public static class Untyped {
    @CircuitProtected("quotes")
    public Object anything() {
      return "x";
    }
  }

  public static class NotIntercepted {
    @CircuitProtected("quotes")
    private String hidden() {
      return "x";
    }

    @Retried("default")
    public static String shared() {
      return "x";
    }

    @Hedged("search")
    public final String fixed() {
      return "x";
    }

    String callsHidden() {
      return hidden();
    }
  }

  @Test
  void aKotlinSuspendFunctionStopsTheStartNamingItAndTheSupportedTypes() {
    runner
        .withBean(Suspending.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        Suspending.class.getName()
                            + ".quote is @CircuitProtected but is a Kotlin suspend function")
                    .hasStackTraceContaining("Supported return types: a plain value or void,"));
  }

  @Test
  void aBarePublisherStopsTheStart() {
    runner
        .withBean(BarePublisher.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        BarePublisher.class.getName()
                            + ".search is @Hedged but returns org.reactivestreams.Publisher,"
                            + " which the aspects cannot protect")
                    .hasStackTraceContaining("Reactor Mono and Flux"));
  }

  @Test
  void aFutureThatIsNoStageStopsTheStart() {
    runner
        .withBean(PlainFuture.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        ".load is @Retried but returns java.util.concurrent.Future"));
  }

  @Test
  void theSupportedTypesStartQuietly(CapturedOutput output) {
    runner
        .withBean(Supported.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(ResilienceAnnotationsVerifier.class).notIntercepted())
                  .isEmpty();
            });
    assertThat(output).doesNotContain("returns Object").doesNotContain("cannot intercept");
  }

  @Test
  void anObjectReturnIsWarnedAbout(CapturedOutput output) {
    runner.withBean(Untyped.class).run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains(Untyped.class.getName() + ".anything is @CircuitProtected and returns Object");
  }

  @Test
  void aMethodItsOwnClassCallsOnItselfIsWarnedAbout(CapturedOutput output) {
    runner
        .withBean(CallsItself.class)
        .withBean(CalledFromOutside.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              String type = CallsItself.class.getName();
              assertThat(context.getBean(ResilienceAnnotationsVerifier.class).selfInvoked())
                  .hasSize(2)
                  .contains(type + ".quote from twice")
                  .anySatisfy(e -> assertThat(e).startsWith(type + ".load from lambda$"));
            });
    assertThat(output)
        .contains(
            CallsItself.class.getName()
                + ".quote is @CircuitProtected but "
                + CallsItself.class.getName()
                + ".twice calls it on the same object")
        .doesNotContain(CalledFromOutside.class.getName() + ".quote is");
  }

  @Test
  void privateStaticAndFinalMethodsAreWarnedAbout(CapturedOutput output) {
    runner
        .withBean(NotIntercepted.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              String type = NotIntercepted.class.getName();
              assertThat(context.getBean(ResilienceAnnotationsVerifier.class).notIntercepted())
                  .containsExactlyInAnyOrder(type + ".fixed", type + ".hidden", type + ".shared");
            });
    assertThat(output)
        .contains(".hidden is @CircuitProtected but private: Spring's proxies cannot intercept it")
        .contains(".shared is @Retried but static")
        .contains(".fixed is @Hedged but final");
  }
}
