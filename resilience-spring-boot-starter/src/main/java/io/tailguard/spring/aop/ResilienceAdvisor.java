package io.tailguard.spring.aop;

import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;

/**
 * Applies one of the starter's interceptors to the methods its annotation marks, at its place in
 * the aspect order.
 *
 * <p>Thread-safe once created.
 */
public final class ResilienceAdvisor extends AbstractPointcutAdvisor {

  private static final long serialVersionUID = 1L;

  private final transient AnnotationLookup<?> pointcut;
  private final transient Advice advice;
  private final String aspect;

  ResilienceAdvisor(String aspect, AnnotationLookup<?> pointcut, Advice advice, int order) {
    this.aspect = aspect;
    this.pointcut = pointcut;
    this.advice = advice;
    setOrder(order);
  }

  /**
   * Returns which aspect this is, for example {@code circuit-protected}.
   *
   * @return the aspect name
   */
  public String aspect() {
    return aspect;
  }

  @Override
  public Pointcut getPointcut() {
    return pointcut;
  }

  @Override
  public Advice getAdvice() {
    return advice;
  }
}
