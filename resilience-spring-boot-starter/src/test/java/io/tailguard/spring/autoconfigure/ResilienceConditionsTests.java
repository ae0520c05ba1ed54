package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.health.HealthCheckResult;
import io.tailguard.core.health.HealthProbe;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.spring.actuate.ResilienceEndpoint;
import io.tailguard.spring.actuate.ResilienceEndpointWebExtension;
import io.tailguard.spring.actuate.ResilienceEventsEndpoint;
import io.tailguard.spring.actuate.ResilienceEventsEndpointWebExtension;
import io.tailguard.spring.actuate.ResilienceHealthContributor;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.aop.CallObserver;
import io.tailguard.spring.aop.ResilienceAdvisor;
import io.tailguard.spring.metrics.ObservationTimerFilter;
import io.tailguard.spring.metrics.RateLimiterMetrics;
import io.tailguard.spring.metrics.ResilienceMetrics;
import io.tailguard.spring.observation.ObservationCallObserver;
import io.tailguard.spring.web.ResilienceProblemDetails;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.aop.Advisor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Every condition and override of the starter's auto-configurations, all of them loaded together
 * with the Boot infrastructure they build on: what turns each part off, and which beans of the
 * application replace ours.
 */
class ResilienceConditionsTests {

  static final AutoConfigurations ALL =
      AutoConfigurations.of(
          ResilienceAutoConfiguration.class,
          ResilienceAspectsAutoConfiguration.class,
          ResilienceHealthAutoConfiguration.class,
          ResilienceEndpointAutoConfiguration.class,
          ResilienceMetricsAutoConfiguration.class,
          ResilienceWebAutoConfiguration.class,
          ResilienceObservationAutoConfiguration.class,
          EndpointAutoConfiguration.class,
          MetricsAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class,
          CompositeMeterRegistryAutoConfiguration.class,
          ObservationAutoConfiguration.class);

  static final String EXPOSE =
      "management.endpoints.web.exposure.include=resilience,resilienceevents";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withConfiguration(ALL).withPropertyValues(EXPOSE);

  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner().withConfiguration(ALL).withPropertyValues(EXPOSE);

  /** Every bean type the starter contributes, for the all-off and all-on checks. */
  static final List<Class<?>> OURS =
      List.of(
          ResilienceConfig.class,
          ResilienceRuntime.class,
          CircuitBreakerRegistry.class,
          HedgerRegistry.class,
          RateLimiterRegistry.class,
          Telemetry.class,
          HealthRegistry.class,
          ManagedExecutor.class,
          DefaultScheduler.class,
          ResilienceAdvisor.class,
          ResilienceAnnotationsVerifier.class,
          ResilienceHealthContributor.class,
          ResilienceEndpoint.class,
          ResilienceEndpointWebExtension.class,
          ResilienceEventsEndpoint.class,
          ResilienceEventsEndpointWebExtension.class,
          ResilienceMetrics.class,
          RateLimiterMetrics.class,
          ObservationTimerFilter.class,
          ResilienceProblemDetails.class,
          CallObserver.class);

  @Test
  void byDefaultEveryPartIsThere() {
    web.run(
        context -> {
          assertThat(context).hasNotFailed();
          for (Class<?> type : OURS) {
            assertThat(context).as(type.getSimpleName()).getBeans(type).isNotEmpty();
          }
          assertThat(context.getBeansOfType(ResilienceAdvisor.class).values())
              .extracting(ResilienceAdvisor::aspect)
              .containsExactlyInAnyOrder("rate-limited", "retried", "hedged", "circuit-protected");
          assertThat(context)
              .getBean(CallObserver.class)
              .isInstanceOf(ObservationCallObserver.class);
        });
  }

