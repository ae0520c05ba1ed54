package io.tailguard.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.spring.http.LoopbackServer.Reply;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP test fixture itself: replies, recorded requests, and a client abandoning a request. */
class LoopbackServerHttpFixtureTests {

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final CountDownLatch release = new CountDownLatch(1);
  private LoopbackServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void answersAndRecordsRequestsOnOneConnection() throws Exception {
    server =
        LoopbackServer.start(
            "fast", r -> Reply.of(201, "got " + r.bodyText()).withHeader("X-Seen", r.method()));
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(server.uri("/items?x=1"))
                  .POST(HttpRequest.BodyPublishers.ofString("abc"))
                  .build(),
              BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.body()).isEqualTo("got abc");
      assertThat(response.headers().firstValue("X-Seen")).contains("POST");
    }
    assertThat(server.received())
        .extracting(LoopbackServer.Request::target)
        .containsExactly("/items?x=1", "/items?x=1");
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aHeldReplyIsSentWhenReleased() throws Exception {
    server = LoopbackServer.start("slow", LoopbackServer.slow("late", release));
    CompletableFuture<HttpResponse<String>> f =
        client.sendAsync(HttpRequest.newBuilder(server.uri("/")).build(), BodyHandlers.ofString());
    server.awaitRequests(1);
    assertThat(f).isNotDone();
    release.countDown();
    assertThat(f.get().body()).isEqualTo("late");
    assertThat(server.abandoned()).isZero();
  }

  @Test
  void aClientCancellingItsExchangeIsSeenAsAbandoned() {
    server = LoopbackServer.start("slow", LoopbackServer.slow("never", release));
    CompletableFuture<HttpResponse<String>> f =
        client.sendAsync(HttpRequest.newBuilder(server.uri("/")).build(), BodyHandlers.ofString());
    server.awaitRequests(1);
    f.cancel(true);
    server.awaitAbandoned(1);
    assertThat(server.abandoned()).isEqualTo(1);
  }
}
