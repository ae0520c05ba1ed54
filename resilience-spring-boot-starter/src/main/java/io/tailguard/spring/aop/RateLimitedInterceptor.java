package io.tailguard.spring.aop;

import io.tailguard.core.ratelimit.RateLimitExceededException;
import io.tailguard.core.ratelimit.RateLimiter;
import io.tailguard.core.ratelimit.RateLimiterRegistry;
import io.tailguard.spring.annotation.RateLimited;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Takes a permit before {@link RateLimited} methods run, keyed by the annotation's SpEL expression.
 * Adapts return types only: the limiter decides everything.
 *
 * <p>Thread-safe: parsed expressions are cached per expression text.
 */
final class RateLimitedInterceptor implements MethodInterceptor {

  private static final ExpressionParser PARSER = new SpelExpressionParser();
  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
  private static final ConcurrentMap<String, Expression> EXPRESSIONS = new ConcurrentHashMap<>();
  private static final ReactorSupport.Hooks NO_HOOKS =
      new ReactorSupport.Hooks() {
        @Override
        public void success() {}

        @Override
        public void failure(Throwable t) {}

        @Override
        public void cancel() {}
      };

  private final AnnotationLookup<RateLimited> lookup;
  private final RateLimiterRegistry limiters;
  private final Fallbacks fallbacks;

  RateLimitedInterceptor(
      AnnotationLookup<RateLimited> lookup, RateLimiterRegistry limiters, Fallbacks fallbacks) {
    this.lookup = lookup;
    this.limiters = limiters;
    this.fallbacks = fallbacks;
  }

  /**
   * Parses a key expression, so a bad one fails at start-up.
   *
   * @param expression the expression text
   * @param where the annotated method, for the message
   * @throws IllegalStateException naming the method and the expression if it does not parse
   */
  static void checkKey(String expression, Method where) {
    if (expression.isEmpty()) {
      return;
    }
    try {
      parse(expression);
    } catch (ParseException e) {
      throw new IllegalStateException(
          "@RateLimited(key = \""
              + expression
              + "\") on "
              + where.getDeclaringClass().getSimpleName()
              + "."
              + where.getName()
              + " is not a valid SpEL expression: "
              + e.getMessage(),
          e);
    }
  }

  private static Expression parse(String expression) {
    return EXPRESSIONS.computeIfAbsent(expression, PARSER::parseExpression);
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass =
        target == null ? method.getDeclaringClass() : AopUtils.getTargetClass(target);
    RateLimited annotation = lookup.find(method, targetClass).orElse(null);
    if (annotation == null) {
      return invocation.proceed();
    }
    RateLimiter limiter = limiters.limiter(annotation.value());
    Object[] args = invocation.getArguments();
    String key = key(annotation.key(), target, method, args);
    Fallbacks.Fallback fallback =
        fallbacks.resolve(targetClass, method, annotation.fallbackMethod());
    int permits = annotation.permits();
    switch (ReturnKind.of(method)) {
      case STAGE:
        try {
          limiter.acquireOrThrow(key, permits);
        } catch (RateLimitExceededException e) {
          try {
            return fallback.handle(target, args, e);
          } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
          }
        }
        return invocation.proceed();
      case MONO:
        return ReactorSupport.guardMono(
            invocation.proceed(),
            () -> take(limiter, key, permits),
            e -> recover(fallback, target, args, e));
      case FLUX:
        return ReactorSupport.guardFlux(
            invocation.proceed(),
            () -> take(limiter, key, permits),
            e -> recover(fallback, target, args, e));
      default:
        try {
          limiter.acquireOrThrow(key, permits);
        } catch (RateLimitExceededException e) {
          return fallback.handle(target, args, e);
        }
        return invocation.proceed();
    }
  }

  private static ReactorSupport.Hooks take(RateLimiter limiter, String key, int permits) {
    limiter.acquireOrThrow(key, permits); // a refusal errors this subscription
    return NO_HOOKS;
  }

  private static String key(String expression, Object target, Method method, Object[] args) {
    if (expression.isEmpty()) {
      return "";
    }
    MethodBasedEvaluationContext context =
        new MethodBasedEvaluationContext(target, method, args, NAMES);
    Object value = parse(expression).getValue(context);
    if (value == null) {
      throw new IllegalArgumentException(
          "@RateLimited(key = \""
              + expression
              + "\") on "
              + method.getDeclaringClass().getSimpleName()
              + "."
              + method.getName()
              + " evaluated to null; a rate-limit key must not be null");
    }
    return value.toString();
  }

  private static Object recover(
      Fallbacks.Fallback fallback, Object target, Object[] args, Throwable failure) {
    try {
      return fallback.handle(target, args, failure);
    } catch (Throwable t) {
      throw Sneaky.rethrow(t);
    }
  }
}
