package io.tailguard.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisExtensionTest {

  @Test
  void suppliesARedisThatAnswers(RedisTestServer redis) {
    assertThat(redis.source()).isIn("REDIS_URL", "testcontainers", "embedded-redis");
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().ping()).isEqualTo("PONG");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void withoutAnyRedisATestFailsSayingWhatWasTried() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RedisTestServer.start(null, false, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "REDIS_URL is not set; Testcontainers was not tried; the embedded-redis binary was not"
                + " tried");
  }

  @Test
  void aRedisUrlThatDoesNotAnswerIsAnError() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "redis://127.0.0.1:" + port;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisTestServer.start(url, true, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("REDIS_URL is set but its server does not answer PING");
  }

  @Test
  void theSameServerServesTheWholeRun(RedisTestServer a, RedisTestServer b) {
    assertThat(a).isSameAs(b);
  }

  @Test
  void aProxyForwardsAndCuts(RedisTestServer redis) {
    try (TcpProxy proxy = redis.proxy()) {
      RedisClient client = RedisClient.create(proxy.uri());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().ping()).isEqualTo("PONG");
        proxy.cut();
        org.awaitility.Awaitility.await().until(() -> !c.isOpen());
      } finally {
        client.shutdown();
      }
    }
  }
}
