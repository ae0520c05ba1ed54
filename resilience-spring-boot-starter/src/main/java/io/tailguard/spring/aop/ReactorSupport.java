package io.tailguard.spring.aop;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor adapters, in a class of their own so nothing touches Reactor's types unless Reactor is on
 * the classpath.
 */
final class ReactorSupport {

  private ReactorSupport() {}

  static boolean isMono(Class<?> type) {
    return Mono.class.isAssignableFrom(type);
  }

  static boolean isFlux(Class<?> type) {
    return Flux.class.isAssignableFrom(type);
  }

  /** Hooks one call per subscription: {@code start} runs at subscription. */
  static Object guardMono(
      Object publisher, Supplier<Hooks> start, Function<Throwable, Object> fallback) {
    @SuppressWarnings("unchecked")
    Mono<Object> mono = (Mono<Object>) publisher;
    Mono<Object> guarded =
        Mono.defer(
            () -> {
              Hooks h = start.get();
              return mono.doOnSuccess(v -> h.success()).doOnError(h::failure).doOnCancel(h::cancel);
            });
    return guarded.onErrorResume(e -> asMono(fallback.apply(e)));
  }

  static Object guardFlux(
      Object publisher, Supplier<Hooks> start, Function<Throwable, Object> fallback) {
    @SuppressWarnings("unchecked")
    Flux<Object> flux = (Flux<Object>) publisher;
    Flux<Object> guarded =
        Flux.defer(
            () -> {
              Hooks h = start.get();
              return flux.doOnComplete(h::success).doOnError(h::failure).doOnCancel(h::cancel);
            });
    return guarded.onErrorResume(e -> asFlux(fallback.apply(e)));
  }

  /**
   * Gates each subscription on a permit asked for without blocking: {@code permit} runs at
   * subscription, and the publisher is subscribed once its stage completes (on the thread that
   * completes it, such as a Redis client's); a failed stage errors the subscription instead.
   */
  static Object gateMono(
      Object publisher,
      Supplier<? extends CompletionStage<?>> permit,
      Function<Throwable, Object> fallback) {
    @SuppressWarnings("unchecked")
    Mono<Object> mono = (Mono<Object>) publisher;
    Mono<Object> gated = Mono.defer(() -> Mono.fromCompletionStage(permit.get())).then(mono);
    return gated.onErrorResume(e -> asMono(fallback.apply(e)));
  }

  /** {@link #gateMono} for a Flux. */
  static Object gateFlux(
      Object publisher,
      Supplier<? extends CompletionStage<?>> permit,
      Function<Throwable, Object> fallback) {
    @SuppressWarnings("unchecked")
    Flux<Object> flux = (Flux<Object>) publisher;
    Flux<Object> gated = Mono.defer(() -> Mono.fromCompletionStage(permit.get())).thenMany(flux);
    return gated.onErrorResume(e -> asFlux(fallback.apply(e)));
  }

  /**
   * Runs a Mono through a multi-attempt engine (hedger, retrier): each subscription starts one call
   * whose attempts are subscriptions. The engine subscribes for the first attempt on the
   * subscribing thread and for later ones on its executor (never on its scheduler's thread).
   *
   * <p>Every attempt is subscribed with the subscriber's Reactor context (so what the subscriber
   * put there, an observation or a security context, reaches the attempt's operators and the calls
   * inside it), and an attempt that starts on another thread runs inside the context captured from
   * the subscribing thread and the subscriber's Reactor context ({@code contexts}).
   *
   * @param call calls the engine with the call's captured context and the attempt function
   */
  static Object callMono(
      BiFunction<
              AttemptContexts.Call,
              Function<Object, CompletionStage<Object>>,
              CompletableFuture<Object>>
          call,
      Function<Object, Object> attempt,
      Function<Throwable, Object> fallback,
      AttemptContexts contexts) {
    Mono<Object> hedged =
        engineCall(call, ctx -> ((Mono<?>) attempt.apply(ctx)).map(v -> (Object) v), contexts);
    return hedged.onErrorResume(e -> asMono(fallback.apply(e)));
  }

