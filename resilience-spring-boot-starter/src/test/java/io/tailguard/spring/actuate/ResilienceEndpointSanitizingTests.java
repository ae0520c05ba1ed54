package io.tailguard.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceEndpointAutoConfiguration;
import java.security.Principal;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /actuator/resilience} sanitizes values as Spring Boot's {@code env} and {@code
 * configprops} endpoints do: {@code management.endpoint.resilience.show-values} (never by default,
 * always, when-authorized with {@code .roles}) decides whether values of keys Boot deems sensitive
 * (URIs, passwords, secrets, keys, tokens, credentials) are shown; {@link SanitizingFunction} beans
 * apply; and a URI's password is masked whatever the setting. A change of the Redis URI is logged
 * and answered without its password.
 */
class ResilienceEndpointSanitizingTests {

  static final String URI = "redis://user:secret@127.0.0.1:6379";
  static final String MASKED_PASSWORD = "redis://user:******@127.0.0.1:6379";

  final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  ResilienceEndpointAutoConfiguration.class))
          .withPropertyValues(
              "management.endpoints.web.exposure.include=resilience",
              "resilience.rate-limiter.redis.uri=" + URI);

  static String json(Object value) {
    return JsonMapper.builder().build().writeValueAsString(value);
  }

  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> tree, String... path) {
    Object node = tree;
    for (String key : path) {
      node = ((Map<String, Object>) node).get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  static Object uri(Object config) {
    return at((Map<String, Object>) config, "resilience", "rate-limiter", "redis", "uri");
  }

  static SecurityContext user(String... roles) {
    Principal principal = () -> "operator";
    return new SecurityContext() {
      @Override
      public Principal getPrincipal() {
        return principal;
      }

      @Override
      public boolean isUserInRole(String role) {
        return Set.of(roles).contains(role);
      }
    };
  }

  static ResilienceEndpointWebExtension web(AssertableWebApplicationContext context) {
    return context.getBean(ResilienceEndpointWebExtension.class);
  }

  @Test
  void byDefaultNoValueOfASensitiveKeyIsShownAndTheRestIs() {
    runner.run(
        context -> {
          ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
          Map<String, Object> config = endpoint.engine("config");
          assertThat(uri(config)).isEqualTo("******");
          assertThat(at(config, "resilience", "rate-limiter", "redis", "key-prefix"))
              .isEqualTo("tailguard:rl:");
          assertThat(at(config, "resilience", "circuit-breaker", "defaults", "min-calls"))
              .isEqualTo(20);
          assertThat(json(endpoint.resilience())).doesNotContain("secret").doesNotContain("user:");
          // Only the URI: states, counts and the other settings are what the endpoint is for.
          assertThat(json(endpoint.resilience()).split("\\*\\*\\*\\*\\*\\*", -1)).hasSize(2);
          WebEndpointResponse<Map<String, Object>> overHttp = web(context).resilience(user("ops"));
          assertThat(json(overHttp.getBody())).doesNotContain("secret").doesNotContain("user:");
          assertThat(uri(web(context).engine(user("ops"), "config").getBody())).isEqualTo("******");
        });
  }

  @Test
  void showValuesAlwaysShowsTheUriWithItsPasswordStillMasked() {
    runner
        .withPropertyValues("management.endpoint.resilience.show-values=ALWAYS")
        .run(
            context -> {
              ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
              assertThat(uri(endpoint.engine("config"))).isEqualTo(MASKED_PASSWORD);
              assertThat(json(endpoint.resilience())).doesNotContain("secret");
              assertThat(uri(web(context).engine(SecurityContext.NONE, "config").getBody()))
                  .isEqualTo(MASKED_PASSWORD);
            });
  }

  @Test
  void whenAuthorizedShowsValuesToAUserInOneOfTheRolesOnly() {
    runner
        .withPropertyValues(
            "management.endpoint.resilience.show-values=WHEN_AUTHORIZED",
            "management.endpoint.resilience.roles=ops")
        .run(
            context -> {
              assertThat(uri(web(context).engine(user("ops"), "config").getBody()))
                  .isEqualTo(MASKED_PASSWORD);
              assertThat(uri(web(context).engine(user("dev"), "config").getBody()))
                  .isEqualTo("******");
              assertThat(uri(web(context).engine(SecurityContext.NONE, "config").getBody()))
                  .isEqualTo("******");
              assertThat(uri(web(context).resilience(user("ops")).getBody().get("config")))
                  .isEqualTo(MASKED_PASSWORD);
            });
  }

  @Test
  void sanitizingFunctionBeansApplyToEveryValueByItsPropertyName() {
    runner
        .withBean(
            "hidePrefix",
            SanitizingFunction.class,
            () -> SanitizingFunction.sanitizeValue().ifKeyEndsWith(".key-prefix"))
        .withBean(
            "hideHost",
            SanitizingFunction.class,
            () ->
                ((SanitizingFunction) data -> data.withValue("redis://elsewhere"))
                    .ifKeyEquals("resilience.rate-limiter.redis.uri"))
        .run(
            context -> {
              ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
              Map<String, Object> config = endpoint.engine("config");
              assertThat(at(config, "resilience", "rate-limiter", "redis", "key-prefix"))
                  .isEqualTo("******");
              assertThat(uri(config)).isEqualTo("******"); // never shown by default
            });
    runner
        .withPropertyValues("management.endpoint.resilience.show-values=ALWAYS")
        .withBean(
            "hideHost",
            SanitizingFunction.class,
            () ->
                ((SanitizingFunction) data -> data.withValue("redis://elsewhere"))
                    .ifKeyEquals("resilience.rate-limiter.redis.uri"))
        .run(
            context ->
                assertThat(uri(context.getBean(ResilienceEndpoint.class).engine("config")))
                    .isEqualTo("redis://elsewhere"));
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void aUriChangeIsLoggedAndAnsweredWithoutItsPassword(CapturedOutput output) {
    runner
        .withPropertyValues("management.endpoint.resilience.access=UNRESTRICTED")
        .run(
            context -> {
              ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
              Map<String, Object> answer =
                  endpoint.reconfigure(
                      "resilience:\n  rate-limiter:\n    redis: {uri:"
                          + " 'redis://user:other@127.0.0.1:6380'}\n",
                      null);
              assertThat(answer).containsEntry("applied", true);
              assertThat(json(answer)).doesNotContain("secret").doesNotContain("other");
            });
    assertThat(output)
        .contains(
            "resilience.rate-limiter.redis.uri: redis://user:******@127.0.0.1:6379 ->"
                + " redis://user:******@127.0.0.1:6380")
        .doesNotContain("secret")
        .doesNotContain(":other@");
  }
}
