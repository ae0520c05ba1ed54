package io.tailguard.spring.autoconfigure;

import io.tailguard.spring.web.ResilienceProblemDetails;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ProblemDetail;

/**
 * Problem-detail responses for rejections, in Spring MVC and WebFlux applications. Off with {@code
 * resilience.web.problem-details=false}.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(ProblemDetail.class)
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty(name = "resilience.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "resilience.web.problem-details", matchIfMissing = true)
public final class ResilienceWebAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ResilienceProblemDetails resilienceProblemDetails() {
    return new ResilienceProblemDetails();
  }
}
