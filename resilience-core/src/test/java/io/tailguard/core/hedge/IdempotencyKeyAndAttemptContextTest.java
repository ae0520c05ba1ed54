package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What an attempt learns from its context: a random version-4 UUID shared by the call's attempts
 * and no other call's, the hedger's name, and a readable description.
 */
class IdempotencyKeyAndAttemptContextTest {

  final FakeClock clock = new FakeClock();

  @Test
  void theKeyIsARandomVersionFourUuidSharedByTheCallsAttemptsOnly() {
    Hedger h =
        Hedger.builder("keys")
            .config(
                HedgeConfig.builder()
                    .maxHedges(1)
                    .delay(
                        DelayConfig.builder()
                            .strategy(HedgeDelayType.FIXED)
                            .delay(Duration.ofMillis(10))
                            .build())
                    .build())
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build();
    List<AttemptContext> contexts = new ArrayList<>();
    List<CompletableFuture<String>> attempts = new ArrayList<>();
    for (int call = 0; call < 2; call++) {
      h.callAsync(
          ctx -> {
            contexts.add(ctx);
            CompletableFuture<String> f = new CompletableFuture<>();
            attempts.add(f);
            return f;
          });
      clock.advance(Duration.ofMillis(10));
      attempts.get(attempts.size() - 1).complete("done");
    }
    assertThat(contexts).hasSize(4);
    String first = contexts.get(0).idempotencyKey();
    UUID uuid = UUID.fromString(first);
    assertThat(uuid.version()).isEqualTo(4);
    assertThat(uuid.variant()).isEqualTo(2); // IETF
    assertThat(uuid.toString()).isEqualTo(first);
    assertThat(contexts.get(0).idempotencyKey()).isEqualTo(first); // stable
    assertThat(contexts.get(1).idempotencyKey()).isEqualTo(first);
    assertThat(contexts.get(2).idempotencyKey()).isNotEqualTo(first);
    assertThat(contexts.get(3).idempotencyKey()).isEqualTo(contexts.get(2).idempotencyKey());
    assertThat(contexts.get(0).hedger()).isEqualTo("keys");
  }

  @Test
  void manyKeysAreAllVersionFourAndDistinct() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String k = new AttemptContext.CallKey().get();
      UUID uuid = UUID.fromString(k);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      keys.add(k);
    }
    assertThat(keys).doesNotHaveDuplicates();
  }

  @Test
  void aContextDescribesItsHedgerAttemptAndCancellation() {
    AttemptContext ctx = new AttemptContext("search", 2, new AttemptContext.CallKey());
    assertThat(ctx).hasToString("AttemptContext[search, attempt 2]");
    ctx.cancel(AttemptContext.CancelReason.TIMED_OUT);
    assertThat(ctx).hasToString("AttemptContext[search, attempt 2, cancelled: TIMED_OUT]");
  }
}