  /**
   * One engine call per subscription, each attempt subscribed to {@code attempt}'s Mono with the
   * subscriber's Reactor context, inside the context captured at subscription.
   */
  private static Mono<Object> engineCall(
      BiFunction<
              AttemptContexts.Call,
              Function<Object, CompletionStage<Object>>,
              CompletableFuture<Object>>
          call,
      Function<Object, Mono<Object>> attempt,
      AttemptContexts contexts) {
    return Mono.deferContextual(
        view -> {
          AttemptContexts.Call context = contexts.capture(view);
          return Mono.fromFuture(
              context.start(
                  () ->
                      call.apply(
                          context, ctx -> attempt.apply(ctx).contextWrite(view).toFuture())));
        });
  }

  /**
   * The same for a Flux: each attempt is collected, and the answering attempt's elements are
   * replayed.
   */
  static Object callFlux(
      BiFunction<
              AttemptContexts.Call,
              Function<Object, CompletionStage<Object>>,
              CompletableFuture<Object>>
          call,
      Function<Object, Object> attempt,
      Function<Throwable, Object> fallback,
      AttemptContexts contexts) {
    Flux<Object> hedged =
        engineCall(
                call,
                ctx -> ((Flux<?>) attempt.apply(ctx)).collectList().map(l -> (Object) l),
                contexts)
            .flatMapMany(list -> Flux.fromIterable((List<?>) list).map(v -> (Object) v));
    return hedged.onErrorResume(e -> asFlux(fallback.apply(e)));
  }

  /**
   * Observes a Mono: each subscription is one call, started at subscription (its parent taken from
   * the subscriber's context under {@code contextKey}) and put into the context of the publisher it
   * wraps.
   */
  static Object observeMono(
      Object publisher,
      Function<Object, CallObserver.ObservedCall> start,
      Object contextKey,
      Function<Throwable, String> outcome) {
    @SuppressWarnings("unchecked")
    Mono<Object> mono = (Mono<Object>) publisher;
    return Mono.deferContextual(
        ctx -> {
          CallObserver.ObservedCall call =
              start.apply(contextKey == null ? null : ctx.getOrDefault(contextKey, null));
          Mono<Object> observed =
              mono.doOnSuccess(v -> call.stop("success", null))
                  .doOnError(e -> call.stop(outcome.apply(e), e))
                  .doOnCancel(() -> call.stop("cancelled", null));
          return contextKey == null
              ? observed
              : observed.contextWrite(c -> c.put(contextKey, call.handle()));
        });
  }

  /** Observes a Flux as {@link #observeMono} does a Mono. */
  static Object observeFlux(
      Object publisher,
      Function<Object, CallObserver.ObservedCall> start,
      Object contextKey,
      Function<Throwable, String> outcome) {
    @SuppressWarnings("unchecked")
    Flux<Object> flux = (Flux<Object>) publisher;
    return Flux.deferContextual(
        ctx -> {
          CallObserver.ObservedCall call =
              start.apply(contextKey == null ? null : ctx.getOrDefault(contextKey, null));
          Flux<Object> observed =
              flux.doOnComplete(() -> call.stop("success", null))
                  .doOnError(e -> call.stop(outcome.apply(e), e))
                  .doOnCancel(() -> call.stop("cancelled", null));
          return contextKey == null
              ? observed
              : observed.contextWrite(c -> c.put(contextKey, call.handle()));
        });
  }

  @SuppressWarnings("unchecked")
  private static Mono<Object> asMono(Object fallbackResult) {
    return fallbackResult instanceof Mono<?> m
        ? (Mono<Object>) m
        : Mono.justOrEmpty(fallbackResult);
  }

  @SuppressWarnings("unchecked")
  private static Flux<Object> asFlux(Object fallbackResult) {
    return fallbackResult instanceof Flux<?> f
        ? (Flux<Object>) f
        : Flux.from((Mono<Object>) fallbackResult);
  }

  /** What a call does when its subscription ends. */
  interface Hooks {
    void success();

    void failure(Throwable t);

    void cancel();
  }
}
