package io.tailguard.spring.aop;

import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.spring.annotation.RateLimited;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Takes a permit before {@link RateLimited} methods run, keyed by the annotation's SpEL expression.
 * Adapts return types only: the limiter decides everything. A {@code Mono} or {@code Flux} asks for
 * its permit at each subscription without blocking ({@link RateLimiter#acquireAsync}), so on the
 * Redis backend no event loop waits for Redis; plain and {@code CompletionStage} methods take it on
 * the calling thread before the method runs.
 *
 * <p>Thread-safe: parsed expressions are cached per expression text.
 */
final class RateLimitedInterceptor implements MethodInterceptor {

  private static final ExpressionParser PARSER = new SpelExpressionParser();
  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
  private static final ConcurrentMap<String, Expression> EXPRESSIONS = new ConcurrentHashMap<>();

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
   * Parses a key expression and checks that every variable it reads is a parameter of the method
   * ({@code #name}, {@code #p0}, {@code #a0}) or {@code #root}/{@code #this}, so a bad one fails at
   * start-up rather than as a {@code null} key on the first call.
   *
   * @param expression the expression text
   * @param where the annotated method, for the message
   * @throws IllegalStateException naming the method and the expression if it does not parse or
   *     reads a variable the method does not have
   */
  static void checkKey(String expression, Method where) {
    if (expression.isEmpty()) {
      return;
    }
    Expression parsed;
    try {
      parsed = parse(expression);
    } catch (ParseException e) {
      throw new IllegalStateException(
          describe(expression, where) + " is not a valid SpEL expression: " + e.getMessage(), e);
    }
    if (parsed instanceof SpelExpression spel) {
      Set<String> known = variables(where);
      List<String> unknown = new ArrayList<>();
      collectVariables(spel.getAST(), known, unknown);
      if (!unknown.isEmpty()) {
        throw new IllegalStateException(
            describe(expression, where)
                + " reads "
                + unknown
                + ", which "
                + (unknown.size() == 1 ? "is" : "are")
                + " not a parameter of the method; known: "
                + new TreeSet<>(known)
                + (NAMES.getParameterNames(where) == null
                    ? " (parameter names need the -parameters compiler flag; #p0 works without)"
                    : ""));
      }
    }
  }

  private static String describe(String expression, Method where) {
    return "@RateLimited(key = \""
        + expression
        + "\") on "
        + where.getDeclaringClass().getSimpleName()
        + "."
        + where.getName();
  }

  /** The variables a method-based evaluation context defines for {@code method}. */
  private static Set<String> variables(Method method) {
    Set<String> known = new HashSet<>(Set.of("root", "this"));
    String[] names = NAMES.getParameterNames(method);
    for (int i = 0; i < method.getParameterCount(); i++) {
      known.add("p" + i);
      known.add("a" + i);
      if (names != null) {
        known.add(names[i]);
      }
    }
    return known;
  }

  private static void collectVariables(SpelNode node, Set<String> known, List<String> unknown) {
    if (node instanceof VariableReference) {
      String name = node.toStringAST().substring(1); // "#name"
      if (!known.contains(name)) {
        unknown.add("#" + name);
      }
    }
    for (int i = 0; i < node.getChildCount(); i++) {
      collectVariables(node.getChild(i), known, unknown);
    }
  }

  private static Expression parse(String expression) {
    return EXPRESSIONS.computeIfAbsent(expression, PARSER::parseExpression);
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass = AnnotationLookup.targetClass(invocation);
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
        // Asked for without blocking the subscribing thread (an event loop, under WebFlux): on
        // the Redis backend the method's publisher is subscribed when Redis answers.
        return ReactorSupport.gateMono(
            invocation.proceed(),
            () -> limiter.acquireAsync(key, permits, Duration.ZERO),
            e -> fallback.recover(target, args, e));
      case FLUX:
        return ReactorSupport.gateFlux(
            invocation.proceed(),
            () -> limiter.acquireAsync(key, permits, Duration.ZERO),
            e -> fallback.recover(target, args, e));
      default:
        try {
          limiter.acquireOrThrow(key, permits);
        } catch (RateLimitExceededException e) {
          return fallback.handle(target, args, e);
        }
        return invocation.proceed();
    }
  }

  private static String key(String expression, Object target, Method method, Object[] args) {
    if (expression.isEmpty()) {
      return "";
    }
    MethodBasedEvaluationContext context =
        new MethodBasedEvaluationContext(target, method, args, NAMES);
    Object value;
    try {
      value = parse(expression).getValue(context);
    } catch (EvaluationException e) {
      throw new IllegalArgumentException(
          describe(expression, method) + " could not be evaluated: " + e.getMessage(), e);
    }
    if (value == null) {
      throw new IllegalArgumentException(
          describe(expression, method) + " evaluated to null; a rate-limit key must not be null");
    }
    return value.toString();
  }
}
