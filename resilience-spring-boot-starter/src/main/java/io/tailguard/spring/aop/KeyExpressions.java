package io.tailguard.spring.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * The {@code key} attribute of an annotation: a SpEL expression over the method's parameters
 * ({@code #name}, {@code #p0}, {@code #a0}), checked at start-up and evaluated per call.
 *
 * <p>Thread-safe: parsed expressions are cached per expression text.
 */
final class KeyExpressions {

  private static final ExpressionParser PARSER = new SpelExpressionParser();
  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
  private static final ConcurrentMap<String, Expression> EXPRESSIONS = new ConcurrentHashMap<>();

  private final String annotation;
  private final String keyKind;

  /**
   * @param annotation the annotation's simple name, for messages
   * @param keyKind what the key is, for messages (for example {@code rate-limit})
   */
  KeyExpressions(String annotation, String keyKind) {
    this.annotation = annotation;
    this.keyKind = keyKind;
  }

  /**
   * Parses a key expression and checks that every variable it reads is a parameter of the method or
   * {@code #root}/{@code #this}, so a bad one fails at start-up rather than as a {@code null} key
   * on the first call.
   *
   * @param expression the expression text, empty for none
   * @param where the annotated method, for the message
   * @throws IllegalStateException naming the method and the expression if it does not parse or
   *     reads a variable the method does not have
   */
  void check(String expression, Method where) {
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

  /**
   * Evaluates a non-empty key expression for one call.
   *
   * @return the key, never {@code null}
   * @throws IllegalArgumentException naming the method and the expression if it cannot be evaluated
   *     or yields {@code null}
   */
  Object evaluate(String expression, Object target, Method method, Object[] args) {
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
          describe(expression, method)
              + " evaluated to null; a "
              + keyKind
              + " key must not be null");
    }
    return value;
  }

  private String describe(String expression, Method where) {
    return "@"
        + annotation
        + "(key = \""
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
}
