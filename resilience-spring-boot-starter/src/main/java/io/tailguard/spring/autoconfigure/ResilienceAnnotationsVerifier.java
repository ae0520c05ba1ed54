package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import io.tailguard.spring.aop.ResilienceAspects;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every annotated method once the beans exist: a missing fallback method stops the
 * application; a name without its own settings is logged once (it gets the defaults).
 *
 * <p>Runs once, on the thread that starts the context.
 */
public final class ResilienceAnnotationsVerifier implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(ResilienceAnnotationsVerifier.class);

  private final ApplicationContext context;
  private final ResilienceConfig config;
  private final Set<String> unknownBreakers = new TreeSet<>();
  private final Set<String> unknownHedgers = new TreeSet<>();
  private final Set<String> unknownLimiters = new TreeSet<>();
  private final Set<String> unknownPolicies = new TreeSet<>();

  ResilienceAnnotationsVerifier(ApplicationContext context, ResilienceConfig config) {
    this.context = context;
    this.config = config;
  }

  @Override
  public void afterSingletonsInstantiated() {
    for (String name : context.getBeanDefinitionNames()) {
      Class<?> type = context.getType(name, false);
      if (type == null) {
        continue;
      }
      Class<?> userClass = ClassUtils.getUserClass(type);
      if (userClass.getName().startsWith("org.springframework.")) {
        continue;
      }
      ReflectionUtils.doWithMethods(userClass, m -> check(userClass, m));
    }
    if (!unknownBreakers.isEmpty()) {
      log.info(
          "Circuit breakers without their own settings use resilience.circuit-breaker.defaults: {}",
          unknownBreakers);
    }
    if (!unknownHedgers.isEmpty()) {
      log.info(
          "Hedgers without their own settings use resilience.hedging.defaults: {}", unknownHedgers);
    }
    if (!unknownPolicies.isEmpty()) {
      log.info(
          "Retry policies not in resilience.retry.policies use the default policy: {}",
          unknownPolicies);
    }
    if (!unknownLimiters.isEmpty()) {
      log.info(
          "Rate limiters without their own settings use resilience.rate-limiting.defaults: {}",
          unknownLimiters);
    }
  }

  private void check(Class<?> userClass, Method m) {
    if (m.getDeclaringClass() == Object.class || m.isSynthetic() || m.isBridge()) {
      return;
    }
    boolean publicMethod =
        Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers());
    CircuitProtected cp = find(userClass, m, CircuitProtected.class, publicMethod);
    if (cp != null) {
      ResilienceAspects.checkFallback(userClass, m, cp.fallbackMethod());
      if (!config.circuitBreaker().instances().containsKey(cp.value())) {
        unknownBreakers.add(cp.value());
      }
    }
    checkRateLimited(userClass, m, publicMethod);
    Retried rt = find(userClass, m, Retried.class, publicMethod);
    if (rt != null) {
      ResilienceAspects.checkFallback(userClass, m, rt.fallbackMethod());
      if (!config.retry().policies().containsKey(rt.value())) {
        unknownPolicies.add(rt.value());
      }
    }
    Hedged h = find(userClass, m, Hedged.class, publicMethod);
    if (h != null) {
      ResilienceAspects.checkFallback(userClass, m, h.fallbackMethod());
      if (!config.hedging().instances().containsKey(h.value())) {
        unknownHedgers.add(h.value());
      }
    }
  }

  private void checkRateLimited(Class<?> userClass, Method m, boolean publicMethod) {
    RateLimited r = find(userClass, m, RateLimited.class, publicMethod);
    if (r != null) {
      ResilienceAspects.checkFallback(userClass, m, r.fallbackMethod());
      ResilienceAspects.checkRateLimitKey(r.key(), m);
      if (!config.rateLimiting().instances().containsKey(r.value())) {
        unknownLimiters.add(r.value());
      }
    }
  }

  private static <A extends java.lang.annotation.Annotation> A find(
      Class<?> userClass, Method m, Class<A> type, boolean publicMethod) {
    A a = AnnotatedElementUtils.findMergedAnnotation(m, type);
    if (a == null && publicMethod) {
      a = AnnotatedElementUtils.findMergedAnnotation(userClass, type);
    }
    return a;
  }

  /**
   * Returns the breaker names used by annotations without their own settings.
   *
   * @return the names, sorted
   */
  public Set<String> unknownBreakers() {
    return Set.copyOf(unknownBreakers);
  }

  /**
   * Returns the retry policy names used by annotations that no policy has.
   *
   * @return the names, sorted
   */
  public Set<String> unknownPolicies() {
    return Set.copyOf(unknownPolicies);
  }

  /**
   * Returns the rate limiter names used by annotations without their own settings.
   *
   * @return the names, sorted
   */
  public Set<String> unknownLimiters() {
    return Set.copyOf(unknownLimiters);
  }

  /**
   * Returns the hedger names used by annotations without their own settings.
   *
   * @return the names, sorted
   */
  public Set<String> unknownHedgers() {
    return Set.copyOf(unknownHedgers);
  }
}
