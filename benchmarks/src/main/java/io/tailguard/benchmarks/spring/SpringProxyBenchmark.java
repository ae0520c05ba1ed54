package io.tailguard.benchmarks.spring;

import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cost of one succeeding call of an annotated method through its Spring proxy: Tailguard's
 * {@code @CircuitProtected} against Resilience4j's {@code @CircuitBreaker}
 * (resilience4j-spring-boot4 2.4.0), each in a small non-web Spring context built in {@link
 * #setUp()} from its own auto-configuration, with each library's default breaker settings (as a
 * user who only adds the annotation gets them). The method body is trivial, so the score is the
 * proxy plus the library's interceptor, breaker and telemetry.
 *
 * <ul>
 *   <li>{@code direct}: the same method on an instance without a proxy; the floor.
 *   <li>{@code tailguard}: {@code @CircuitProtected("bench")} through the starter's advisor; a
 *       default breaker (10 s window in 10 buckets), a call event to the telemetry hub.
 *   <li>{@code resilience4j}: {@code @CircuitBreaker(name = "bench")} through Resilience4j's
 *       AspectJ aspect; a default breaker (count window of 100 calls).
 * </ul>
 *
 * <p>The contexts are plain {@link AnnotationConfigApplicationContext}s that import exactly the
 * auto-configurations needed ({@link ImportAutoConfiguration}), so nothing depends on the shaded
 * jar's merged {@code spring.factories}. Breakers are shared, so with two threads they contend as
 * in a service. Run both thread counts and get the ratio with {@link SpringProxyComparison}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class SpringProxyBenchmark {

  /** A service protected by Tailguard. */
  public static class TailguardService {
    /**
     * The protected call.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    @CircuitProtected("bench")
    public int call(int x) {
      return x + 1;
    }
  }

  /** A service protected by Resilience4j. */
  public static class Resilience4jService {
    /**
     * The protected call.
     *
     * @param x the input
     * @return {@code x + 1}
     */
    @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "bench")
    public int call(int x) {
      return x + 1;
    }
  }

  /** Tailguard's context: the engines and the aspects. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    ResilienceAutoConfiguration.class,
    ResilienceAspectsAutoConfiguration.class
  })
  public static class TailguardContext {
    @Bean
    TailguardService tailguardService() {
      return new TailguardService();
    }
  }

  /** Resilience4j's context: Spring Boot's AspectJ proxying and Resilience4j's breakers. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    AopAutoConfiguration.class,
    io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration
        .class
  })
  public static class Resilience4jContext {
    @Bean
    Resilience4jService resilience4jService() {
      return new Resilience4jService();
    }
  }

  private AnnotationConfigApplicationContext tailguardContext;
  private AnnotationConfigApplicationContext resilience4jContext;
  private TailguardService direct;
  private TailguardService tailguard;
  private Resilience4jService resilience4j;
  private int value = 42;

  /** Starts both contexts and checks that each service is proxied and protected. */
  @Setup
  public void setUp() {
    tailguardContext = new AnnotationConfigApplicationContext(TailguardContext.class);
    resilience4jContext = new AnnotationConfigApplicationContext(Resilience4jContext.class);
    direct = new TailguardService();
    tailguard = tailguardContext.getBean(TailguardService.class);
    resilience4j = resilience4jContext.getBean(Resilience4jService.class);
    check(AopUtils.isAopProxy(tailguard), "Tailguard's service is not proxied");
    check(AopUtils.isAopProxy(resilience4j), "Resilience4j's service is not proxied");
    tailguard.call(value);
    resilience4j.call(value);
    long tailguardCalls =
        tailguardContext
            .getBean(io.tailguard.core.circuitbreaker.CircuitBreakerRegistry.class)
            .breaker("bench")
            .metrics()
            .successfulCalls();
    int r4jCalls =
        resilience4jContext
            .getBean(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class)
            .circuitBreaker("bench")
            .getMetrics()
            .getNumberOfSuccessfulCalls();
    check(tailguardCalls == 1, "Tailguard's breaker did not see the call: " + tailguardCalls);
    check(r4jCalls == 1, "Resilience4j's breaker did not see the call: " + r4jCalls);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /** Closes both contexts. */
  @TearDown
  public void tearDown() {
    tailguardContext.close();
    resilience4jContext.close();
  }

  @Benchmark
  public int direct() {
    return direct.call(value);
  }

  @Benchmark
  public int tailguard() {
    return tailguard.call(value);
  }

  @Benchmark
  public int resilience4j() {
    return resilience4j.call(value);
  }
}
