package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import io.tailguard.spring.aop.ResilienceAspects;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every annotated method once the beans exist: a missing fallback method stops the
 * application; a name without its own settings is logged once (it gets the defaults).
 *
 * <p>A method whose attempts run on other threads than the caller's ({@code @Hedged}, or
 * {@code @Retried} returning a stage, a Mono or a Flux) and that is also {@code @Transactional}
 * (Spring's or Jakarta's, on the method or its class) gets a warning: context propagation carries
 * the security context, the MDC, the observation and the request attributes to those threads, but
 * not a transaction, which is bound to one thread. Each attempt runs in a transaction of its own,
 * never in the caller's, and a hedge that loses may still commit.
 *
 * <p>Runs once, on the thread that starts the context.
 */
public final class ResilienceAnnotationsVerifier implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(ResilienceAnnotationsVerifier.class);

  /** Transaction annotations, by name: neither need be on the classpath. */
  private static final List<String> TRANSACTIONAL =
      List.of(
          "org.springframework.transaction.annotation.Transactional",
          "jakarta.transaction.Transactional");

  private final ApplicationContext context;
  private final ResilienceConfig config;
  private final Set<String> unknownBreakers = new TreeSet<>();
  private final Set<String> unknownHedgers = new TreeSet<>();
  private final Set<String> unknownLimiters = new TreeSet<>();
  private final Set<String> unknownPolicies = new TreeSet<>();
  private final Set<String> transactionalOnOtherThreads = new TreeSet<>();

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
      ResilienceAspects.checkHedgeKey(h.key(), m);
      if (!config.hedging().instances().containsKey(h.value())) {
        unknownHedgers.add(h.value());
      }
    }
    boolean otherThreads = h != null || (rt != null && ResilienceAspects.isAsynchronous(m));
    if (otherThreads && isTransactional(userClass, m, publicMethod)) {
      String method = userClass.getName() + "." + m.getName();
      if (transactionalOnOtherThreads.add(method)) {
        log.warn(
            "{} is {} and @Transactional, but a transaction cannot follow its attempts to the"
                + " threads they run on: each attempt runs in a transaction of its own, never in"
                + " the caller's{}. Keep the transaction inside one attempt and make the work"
                + " idempotent, or do not protect this method so (see the starter's"
                + " context-propagation docs)",
            method,
            h != null ? "@Hedged" : "@Retried with an asynchronous return type",
            h != null ? ", and a hedge that loses may still commit" : "");
      }
    }
  }

  private static boolean isTransactional(Class<?> userClass, Method m, boolean publicMethod) {
    MergedAnnotations onMethod =
        MergedAnnotations.from(m, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY);
    MergedAnnotations onClass =
        MergedAnnotations.from(userClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY);
    for (String type : TRANSACTIONAL) {
      if (onMethod.isPresent(type) || (publicMethod && onClass.isPresent(type))) {
        return true;
      }
    }
    return false;
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
   * Returns the methods warned about at start-up: {@code @Transactional}, with attempts on other
   * threads than the caller's.
   *
   * @return the methods, as {@code class.method}, sorted
   */
  public Set<String> transactionalOnOtherThreads() {
    return Set.copyOf(transactionalOnOtherThreads);
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
