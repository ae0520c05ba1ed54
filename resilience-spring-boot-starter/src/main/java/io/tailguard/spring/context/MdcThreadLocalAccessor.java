package io.tailguard.spring.context;

import io.micrometer.context.ThreadLocalAccessor;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Carries the whole SLF4J {@link MDC} of a thread (a copy of its map) to another: what the calling
 * thread logged with (a request id, a user, a trace id) is in the attempts' log lines too.
 *
 * <p>Stateless and thread-safe.
 */
public final class MdcThreadLocalAccessor implements ThreadLocalAccessor<Map<String, String>> {

  /** The key of this accessor in a {@code ContextRegistry}. */
  public static final String KEY = "io.tailguard.mdc";

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public @Nullable Map<String, String> getValue() {
    Map<String, String> map = MDC.getCopyOfContextMap();
    return map == null || map.isEmpty() ? null : map;
  }

  @Override
  public void setValue(Map<String, String> value) {
    MDC.setContextMap(value);
  }

  @Override
  public void setValue() {
    MDC.clear();
  }
}
