package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.Retried;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceContextPropagationAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceObservationAutoConfiguration;
import io.tailguard.spring.observation.ObservationCallObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Issue 16: the caller's context (SecurityContext, MDC, the current Observation and the trace id it
 * puts in the MDC, the request attributes, the Reactor context) reaches every attempt that runs on
 * another thread: each attempt of a blocking {@code @Hedged} method (all run on the hedge
 * executor), the hedge of a {@code CompletionStage}, a {@code Mono} and a {@code Flux}, and the
 * retry of an asynchronous {@code @Retried} method. The attempt's thread gets its own context back
 * afterwards. Time is a fake clock: each hedge and retry starts when the test advances it, after
 * the caller has left its context.
 */
class AttemptContextPropagationTests {

  static final FakeClock clock = new FakeClock();
  static final Duration HEDGE_DELAY = Duration.ofMillis(100);
  static final Duration RETRY_DELAY = Duration.ofMillis(100);
  static final String ATTEMPT_THREAD = "attempt-thread";

  /** Puts the observation's trace id in the MDC while it is current, as a tracing bridge does. */
  static final ObservationRegistry OBSERVATIONS = ObservationRegistry.create();

  static {
    OBSERVATIONS
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStart(Observation.Context context) {
                context.put("traceId", "trace-" + System.identityHashCode(context));
              }

              @Override
              public void onScopeOpened(Observation.Context context) {
                MDC.put("traceId", context.get("traceId"));
              }

              @Override
              public void onScopeClosed(Observation.Context context) {
                MDC.remove("traceId");
              }
            });
  }

  /** One thread, so the check that an attempt's thread got its own context back sees that one. */
  final ExecutorService attempts =
      Executors.newSingleThreadExecutor(r -> new Thread(r, ATTEMPT_THREAD));

  final ServletRequestAttributes request = newRequest();

  static ServletRequestAttributes newRequest() {
    MockHttpServletRequest servletRequest = new MockHttpServletRequest("GET", "/quotes/ACME");
    servletRequest.setAttribute("route", "/quotes/{symbol}");
    return new ServletRequestAttributes(servletRequest);
  }

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class,
                  ResilienceContextPropagationAutoConfiguration.class,
                  ResilienceAspectsAutoConfiguration.class))
          .withBean("attemptExecutor", ExecutorService.class, () -> attempts)
          .withUserConfiguration(Beans.class)
          .withPropertyValues(
              // blocking: the primary answers, and no hedge comes before the test's end
              "resilience.hedge.instances.blocking.delay.strategy=fixed",
              "resilience.hedge.instances.blocking.delay.delay=1h",
              "resilience.hedge.instances.blocking.timeout=2h",
              // async: the primary never answers; the hedge does, once the clock says
              "resilience.hedge.instances.async.delay.strategy=fixed",
              "resilience.hedge.instances.async.delay.delay=100ms",
              "resilience.hedge.instances.async.max-hedges=1",
              "resilience.hedge.instances.async.timeout=1h",
              // async: the first attempt fails, the retry answers
              "resilience.retry.policies.async.max-attempts=2",
              "resilience.retry.policies.async.base-delay=100ms",
              "resilience.retry.policies.async.max-delay=100ms",
              "resilience.retry.policies.async.jitter=none",
              "resilience.retry.policies.async.budget=off");

  @AfterEach
  void stop() {
    attempts.shutdownNow();
    SecurityContextHolder.clearContext();
    MDC.clear();
    RequestContextHolder.resetRequestAttributes();
  }

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    ContextService contextService() {
      return new ContextService();
    }

    /** The engines on a fake clock and on the one attempt thread. */
    @Bean(destroyMethod = "close")
    ResilienceRuntime resilienceRuntime(ResilienceConfig config, ExecutorService attemptExecutor) {
      return FakeClockRuntime.build(config, clock, attemptExecutor);
    }
  }

  /** What an attempt found on its thread (and, for a Mono or a Flux, in its Reactor context). */
  record Seen(
      String thread,
      @Nullable String user,
      @Nullable String requestId,
      @Nullable String traceId,
      @Nullable Observation observation,
      @Nullable Object route,
      @Nullable String tenant) {

    static Seen here() {
      Authentication a = SecurityContextHolder.getContext().getAuthentication();
      RequestAttributes request = RequestContextHolder.getRequestAttributes();
      return new Seen(
          Thread.currentThread().getName(),
          a == null ? null : a.getName(),
          MDC.get("requestId"),
          MDC.get("traceId"),
          OBSERVATIONS.getCurrentObservation(),
          request == null ? null : request.getAttribute("route", RequestAttributes.SCOPE_REQUEST),
          null);
    }

    Seen in(ContextView view) {
      return new Seen(
          thread, user, requestId, traceId, observation, route, view.getOrDefault("tenant", null));
    }
  }

  /** Methods whose attempts on other threads report what they found there. */
  public static class ContextService {
    private final AtomicInteger retriedCalls = new AtomicInteger();

    private static boolean isHedge() {
      return CurrentAttempt.get().map(AttemptContext::isHedge).orElse(false);
    }

    /** Whether this is the first attempt of a retried call (every odd call, one call at a time). */
    private boolean firstTry() {
      return retriedCalls.incrementAndGet() % 2 == 1;
    }

    @Hedged("blocking")
    public Seen hedgedBlocking() {
      return Seen.here(); // the primary, on the hedge executor
    }

    @Hedged("async")
    public CompletableFuture<Seen> hedgedStage() {
      return isHedge() ? CompletableFuture.completedFuture(Seen.here()) : new CompletableFuture<>();
    }

    @Retried("async")
    public CompletableFuture<Seen> retriedStage() {
      return firstTry()
          ? CompletableFuture.failedFuture(new IllegalStateException("first"))
          : CompletableFuture.completedFuture(Seen.here());
    }

    @Hedged("async")
    public Mono<Seen> hedgedMono() {
      if (!isHedge()) {
        return Mono.never();
      }
      Seen seen = Seen.here(); // the method body, on the hedge's thread
      return Mono.deferContextual(view -> Mono.just(seen.in(view)));
    }

    @Hedged("async")
    public Flux<Seen> hedgedFlux() {
      if (!isHedge()) {
        return Flux.never();
      }
      Seen seen = Seen.here();
      return Flux.deferContextual(view -> Flux.just(seen.in(view), seen.in(view)));
    }

    @Retried("async")
    public Mono<Seen> retriedMono() {
      if (firstTry()) {
        return Mono.error(new IllegalStateException("first"));
      }
      Seen seen = Seen.here();
      return Mono.deferContextual(view -> Mono.just(seen.in(view)));
    }

    @Retried("async")
    public Flux<Seen> retriedFlux() {
      if (firstTry()) {
        return Flux.error(new IllegalStateException("first"));
      }
      Seen seen = Seen.here();
      return Flux.deferContextual(view -> Flux.just(seen.in(view)));
    }
  }

  /** The caller's observation while {@link #asCaller} runs. */
  Observation callerObservation;

  /**
   * Calls {@code body} with every kind of context set on this thread, as a request thread would
   * have it, and clears it all before returning. The request is then complete, as an asynchronous
   * request's first dispatch is once the controller has returned its stage: an attempt that runs
   * later still reads its attributes.
   */
  <T> T asCaller(Callable<T> body) throws Exception {
    SecurityContextHolder.getContext()
        .setAuthentication(new TestingAuthenticationToken("alice", "secret"));
    MDC.put("requestId", "req-42");
    RequestContextHolder.setRequestAttributes(request);
    callerObservation = Observation.start("caller", OBSERVATIONS);
    try (Observation.Scope scope = callerObservation.openScope()) {
      return body.call();
    } finally {
      callerObservation.stop();
      request.requestCompleted();
      SecurityContextHolder.clearContext();
      MDC.clear();
      RequestContextHolder.resetRequestAttributes();
    }
  }

  void assertCallersContext(Seen seen) {
    assertThat(seen.thread()).isEqualTo(ATTEMPT_THREAD);
    assertThat(seen.user()).isEqualTo("alice");
    assertThat(seen.requestId()).isEqualTo("req-42");
    assertThat(seen.observation()).isSameAs(callerObservation);
    assertThat(seen.traceId())
        .isNotNull()
        .isEqualTo(callerObservation.getContext().<String>get("traceId"));
    assertThat(seen.route()).isEqualTo("/quotes/{symbol}");
  }

  /** The attempt's thread has its own (empty) context back once the attempt has ended. */
  void assertTheAttemptThreadIsClean() throws Exception {
    Seen after = attempts.submit(Seen::here).get(10, TimeUnit.SECONDS);
    assertThat(after.thread()).isEqualTo(ATTEMPT_THREAD);
    assertThat(after.user()).isNull();
    assertThat(after.requestId()).isNull();
    assertThat(after.traceId()).isNull();
    assertThat(after.observation()).isNull();
    assertThat(after.route()).isNull();
  }

  <T> T await(CompletableFuture<T> answer, Duration advance) throws Exception {
    clock.advance(advance);
    return answer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBlockingHedgedMethodRunsInTheCallersContext() {
    runner.run(
        context -> {
          ContextService s = context.getBean(ContextService.class);
          Seen seen = asCaller(s::hedgedBlocking);
          assertCallersContext(seen);
          assertTheAttemptThreadIsClean();
        });
  }

  @Test
  void theHedgeOfAStageRunsInTheCallersContext() {
    runner.run(
        context -> {
          ContextService s = context.getBean(ContextService.class);
          CompletableFuture<Seen> answer = asCaller(s::hedgedStage);
          assertCallersContext(await(answer, HEDGE_DELAY));
          assertTheAttemptThreadIsClean();
        });
  }

  @Test
  void theRetryOfAnAsynchronousRetriedMethodRunsInTheCallersContext() {
    runner.run(
        context -> {
          ContextService s = context.getBean(ContextService.class);
          CompletableFuture<Seen> answer = asCaller(s::retriedStage);
          assertCallersContext(await(answer, RETRY_DELAY));
          assertTheAttemptThreadIsClean();
        });
  }

  /** Subscribes as the caller would, with a tenant in the subscriber's Reactor context. */
  <T> CompletableFuture<T> subscribe(Mono<T> mono) throws Exception {
    return asCaller(() -> mono.contextWrite(Context.of("tenant", "acme")).toFuture());
  }

  void assertReactiveAttempts(
      Function<ContextService, CompletableFuture<List<Seen>>> call, Duration advance) {
    runner.run(
        context -> {
          ContextService s = context.getBean(ContextService.class);
          List<Seen> seen = await(call.apply(s), advance);
          assertThat(seen).isNotEmpty();
          for (Seen each : seen) {
            assertCallersContext(each);
            assertThat(each.tenant()).isEqualTo("acme");
          }
          assertTheAttemptThreadIsClean();
        });
  }

  <T> CompletableFuture<List<T>> unchecked(Callable<CompletableFuture<List<T>>> subscription) {
    try {
      return subscription.call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theHedgeOfAMonoRunsInTheCallersContextAndReactorContext() {
    assertReactiveAttempts(
        s -> unchecked(() -> subscribe(s.hedgedMono().map(List::of))), HEDGE_DELAY);
  }

  @Test
  void theHedgeOfAFluxRunsInTheCallersContextAndReactorContext() {
    assertReactiveAttempts(
        s -> unchecked(() -> subscribe(s.hedgedFlux().collectList())), HEDGE_DELAY);
  }

  @Test
  void theRetryOfAMonoRunsInTheCallersContextAndReactorContext() {
    assertReactiveAttempts(
        s -> unchecked(() -> subscribe(s.retriedMono().map(List::of))), RETRY_DELAY);
  }

  @Test
  void theRetryOfAFluxRunsInTheCallersContextAndReactorContext() {
    assertReactiveAttempts(
        s -> unchecked(() -> subscribe(s.retriedFlux().collectList())), RETRY_DELAY);
  }

  @Test
  void anObservationInTheReactorContextIsCurrentInTheAttempt() {
    runner.run(
        context -> {
          ContextService s = context.getBean(ContextService.class);
          // A WebFlux request has its observation in the Reactor context, not on the thread.
          Observation request = Observation.start("request", OBSERVATIONS);
          CompletableFuture<Seen> answer =
              s.hedgedMono().contextWrite(Context.of("micrometer.observation", request)).toFuture();
          Seen seen = await(answer, HEDGE_DELAY);
          request.stop();
          assertThat(seen.thread()).isEqualTo(ATTEMPT_THREAD);
          assertThat(seen.observation()).isSameAs(request);
          assertTheAttemptThreadIsClean();
        });
  }

  @Test
  void withObservedCallsTheCurrentObservationInAnAttemptIsTheHedgedCall() {
    runner
        .withConfiguration(AutoConfigurations.of(ResilienceObservationAutoConfiguration.class))
        .withBean("observationRegistry", ObservationRegistry.class, () -> OBSERVATIONS)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ObservationCallObserver.class);
              ContextService s = context.getBean(ContextService.class);
              Seen seen = asCaller(s::hedgedBlocking);
              assertThat(seen.thread()).isEqualTo(ATTEMPT_THREAD);
              // The attempt's spans are children of the hedged call, itself the caller's child.
              Observation current = seen.observation();
              assertThat(current).isNotNull().isNotSameAs(callerObservation);
              assertThat(current.getContext().getContextualName()).isEqualTo("hedge blocking");
              assertThat(current.getContext().getParentObservation()).isSameAs(callerObservation);
              assertThat(seen.traceId()).isEqualTo(current.getContext().<String>get("traceId"));
              assertThat(seen.user()).isEqualTo("alice");
              assertTheAttemptThreadIsClean();
            });
  }

  @Test
  void withoutThePropagationAutoConfigurationAnAttemptOnAnotherThreadHasNoneOfIt() {
    // The issue as reported: the same call without propagation finds nothing on the executor.
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
        .withBean("attemptExecutor", ExecutorService.class, () -> attempts)
        .withUserConfiguration(Beans.class)
        .withPropertyValues(
            "resilience.hedge.instances.blocking.delay.strategy=fixed",
            "resilience.hedge.instances.blocking.delay.delay=1h")
        .run(
            context -> {
              Seen seen = asCaller(context.getBean(ContextService.class)::hedgedBlocking);
              assertThat(seen.thread()).isEqualTo(ATTEMPT_THREAD);
              assertThat(seen.user()).isNull();
              assertThat(seen.requestId()).isNull();
              assertThat(seen.observation()).isNull();
              assertThat(seen.route()).isNull();
            });
  }

  // ------------------------------------------------------------------------------------------
  // TaskDecorator beans

  static final ThreadLocal<String> TENANT = new ThreadLocal<>();

  /** A decorator as an application writes one: captures on the caller, restores afterwards. */
  static final class TenantDecorator implements TaskDecorator {
    final AtomicInteger decorations = new AtomicInteger();

    @Override
    public Runnable decorate(Runnable runnable) {
      String tenant = TENANT.get();
      decorations.incrementAndGet();
      return () -> {
        String previous = TENANT.get();
        TENANT.set(tenant);
        try {
          runnable.run();
        } finally {
          TENANT.set(previous);
        }
      };
    }
  }

  /** Reads the decorator's thread-local in its attempts. */
  public static class TenantService {
    @Hedged("blocking")
    public String tenant() {
      return Thread.currentThread().getName() + ":" + TENANT.get();
    }

    @Hedged("async")
    public CompletableFuture<String> tenantAsync() {
      return CurrentAttempt.get().map(AttemptContext::isHedge).orElse(false)
          ? CompletableFuture.completedFuture(Thread.currentThread().getName() + ":" + TENANT.get())
          : new CompletableFuture<>();
    }
  }

  @Test
  void theApplicationsTaskDecoratorsCarryTheirContextIntoAttempts() {
    runner
        .withBean(TenantDecorator.class)
        .withBean(TenantService.class)
        .run(
            context -> {
              TenantService s = context.getBean(TenantService.class);
              TenantDecorator decorator = context.getBean(TenantDecorator.class);
              TENANT.set("acme");
              String blocking;
              CompletableFuture<String> async;
              try {
                blocking = s.tenant();
                async = s.tenantAsync();
              } finally {
                TENANT.remove();
              }
              assertThat(blocking).isEqualTo(ATTEMPT_THREAD + ":acme");
              assertThat(await(async, HEDGE_DELAY)).isEqualTo(ATTEMPT_THREAD + ":acme");
              // Once per call, on the caller's thread; the attempt thread gets its value back.
              assertThat(decorator.decorations).hasValue(2);
              assertThat(attempts.submit(TENANT::get).get(10, TimeUnit.SECONDS)).isNull();
            });
  }
}
