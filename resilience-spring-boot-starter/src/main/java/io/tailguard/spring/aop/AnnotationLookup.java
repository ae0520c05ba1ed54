package io.tailguard.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds an annotation for a method: on the method itself (or the method it overrides), else on its
 * class when the method is public. Results are cached per (method, class).
 *
 * <p>Thread-safe.
 */
final class AnnotationLookup<A extends Annotation> extends StaticMethodMatcherPointcut {

  private final Class<A> type;
  private final Map<Key, Optional<A>> cache = new ConcurrentHashMap<>();

  private record Key(Method method, Class<?> targetClass) {}

  AnnotationLookup(Class<A> type) {
    this.type = type;
  }

  Class<A> type() {
    return type;
  }

  /**
   * The class of the bean an invocation runs on (behind its proxy), or the method's declaring class
   * when there is no target.
   */
  static Class<?> targetClass(MethodInvocation invocation) {
    Object target = invocation.getThis();
    return target == null
        ? invocation.getMethod().getDeclaringClass()
        : AopUtils.getTargetClass(target);
  }

  Optional<A> find(Method method, Class<?> targetClass) {
    return cache.computeIfAbsent(new Key(method, targetClass), k -> lookup(method, targetClass));
  }

  private Optional<A> lookup(Method method, Class<?> targetClass) {
    if (method.getDeclaringClass() == Object.class) {
      return Optional.empty();
    }
    Class<?> userClass =
        targetClass == null ? method.getDeclaringClass() : ClassUtils.getUserClass(targetClass);
    Method specific = AopUtils.getMostSpecificMethod(method, userClass);
    A onMethod = AnnotatedElementUtils.findMergedAnnotation(specific, type);
    if (onMethod == null && specific != method) {
      onMethod = AnnotatedElementUtils.findMergedAnnotation(method, type);
    }
    if (onMethod != null) {
      return Optional.of(onMethod);
    }
    if (Modifier.isPublic(specific.getModifiers()) && !Modifier.isStatic(specific.getModifiers())) {
      A onClass = AnnotatedElementUtils.findMergedAnnotation(userClass, type);
      if (onClass != null) {
        return Optional.of(onClass);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean matches(Method method, Class<?> targetClass) {
    return find(method, targetClass).isPresent();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AnnotationLookup<?> l && l.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }
}