  @Test
  void resilienceEnabledFalseTurnsEveryAutoConfigurationOff() {
    web.withPropertyValues("resilience.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              for (Class<?> type : OURS) {
                assertThat(context).as(type.getSimpleName()).doesNotHaveBean(type);
              }
              // Boot's own parts are untouched.
              assertThat(context).hasSingleBean(MeterRegistry.class);
              assertThat(context).hasSingleBean(ObservationRegistry.class);
            });
  }

  /** A bean the application defines, and how to make it from a runtime of its own. */
  static Stream<Arguments> replaceableBeans() {
    return Stream.of(
        replaceable("myConfig", ResilienceConfig.class, r -> r.config()),
        replaceable("myRuntime", ResilienceRuntime.class, r -> r),
        replaceable("myBreakers", CircuitBreakerRegistry.class, r -> r.circuitBreakers()),
        replaceable("myHedgers", HedgerRegistry.class, r -> r.hedgers()),
        replaceable("myLimiters", RateLimiterRegistry.class, r -> r.rateLimiters()),
        replaceable("myTelemetry", Telemetry.class, r -> r.telemetry()),
        replaceable("myHealth", HealthRegistry.class, r -> r.health()),
        replaceable(
            "tailguardScheduler",
            DefaultScheduler.class,
            r -> new DefaultScheduler("mine", Duration.ofSeconds(1))),
        replaceable(
            "tailguardHedgeExecutor",
            ManagedExecutor.class,
            r -> new ManagedExecutor(false, Duration.ofSeconds(1))),
        replaceable(
            "myMetrics",
            ResilienceMetrics.class,
            r -> new ResilienceMetrics(r.circuitBreakers(), null, null, null)),
        replaceable(
            "myLimiterMetrics",
            RateLimiterMetrics.class,
            r -> new RateLimiterMetrics(r.rateLimiters())),
        replaceable(
            "myObservationTimerFilter",
            ObservationTimerFilter.class,
            r -> new ObservationTimerFilter("")),
        replaceable("myEndpoint", ResilienceEndpoint.class, r -> new ResilienceEndpoint(r)),
        replaceable(
            "myWebExtension",
            ResilienceEndpointWebExtension.class,
            r ->
                new ResilienceEndpointWebExtension(
                    new ResilienceEndpoint(r), Show.ALWAYS, List.of())),
        replaceable(
            "myEventsEndpoint",
            ResilienceEventsEndpoint.class,
            r -> new ResilienceEventsEndpoint(r.telemetry())),
        replaceable(
            "myEventsWebExtension",
            ResilienceEventsEndpointWebExtension.class,
            r ->
                new ResilienceEventsEndpointWebExtension(
                    new ResilienceEventsEndpoint(r.telemetry()))),
        replaceable(
            "resilienceHealthContributor",
            ResilienceHealthContributor.class,
            r -> new ResilienceHealthContributor(r.circuitBreakers(), null)),
        replaceable(
            "myProblemDetails",
            ResilienceProblemDetails.class,
            r -> new ResilienceProblemDetails()),
        replaceable(
            "myObserver",
            CallObserver.class,
            r -> new ObservationCallObserver(ObservationRegistry.NOOP, null)));
  }

  static <T> Arguments replaceable(
      String name, Class<T> type, Function<ResilienceRuntime, T> make) {
    return Arguments.of(type.getSimpleName(), name, type, make);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replaceableBeans")
  <T> void theApplicationsOwnBeanReplacesOurs(
      String label, String name, Class<T> type, Function<ResilienceRuntime, T> make) {
    try (ResilienceRuntime mine = ResilienceRuntime.builder().build()) {
      T bean = make.apply(mine);
      web.withBean(name, type, () -> bean)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).hasSingleBean(type);
                assertThat(context.getBean(type)).isSameAs(bean);
              });
    }
  }

  @Test
  void theApplicationsRegistriesAreTheOnesTheAspectsUse() {
    try (ResilienceRuntime mine = ResilienceRuntime.builder().build()) {
      runner
          .withBean("myBreakers", CircuitBreakerRegistry.class, mine::circuitBreakers)
          .withBean("myHedgers", HedgerRegistry.class, mine::hedgers)
          .withBean("myLimiters", RateLimiterRegistry.class, mine::rateLimiters)
          .withBean(Annotated.class)
          .run(
              context -> {
                Annotated a = context.getBean(Annotated.class);
                assertThat(a.all("x")).isEqualTo("x");
                assertThat(mine.circuitBreakers().find("inventory")).isPresent();
                assertThat(mine.hedgers().find("inventory")).isPresent();
                assertThat(mine.rateLimiters().find("inventory")).isPresent();
                assertThat(
                        context
                            .getBean(ResilienceRuntime.class)
                            .circuitBreakers()
                            .find("inventory"))
                    .isEmpty();
              });
    }
  }

  /** A bean using every annotation. */
  public static class Annotated {
    @RateLimited("inventory")
    @Hedged("inventory")
    @CircuitProtected("inventory")
    public String all(String s) {
      return s;
    }
  }

  @Test
  void anAdvisorOfTheSameNameReplacesOurs() {
    runner
        .withBean(
            "hedgedAdvisor",
            ResilienceAdvisor.class,
            () ->
                io.tailguard.spring.aop.ResilienceAspects.hedged(
                    new org.springframework.beans.factory.support.StaticListableBeanFactory()
                        .getBeanProvider(HedgerRegistry.class),
                    new org.springframework.beans.factory.support.StaticListableBeanFactory()
                        .getBeanProvider(CallObserver.class),
                    new org.springframework.beans.factory.support.StaticListableBeanFactory()
                        .getBeanProvider(io.tailguard.spring.aop.AttemptContextPropagator.class),
                    io.tailguard.spring.aop.ResilienceAspects.DEFAULT_ORDER))
        .run(context -> assertThat(context.getBeansOfType(ResilienceAdvisor.class)).hasSize(4));
  }

  @Test
  void problemDetailsOnlyInWebApplicationsAndOnlyIfWanted() {
    runner.run(context -> assertThat(context).doesNotHaveBean(ResilienceProblemDetails.class));
    web.run(context -> assertThat(context).hasSingleBean(ResilienceProblemDetails.class));
    web.withPropertyValues("resilience.web.problem-details=false")
        .run(context -> assertThat(context).doesNotHaveBean(ResilienceProblemDetails.class));
    web.withClassLoader(new FilteredClassLoader(org.springframework.http.ProblemDetail.class))
        .run(context -> assertThat(context).doesNotHaveBean(ResilienceProblemDetails.class));
  }

  @Test
  void metricsOnlyWithAMeterRegistry() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(ResilienceMetrics.class);
          assertThat(context).hasSingleBean(RateLimiterMetrics.class);
        });
    // Micrometer on the classpath but no registry: nothing would read the meters.
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResilienceRuntime.class);
              assertThat(context).doesNotHaveBean(ResilienceMetrics.class);
              assertThat(context).doesNotHaveBean(RateLimiterMetrics.class);
            });
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> assertThat(context).hasSingleBean(ResilienceMetrics.class));
    // Micrometer absent (and so Boot's metrics, which would not load without it).
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ResilienceMetrics.class);
              assertThat(context).doesNotHaveBean(RateLimiterMetrics.class);
            });
  }

  @Test
  void observationsOnlyWithAnObservationRegistry() {
    runner.run(context -> assertThat(context).hasSingleBean(CallObserver.class));
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class,
                ResilienceAspectsAutoConfiguration.class,
                ResilienceObservationAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(CallObserver.class));
    runner
        .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(CallObserver.class);
              assertThat(context).getBeans(ResilienceAdvisor.class).hasSize(4);
            });
  }

  @Test
  void endpointsOnlyWithActuatorAndWhenExposed() {
    runner
        .withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ResilienceEndpoint.class);
              assertThat(context).doesNotHaveBean(ResilienceEventsEndpoint.class);
              assertThat(context).doesNotHaveBean(ResilienceEventsEndpointWebExtension.class);
              assertThat(context).hasSingleBean(ResilienceRuntime.class);
            });
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ResilienceEndpoint.class);
              assertThat(context).doesNotHaveBean(ResilienceEndpointWebExtension.class);
              assertThat(context).doesNotHaveBean(ResilienceEventsEndpoint.class);
              assertThat(context).doesNotHaveBean(ResilienceEventsEndpointWebExtension.class);
            });
    // Over JMX only: the endpoint, without its web extension.
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues(
            "spring.jmx.enabled=true",
            "management.endpoints.jmx.exposure.include=resilience,resilienceevents")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResilienceEventsEndpoint.class);
              assertThat(context).doesNotHaveBean(ResilienceEventsEndpointWebExtension.class);
              assertThat(context).hasSingleBean(ResilienceEndpoint.class);
              assertThat(context).doesNotHaveBean(ResilienceEndpointWebExtension.class);
            });
    runner
        .withPropertyValues("management.endpoint.resilience.access=NONE")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ResilienceEndpoint.class);
              assertThat(context).hasSingleBean(ResilienceEventsEndpoint.class);
            });
  }

  /** The web operations of {@code /actuator/resilience}, as "GET path" and "POST path". */
  static Set<String> resilienceWebOperations(ApplicationContext context) {
    return context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
        .filter(e -> e.getEndpointId().equals(EndpointId.of("resilience")))
        .flatMap(e -> e.getOperations().stream())
        .map(o -> o.getRequestPredicate().getHttpMethod() + " " + o.getRequestPredicate().getPath())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static final Set<String> READS =
      Set.of("GET resilience", "GET resilience/{engine}", "GET resilience/{engine}/{name}");

  static final Set<String> WRITES = Set.of("POST resilience", "POST resilience/{engine}/{name}");

  /** Runs the starter's environment post-processors, as SpringApplication does. */
  static void postProcessEnvironment(ConfigurableApplicationContext context) {
    new ResilienceEndpointAccessDefaults(DeferredLogFactoryForTests.INSTANCE)
        .postProcessEnvironment(context.getEnvironment(), new SpringApplication());
  }

  /** A log factory that logs at once, for post-processors run outside SpringApplication. */
  enum DeferredLogFactoryForTests implements DeferredLogFactory {
    INSTANCE;

    @Override
    public org.apache.commons.logging.Log getLog(
        Supplier<org.apache.commons.logging.Log> destination) {
      return destination.get();
    }
  }

  @Test
  void writeOperationsFollowBootsAccessModelReadOnlyByDefault() {
    WebApplicationContextRunner endpoints =
        web.withConfiguration(AutoConfigurations.of(WebEndpointAutoConfiguration.class))
            .withInitializer(ResilienceConditionsTests::postProcessEnvironment);
    endpoints.run(context -> assertThat(resilienceWebOperations(context)).isEqualTo(READS));
    endpoints
        .withPropertyValues("management.endpoint.resilience.access=UNRESTRICTED")
        .run(
            context ->
                assertThat(resilienceWebOperations(context))
                    .containsAll(READS)
                    .containsAll(WRITES)
                    .hasSize(READS.size() + WRITES.size()));
    endpoints
        .withPropertyValues("management.endpoint.resilience.access=READ_ONLY")
        .run(context -> assertThat(resilienceWebOperations(context)).isEqualTo(READS));
    // Boot's cap applies to ours too.
    endpoints
        .withPropertyValues(
            "management.endpoint.resilience.access=UNRESTRICTED",
            "management.endpoints.access.max-permitted=READ_ONLY")
        .run(context -> assertThat(resilienceWebOperations(context)).isEqualTo(READS));
  }

  @Test
  void theDeprecatedWriteEnabledStillGrantsWriteAccessUnlessAccessIsSet() {
    WebApplicationContextRunner endpoints =
        web.withConfiguration(AutoConfigurations.of(WebEndpointAutoConfiguration.class))
            .withInitializer(ResilienceConditionsTests::postProcessEnvironment);
    endpoints
        .withPropertyValues("resilience.actuator.write-enabled=true")
        .run(context -> assertThat(resilienceWebOperations(context)).containsAll(WRITES));
    endpoints
        .withPropertyValues("resilience.actuator.write-enabled=false")
        .run(context -> assertThat(resilienceWebOperations(context)).isEqualTo(READS));
    // Boot's own property, when set, decides.
    endpoints
        .withPropertyValues(
            "resilience.actuator.write-enabled=true",
            "management.endpoint.resilience.access=READ_ONLY")
        .run(context -> assertThat(resilienceWebOperations(context)).isEqualTo(READS));
    endpoints
        .withPropertyValues(
            "resilience.actuator.write-enabled=true",
            "management.endpoints.access.max-permitted=READ_ONLY")
        .run(context -> assertThat(resilienceWebOperations(context)).isEqualTo(READS));
  }

  /** An application with nothing of its own, for SpringApplication runs. */
  @Configuration(proxyBeanMethods = false)
  static class Empty {}

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void springApplicationMapsTheDeprecatedSwitchAndWarns(CapturedOutput output) {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(Empty.class)
            .web(WebApplicationType.NONE)
            .properties("resilience.actuator.write-enabled=true", "spring.main.banner-mode=off")
            .run()) {
      assertThat(context.getEnvironment().getProperty("management.endpoint.resilience.access"))
          .isEqualTo("UNRESTRICTED");
    }
    assertThat(output)
        .contains(
            "resilience.actuator.write-enabled is deprecated and will be removed: use"
                + " management.endpoint.resilience.access=unrestricted");
  }

  @Test
  void healthOnlyWithBootHealthAndUnlessTurnedOff() {
    runner.run(context -> assertThat(context).hasSingleBean(ResilienceHealthContributor.class));
    runner
        .withPropertyValues("management.health.resilience.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ResilienceHealthContributor.class));
    runner
        .withClassLoader(new FilteredClassLoader(HealthContributor.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ResilienceHealthContributor.class);
            });
  }

  @Test
  void aspectsOnlyWithSpringAop() {
    runner
        .withClassLoader(new FilteredClassLoader(Advisor.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ResilienceAdvisor.class);
              assertThat(context).doesNotHaveBean(ResilienceAnnotationsVerifier.class);
              assertThat(context).hasSingleBean(ResilienceRuntime.class);
            });
  }

  @Test
  void noThreadOfAnyPartOutlivesTheContext() {
    Set<String> before = ResilienceAutoConfigurationTests.tailguardThreads();
    Supplier<HealthProbe> probe = () -> HealthProbe.of("disk", HealthCheckResult::up);
    web.withBean("diskProbe", HealthProbe.class, probe)
        .withBean(Annotated.class)
        .withPropertyValues("resilience.health.interval=50ms", "resilience.health.timeout=40ms")
        .run(
            context -> {
              HealthRegistry health = context.getBean(HealthRegistry.class);
              Awaitility.await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> health.report("disk").lastCheckedAt() != null);
              assertThat(context.getBean(Annotated.class).all("y")).isEqualTo("y");
              context.getBean(MeterRegistry.class).getMeters(); // meters read the engines
              assertThat(ResilienceAutoConfigurationTests.tailguardThreads()).isNotEmpty();
            });
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ResilienceAutoConfigurationTests.tailguardThreads()).isSubsetOf(before));
  }
}
