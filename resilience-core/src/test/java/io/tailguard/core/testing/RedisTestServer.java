package io.tailguard.core.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.embedded.RedisServer;

/**
 * A Redis server for tests, from {@link RedisExtension}: its {@link #uri()}, a way to empty it, and
 * {@link TcpProxy proxies} in front of it that tests cut to play a Redis outage.
 *
 * <p>This class is thread-safe.
 */
public final class RedisTestServer implements AutoCloseable {

  private final String uri;
  private final String host;
  private final int port;
  private final String source;
  private final AutoCloseable stopper;

  private RedisTestServer(String uri, String source, AutoCloseable stopper) {
    this.uri = uri;
    io.lettuce.core.RedisURI parsed = io.lettuce.core.RedisURI.create(uri);
    this.host = parsed.getHost();
    this.port = parsed.getPort();
    this.source = source;
    this.stopper = stopper;
  }

  static RedisTestServer start() {
    return start(System.getenv("REDIS_URL"), true, true);
  }

  /**
   * Starts or finds a server: {@code redisUrl} if not blank, else a container if {@code docker} and
   * a Docker engine is available, else the embedded binary if {@code embedded}.
   *
   * @throws IllegalStateException saying what was tried, if no server answers
   */
  static RedisTestServer start(String redisUrl, boolean docker, boolean embedded) {
    if (redisUrl != null && !redisUrl.isBlank()) {
      RedisTestServer server = new RedisTestServer(redisUrl.trim(), "REDIS_URL", () -> {});
      try {
        server.ping();
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "REDIS_URL is set but its server does not answer PING (" + e + ")", e);
      }
      return server;
    }
    List<String> tried = new ArrayList<>();
    tried.add("REDIS_URL is not set");
    boolean dockerUp = false;
    if (docker) {
      try {
        dockerUp = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        dockerUp = false;
      }
    }
    if (dockerUp) {
      try {
        GenericContainer<?> c =
            new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
        c.start();
        return new RedisTestServer(
            "redis://" + c.getHost() + ":" + c.getMappedPort(6379), "testcontainers", c::stop);
      } catch (RuntimeException e) {
        tried.add("the redis:7-alpine container did not start (" + e + ")");
      }
    } else {
      tried.add(docker ? "no Docker engine for Testcontainers" : "Testcontainers was not tried");
    }
    for (int attempt = 0; embedded && attempt < 3; attempt++) {
      try {
        int port = freePort();
        RedisServer server =
            RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(port)
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        return new RedisTestServer("redis://127.0.0.1:" + port, "embedded-redis", server::stop);
      } catch (IOException | RuntimeException e) {
        if (attempt == 2) {
          tried.add("the embedded-redis binary did not start (" + e + ")");
        }
      }
    }
    if (!embedded) {
      tried.add("the embedded-redis binary was not tried");
    }
    throw new IllegalStateException(String.join("; ", tried));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Returns the server's URI, {@code redis://host:port}.
   *
   * @return the URI
   */
  public String uri() {
    return uri;
  }

  /**
   * Returns where the server came from: {@code REDIS_URL}, {@code testcontainers} or {@code
   * embedded-redis}.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * Opens a proxy to this server; close it after the test.
   *
   * @return a running proxy
   */
  public TcpProxy proxy() {
    return TcpProxy.start(host, port);
  }

  private void ping() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().ping();
    } finally {
      client.shutdown();
    }
  }

  /**
   * Deletes every cached script, as a restarted server would have lost them. (Keys stay: tests
   * share the server, and each keeps its own under its own prefix.)
   */
  public void flushScripts() {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().scriptFlush();
    } finally {
      client.shutdown();
    }
  }

  @Override
  public void close() throws Exception {
    stopper.close();
  }

  @Override
  public String toString() {
    return "Redis[" + source + ", " + host + ":" + port + "]";
  }
}
