package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import io.tailguard.spring.aop.ResilienceAspects;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.asm.Type;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ReactiveAdapterRegistry;
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
 * <p>An annotated method whose result the aspects cannot follow stops the application with a
 * message naming it and the supported return types: a Kotlin {@code suspend} function, or one
 * returning an RxJava type, a bare {@code Publisher}, a Kotlin {@code Flow}, a {@code Future} that
 * is not a {@code CompletionStage}, or any other type Spring's {@code ReactiveAdapterRegistry}
 * knows. One declared to return {@code Object} gets a warning (a generic method may be erased to
 * it). An annotated private, static or final method, which Spring's proxies cannot intercept, gets
 * a warning too, and so does one its own class calls on itself (self-invocation, found in the
 * class's bytecode), which bypasses the proxy.
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

  private static final String KOTLIN_CONTINUATION = "kotlin.coroutines.Continuation";
  private static final String PUBLISHER = "org.reactivestreams.Publisher";
  private static final String SUPPORTED =
      "Supported return types: a plain value or void, CompletionStage or CompletableFuture,"
          + " Reactor Mono and Flux";

  private final ApplicationContext context;
  private final ResilienceConfig config;
  private final Set<String> unknownBreakers = new TreeSet<>();
  private final Set<String> unknownHedgers = new TreeSet<>();
  private final Set<String> unknownLimiters = new TreeSet<>();
  private final Set<String> unknownPolicies = new TreeSet<>();
  private final Set<String> transactionalOnOtherThreads = new TreeSet<>();
  private final Set<String> notIntercepted = new TreeSet<>();
  private final Set<String> objectReturns = new TreeSet<>();
  private final Set<String> selfInvoked = new TreeSet<>();
  // Annotated methods found so far, by the class that declares them, for the self-invocation scan.
  private final Map<Class<?>, Map<String, String>> annotatedByClass = new LinkedHashMap<>();

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
    annotatedByClass.forEach(this::checkSelfInvocation);
    if (!unknownBreakers.isEmpty()) {
      log.info(
          "Circuit breakers without their own settings use resilience.circuit-breaker.defaults: {}",
          unknownBreakers);
    }
    if (!unknownHedgers.isEmpty()) {
      log.info(
          "Hedgers without their own settings use resilience.hedge.defaults: {}", unknownHedgers);
    }
    if (!unknownPolicies.isEmpty()) {
      log.info(
          "Retry policies not in resilience.retry.policies use the default policy: {}",
          unknownPolicies);
    }
    if (!unknownLimiters.isEmpty()) {
      log.info(
          "Rate limiters without their own settings use resilience.rate-limiter.defaults: {}",
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
    RateLimited rl = checkRateLimited(userClass, m, publicMethod);
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
    List<String> annotations = new ArrayList<>();
    if (rl != null) {
      annotations.add("@RateLimited");
    }
    if (rt != null) {
      annotations.add("@Retried");
    }
    if (h != null) {
      annotations.add("@Hedged");
    }
    if (cp != null) {
      annotations.add("@CircuitProtected");
    }
    if (!annotations.isEmpty()) {
      String method = userClass.getName() + "." + m.getName();
      String what = String.join(" and ", annotations);
      checkReturnType(m, method, what);
      checkInterceptable(m, method, what);
      annotatedByClass
          .computeIfAbsent(m.getDeclaringClass(), c -> new LinkedHashMap<>())
          .put(m.getName() + Type.getMethodDescriptor(m), what);
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

  /**
   * Refuses a method whose result the aspects cannot follow: they would see the call end when the
   * method returns, before the work it describes has run, so nothing would be protected.
   */
  private void checkReturnType(Method m, String method, String what) {
    Class<?>[] parameters = m.getParameterTypes();
    if (parameters.length > 0
        && parameters[parameters.length - 1].getName().equals(KOTLIN_CONTINUATION)) {
      throw new IllegalStateException(
          method
              + " is "
              + what
              + " but is a Kotlin suspend function, which the aspects cannot protect. "
              + SUPPORTED
              + "; declare it returning a Mono (kotlinx-coroutines-reactor's mono { ... }) or a"
              + " plain value");
    }
    Class<?> type = m.getReturnType();
    if (ResilienceAspects.returnKind(m).equals("SYNC") && isReactive(type)) {
      throw new IllegalStateException(
          method
              + " is "
              + what
              + " but returns "
              + type.getName()
              + ", which the aspects cannot protect: the call would end when the method returns,"
              + " before the work it describes has run. "
              + SUPPORTED
              + "; convert it (Mono.from(...), Flux.from(...), or a CompletableFuture)");
    }
    if (type == Object.class && objectReturns.add(method)) {
      log.warn(
          "{} is {} and returns Object: it is protected as a plain value, so if it returns a"
              + " Publisher, an RxJava type or a future, the call ends when the method returns,"
              + " before that work runs. Declare the return type. {}",
          method,
          what,
          SUPPORTED);
    }
  }

  /** Whether the type is asynchronous in a way other than the kinds the aspects follow. */
  private static boolean isReactive(Class<?> type) {
    if (type == Object.class || type == void.class) {
      return false;
    }
    String name = type.getName();
    if (name.startsWith("io.reactivex.")
        || name.startsWith("kotlinx.coroutines.")
        || name.startsWith("io.smallrye.mutiny.")
        || java.util.concurrent.Future.class.isAssignableFrom(type)) {
      return true;
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (implementsNamed(c, PUBLISHER)) {
        return true;
      }
    }
    return ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null;
  }

  private static boolean implementsNamed(Class<?> c, String name) {
    if (c.getName().equals(name)) {
      return true;
    }
    for (Class<?> i : c.getInterfaces()) {
      if (implementsNamed(i, name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Warns about an annotated method Spring's proxies cannot intercept: private, static or final.
   * Calls from inside the same object bypass the proxy as well; {@link #checkSelfInvocation} finds
   * them.
   */
  private void checkInterceptable(Method m, String method, String what) {
    int modifiers = m.getModifiers();
    String why =
        Modifier.isPrivate(modifiers)
            ? "private"
            : Modifier.isStatic(modifiers)
                ? "static"
                : Modifier.isFinal(modifiers) ? "final" : null;
    if (why != null && notIntercepted.add(method)) {
      log.warn(
          "{} is {} but {}: Spring's proxies cannot intercept it, so it runs unprotected. Make it"
              + " public (or protected) and not static or final, and call it through the bean, not"
              + " from inside the same object",
          method,
          what,
          why);
    }
  }

  /**
   * Warns about annotated methods that their own class calls on itself ({@code this.quote()}, or
   * {@code quote()}): such a call does not go through Spring's proxy, so it runs unprotected. Found
   * by reading the class's bytecode; a class file that cannot be read is skipped.
   */
  private void checkSelfInvocation(Class<?> declaring, Map<String, String> annotated) {
    String owner = Type.getInternalName(declaring);
    ClassLoader loader = declaring.getClassLoader();
    if (loader == null) {
      return;
    }
    try (InputStream in = loader.getResourceAsStream(owner + ".class")) {
      if (in == null) {
        return;
      }
      new ClassReader(in)
          .accept(
              new ClassVisitor(SpringAsmInfo.ASM_VERSION) {
                @Override
                public MethodVisitor visitMethod(
                    int access, String caller, String callerDesc, String sig, String[] ex) {
                  return new MethodVisitor(SpringAsmInfo.ASM_VERSION) {
                    @Override
                    public void visitMethodInsn(
                        int opcode, String to, String name, String desc, boolean itf) {
                      String what = annotated.get(name + desc);
                      if (what != null && to.equals(owner) && opcode != Opcodes.INVOKESTATIC) {
                        selfInvoked(declaring, name, what, caller);
                      }
                    }
                  };
                }
              },
              ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    } catch (IOException | RuntimeException e) {
      log.debug("Could not read {} to look for self-invocation", declaring.getName(), e);
    }
  }

  private void selfInvoked(Class<?> declaring, String name, String what, String caller) {
    String method = declaring.getName() + "." + name;
    if (selfInvoked.add(method + " from " + caller)) {
      log.warn(
          "{} is {} but {}.{} calls it on the same object: that call does not go through Spring's"
              + " proxy, so it runs unprotected. Call it through the bean (inject it, or move the"
              + " caller to another bean)",
          method,
          what,
          declaring.getName(),
          caller.startsWith("lambda$") ? caller + " (a lambda)" : caller);
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

  private RateLimited checkRateLimited(Class<?> userClass, Method m, boolean publicMethod) {
    RateLimited r = find(userClass, m, RateLimited.class, publicMethod);
    if (r != null) {
      ResilienceAspects.checkFallback(userClass, m, r.fallbackMethod());
      ResilienceAspects.checkRateLimitKey(r.key(), m);
      if (!config.rateLimiting().instances().containsKey(r.value())) {
        unknownLimiters.add(r.value());
      }
    }
    return r;
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
   * Returns the methods warned about at start-up as not intercepted: annotated, but private, static
   * or final.
   *
   * @return the methods, as {@code class.method}, sorted
   */
  public Set<String> notIntercepted() {
    return Set.copyOf(notIntercepted);
  }

  /**
   * Returns the annotated methods their own class calls on itself, bypassing the proxy.
   *
   * @return entries {@code class.method from caller}, sorted
   */
  public Set<String> selfInvoked() {
    return Set.copyOf(selfInvoked);
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
