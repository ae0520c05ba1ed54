package io.tailguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.config.ConfigException;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceConfigFailureAnalyzer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

/**
 * Bad input to the starter: every invalid property, fallback method, rate-limit key and aspect
 * order stops the application at start-up with a message naming the property (or the method), what
 * is allowed and what was given. Related cases live next to their feature: {@code
 * ResilienceAutoConfigurationTests} (an invalid value and an unknown key together), {@code
 * ResilienceAspectsTests} (a missing fallback, an unparsable key, a short aspect order, a null key
 * at call time).
 */
class StarterBadInputTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class));

  static List<String> messages(Throwable t) {
    List<String> m = new ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      m.add(c.getMessage());
    }
    return m;
  }

  static ConfigException configException(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    for (Throwable c = context.getStartupFailure(); c != null; c = c.getCause()) {
      if (c instanceof ConfigException e) {
        return e;
      }
    }
    throw new AssertionError("no ConfigException in " + context.getStartupFailure());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          resilience.circuit-breaker.instances.payments.failure-rate-threshold | 0   | must be in (0, 1], was 0
          resilience.circuit-breaker.instances.payments.min-calls | abc | must be a whole number, was 'abc'
          resilience.circuit-breaker.defaults.open-cooldown | soon | must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), was 'soon'
          resilience.circuit-breaker.defaults.open-cooldown | -5s | must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), was '-5s'
          resilience.circuit-breaker.defaults.half-open-trial-timeout | 0s | must be in [1ms, 1d], was 0ms
          resilience.circuit-breaker.defaults.half-open-trial-timeout | -PT1S | must be in [1ms, 1d], was -1s
          resilience.circuit-breaker.instances.payments.half-open-trial-timeout | soon | must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), or auto, was 'soon'
          resilience.circuit-breaker.instances.payments.half-open-trial-timeout | 30 | must be a duration such as 500ms, 10s, 5m, 1h, 2d or ISO-8601 (PT10S), or auto, was '30'
          resilience.circuit-breaker.defaults.record-exceptions[0] | com.example.Missing | must name a class on the classpath, was 'com.example.Missing'
          resilience.rate-limiter.instances.search.capacity | 0 | must be in [1, 1000000000], was 0
          resilience.rate-limiter.backend | mongo | must be one of [memory, redis], was 'mongo'
          resilience.hedge.instances.search.delay.strategy | sometimes | must be one of [fixed, percentile, adaptive, backoff], was 'sometimes'
          resilience.health.failure-threshold | 0 | must be in [1, 1000], was 0
          resilience.retry.policies.default.retryable-methods | GET;POST | must be HTTP method names (letters, digits, - and _), was 'GET;POST' at 0
          resilience.actuator.write-enabled | maybe | must be true or false, was 'maybe'
          resilience.web.problem-details | yes | must be true or false, was 'yes'
          """)
  void anInvalidValueStopsTheApplicationNamingThePropertyTheRangeAndTheValue(
      String property, String value, String problem) {
    runner
        .withPropertyValues(property + "=" + value)
        .run(
            context -> {
              ConfigException e = configException(context);
              assertThat(e.errors())
                  .extracting(x -> x.path() + ": " + x.message())
                  .containsExactly(property + ": " + problem);
              FailureAnalysis analysis =
                  new ResilienceConfigFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("Property: " + property)
                  .contains("Problem: " + problem);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          resilience.circuit-breaker.instances.[bad name!].min-calls=3 | resilience.circuit-breaker.instances.bad name!: instance name must be 1 to 128 letters, digits or . _ - : / starting with a letter or digit, was 'bad name!'
          resilience.hedge.defaults.max-hedge=2 | resilience.hedge.defaults.max-hedge: unknown key (did you mean 'max-hedges'?)
          resilience.actuator.write-enable=true | resilience.actuator.write-enable: unknown key (known: [write-enabled])
          resilience.aspects.ordr=hedged | resilience.aspects.ordr: unknown key (known: [order])
          """)
  void anUnknownKeyOrNameStopsTheApplicationInsteadOfBeingIgnored(String property, String error) {
    runner
        .withPropertyValues(property)
        .run(
            context ->
                assertThat(configException(context).errors())
                    .extracting(x -> x.path() + ": " + x.message())
                    .containsExactly(error));
  }

  /** Issue 16: a broken rule names the YAML keys, and the report says which file and line. */
  @Test
  void aBrokenRuleNamesTheYamlKeysAndTheFileAndLine() {
    TextResourceOrigin origin =
        new TextResourceOrigin(
            new ClassPathResource("application.yml"), new TextResourceOrigin.Location(4, 8));
    runner
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new OriginTrackedMapPropertySource(
                            "application.yml",
                            Map.of(
                                "resilience.retry.policies.default.base-delay",
                                OriginTrackedValue.of("10s", origin)))))
        .run(
            context -> {
              assertThat(configException(context).errors())
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.path()).isEqualTo("resilience.retry.policies.default");
                        assertThat(e.message())
                            .isEqualTo("max-delay must be at least base-delay (10s), was 5s");
                        assertThat(e.origin())
                            .isEqualTo("class path resource [application.yml] - 5:9");
                      });
              assertThat(
                      new ResilienceConfigFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .contains("Property: resilience.retry.policies.default")
                  .contains("Problem: max-delay must be at least base-delay (10s), was 5s")
                  .contains("Origin: class path resource [application.yml] - 5:9")
                  .doesNotContain("maxDelay")
                  .doesNotContain("baseDelay");
            });
  }

  @Test
  void everyInvalidPropertyIsReportedAtOnce() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.instances.payments.failure-rate-threshold=1.5",
            "resilience.rate-limiter.instances.search.capacity=0",
            "resilience.actuator.write-enabled=maybe")
        .run(
            context -> {
              assertThat(configException(context).errors())
                  .extracting(x -> x.path())
                  .containsExactlyInAnyOrder(
                      "resilience.circuit-breaker.instances.payments.failure-rate-threshold",
                      "resilience.rate-limiter.instances.search.capacity",
                      "resilience.actuator.write-enabled");
              assertThat(
                      new ResilienceConfigFailureAnalyzer()
                          .analyze(context.getStartupFailure())
                          .getDescription())
                  .contains("Problem: must be in (0, 1], was 1.5")
                  .contains("Problem: must be in [1, 1000000000], was 0")
                  .contains("Problem: must be true or false, was 'maybe'");
            });
  }

  @Test
  void resilienceEnabledMustBeTrueOrFalseRatherThanSilentlyTurningEverythingOff() {
    runner
        .withPropertyValues("resilience.enabled=maybe")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains("resilience.enabled must be true or false, was 'maybe'");
            });
    runner
        .withPropertyValues("resilience.enabled=FALSE")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("resilienceRuntime"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          rate-limited,retried,hedged,breaker | [rate-limited, retried, hedged, breaker]
          rate-limited,hedged,hedged,circuit-protected | [rate-limited, hedged, hedged, circuit-protected]
          rate-limited,retried,hedged,circuit-protected,hedged | [rate-limited, retried, hedged, circuit-protected, hedged]
          """)
  void anInvalidAspectOrderStopsTheApplicationNamingTheAllowedValues(String order, String shown) {
    runner
        .withPropertyValues("resilience.aspects.order=" + order)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains(
                      "resilience.aspects.order must list each of [rate-limited, retried, hedged,"
                          + " circuit-protected] exactly once, outermost first, was "
                          + shown);
            });
  }

  // Fallback methods: checked when the application starts, not at the first failure.

  /** The fallback's last parameter is not an exception. */
  public static class FallbackNotTakingAnException {
    @CircuitProtected(value = "payments", fallbackMethod = "later")
    public String charge(String order) {
      return order;
    }

    String later(String order, String reason) {
      return reason;
    }
  }

  /** The fallback returns something the method cannot. */
  public static class FallbackReturningTheWrongType {
    @Hedged(value = "search", fallbackMethod = "none")
    public String search(String query) {
      return query;
    }

    Integer none(String query, RuntimeException e) {
      return 0;
    }
  }

  /** The fallback takes other parameters than the method. */
  public static class FallbackWithOtherParameters {
    @RateLimited(value = "search", key = "#apiKey", fallbackMethod = "busy")
    public String search(String apiKey, String query) {
      return query;
    }

    String busy(String apiKey, RateLimitExceededException e) {
      return "busy";
    }
  }

  /** The fallback named on the class does not exist. */
  @CircuitProtected(value = "payments", fallbackMethod = "missing")
  public static class MissingFallbackOnTheClass {
    public String charge(String order) {
      return order;
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          FallbackNotTakingAnException | fallbackMethod 'later' of io.tailguard.spring.StarterBadInputTests$FallbackNotTakingAnException.charge has the wrong signature (found String later(String, String))
          FallbackReturningTheWrongType | fallbackMethod 'none' of io.tailguard.spring.StarterBadInputTests$FallbackReturningTheWrongType.search has the wrong signature (found Integer none(String, RuntimeException))
          FallbackWithOtherParameters | fallbackMethod 'busy' of io.tailguard.spring.StarterBadInputTests$FallbackWithOtherParameters.search has the wrong signature (found String busy(String, RateLimitExceededException))
          MissingFallbackOnTheClass | fallbackMethod 'missing' of io.tailguard.spring.StarterBadInputTests$MissingFallbackOnTheClass.charge does not exist
          """)
  void aFallbackMethodThatDoesNotFitStopsTheApplicationNamingIt(String bean, String message)
      throws ClassNotFoundException {
    Class<?> type = Class.forName(StarterBadInputTests.class.getName() + "$" + bean);
    runner
        .withBean(type)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .startsWith(message)
                              .contains(
                                  "followed by one exception parameter, and returning"
                                      + " java.lang.String"));
            });
  }

  // Rate-limit keys: an expression that cannot work stops the application.

  /** A key reading a variable the method does not have (a typo of {@code #userId}). */
  public static class KeyWithATypo {
    @RateLimited(value = "search", key = "#userid")
    public String search(String userId, String query) {
      return query;
    }
  }

  /** A key reading a parameter index past the last parameter. */
  public static class KeyPastTheLastParameter {
    @RateLimited(value = "search", key = "#p2 + ':' + #unknown")
    public String search(String userId, String query) {
      return query;
    }
  }

  /** A key that does not parse. */
  public static class KeyThatDoesNotParse {
    @RateLimited(value = "search", key = "#request.orgId)")
    public String search(Object request) {
      return "x";
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          KeyWithATypo | @RateLimited(key = "#userid") on KeyWithATypo.search reads [#userid], which is not a parameter of the method; known: [a0, a1, p0, p1, query, root, this, userId]
          KeyPastTheLastParameter | @RateLimited(key = "#p2 + ':' + #unknown") on KeyPastTheLastParameter.search reads [#p2, #unknown], which are not a parameter of the method; known: [a0, a1, p0, p1, query, root, this, userId]
          KeyThatDoesNotParse | @RateLimited(key = "#request.orgId)") on KeyThatDoesNotParse.search is not a valid SpEL expression
          """)
  void anInvalidRateLimitKeyStopsTheApplicationNamingTheMethodAndTheExpression(
      String bean, String message) throws ClassNotFoundException {
    Class<?> type = Class.forName(StarterBadInputTests.class.getName() + "$" + bean);
    runner
        .withBean(type)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .anySatisfy(m -> assertThat(m).startsWith(message));
            });
  }

  /** A key that parses but cannot be evaluated on the argument given. */
  public static class KeyReadingAMissingProperty {
    @RateLimited(value = "search", key = "#request.nope")
    public String search(Object request) {
      return "x";
    }

    @CircuitProtected("bad name!")
    public String badlyNamed() {
      return "x";
    }

    @CircuitProtected(value = "payments", fallbackMethod = "later")
    public String charge() {
      throw new CircuitRejectedException(
          "payments", CircuitRejectedException.Reason.OPEN, java.time.Duration.ofSeconds(1));
    }

    String later(CircuitRejectedException e) {
      return "later";
    }
  }

  @Test
  void aKeyOrNameThatFailsAtCallTimeFailsThatCallClearlyAndTheApplicationGoesOn() {
    runner
        .withBean(KeyReadingAMissingProperty.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              KeyReadingAMissingProperty bean = context.getBean(KeyReadingAMissingProperty.class);
              assertThatThrownBy(() -> bean.search("a string"))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageStartingWith(
                      "@RateLimited(key = \"#request.nope\") on KeyReadingAMissingProperty.search"
                          + " could not be evaluated: EL1008E: Property or field 'nope' cannot be"
                          + " found");
              assertThatThrownBy(bean::badlyNamed)
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage(
                      "circuit breaker name must be 1 to 128 letters, digits or . _ - : / starting"
                          + " with a letter or digit, was 'bad name!'");
              assertThat(bean.charge()).isEqualTo("later");
            });
  }
}
