package io.tailguard.core.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies a real Redis to tests as a {@link RedisTestServer} parameter: the server at {@code
 * REDIS_URL} if that environment variable is set, else a Testcontainers {@code redis:7-alpine}
 * container when a Docker engine is available, else the Redis binary shipped in {@code
 * com.github.codemonstur:embedded-redis}, on 127.0.0.1 and a free port.
 *
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class MyTest {
 *   @Test
 *   void works(RedisTestServer redis) { ... redis.uri() ... }
 * }
 * }</pre>
 *
 * <p>One server serves the whole test run and stops when it ends. A test that gets no Redis fails
 * with a message saying what was tried; it is never skipped. Modules that use this extension from
 * the core test-jar need {@code org.testcontainers:testcontainers} and {@code
 * com.github.codemonstur:embedded-redis} as test dependencies.
 *
 * <p>This class is thread-safe.
 */
public final class RedisExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisTestServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .computeIfAbsent("server", k -> RedisTestServer.start(), RedisTestServer.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("No Redis for this test: " + e.getMessage(), e);
    }
  }
}
