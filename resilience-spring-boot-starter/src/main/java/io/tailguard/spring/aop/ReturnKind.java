package io.tailguard.spring.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;
import org.springframework.util.ClassUtils;

/** How a protected method returns its result, which decides how a call's end is observed. */
enum ReturnKind {
  /** A plain value (or void): the call ends when the method returns. */
  SYNC,
  /** A {@code CompletionStage}: the call ends when the stage completes. */
  STAGE,
  /** A Reactor {@code Mono}: each subscription is one call. */
  MONO,
  /** A Reactor {@code Flux}: each subscription is one call. */
  FLUX;

  static final boolean REACTOR =
      ClassUtils.isPresent("reactor.core.publisher.Mono", ReturnKind.class.getClassLoader());

  static ReturnKind of(Method method) {
    Class<?> type = method.getReturnType();
    if (CompletionStage.class.isAssignableFrom(type)) {
      return STAGE;
    }
    if (REACTOR && ReactorSupport.isMono(type)) {
      return MONO;
    }
    if (REACTOR && ReactorSupport.isFlux(type)) {
      return FLUX;
    }
    return SYNC;
  }
}
