package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import org.junit.jupiter.api.Test;

/** One call's outcome: the last attempt's, with the earlier failures suppressed on it. */
class RetryCallStateTest {

  RetryCallState state() {
    return new RetryCallState(RetryPolicy.defaults(), 0);
  }

  @Test
  void startsFromTheBaseDelay() {
    assertThat(state().previousDelayNanos).isEqualTo(RetryPolicy.defaults().baseDelay().toNanos());
  }

  @Test
  void aSuccessAfterFailuresReturnsTheValue() throws Exception {
    RetryCallState s = state();
    s.failed(new IOException("one"));
    s.succeeded("ok");
    assertThat(s.<String>outcome()).isEqualTo("ok");
  }

  @Test
  void theLastFailureIsThrownWithTheEarlierOnesSuppressedOldestFirst() {
    RetryCallState s = state();
    IOException one = new IOException("one");
    IOException two = new IOException("two");
    IOException three = new IOException("three");
    s.failed(one);
    s.failed(two);
    s.failed(three);
    assertThatThrownBy(s::outcome).isSameAs(three);
    assertThat(three.getSuppressed()).containsExactly(one, two);
  }

  @Test
  void anUnacceptableLastResultIsReturnedAndAnEarlierFailureIsNotThrown() throws Exception {
    RetryCallState s = state();
    s.failed(new IOException("one"));
    s.unacceptable("still bad");
    assertThat(s.<String>outcome()).isEqualTo("still bad");
  }

  @Test
  void aFailureThrownByEveryAttemptIsNotSuppressedOnItself() {
    RetryCallState s = state();
    IOException cached = new IOException("cached");
    s.failed(cached);
    s.failed(cached);
    s.failed(cached);
    assertThatThrownBy(s::outcome).isSameAs(cached);
    assertThat(cached.getSuppressed()).isEmpty();
  }

  @Test
  void aSharedInstanceKeepsWhatTheFirstCallAttached() {
    IOException earlier = new IOException("earlier");
    IOException shared = new IOException("shared");
    for (int call = 0; call < 3; call++) {
      RetryCallState s = state();
      s.failed(earlier);
      s.failed(shared);
      assertThatThrownBy(s::outcome).isSameAs(shared);
    }
    assertThat(shared.getSuppressed()).containsExactly(earlier);
  }

  @Test
  void atMostMaxSuppressedEarlierFailuresAreKept() {
    RetryCallState s = state();
    for (int i = 0; i < Retrier.MAX_SUPPRESSED + 50; i++) {
      s.failed(new IOException("attempt " + i));
    }
    IOException last = new IOException("last");
    s.failed(last);
    assertThatThrownBy(s::outcome).isSameAs(last);
    assertThat(last.getSuppressed()).hasSize(Retrier.MAX_SUPPRESSED);
    assertThat(last.getSuppressed()[0]).hasMessage("attempt 0");
  }

  @Test
  void anExtraSuppressedFailureGoesLast() {
    RetryCallState s = state();
    IOException one = new IOException("one");
    IOException last = new IOException("last");
    InterruptedException extra = new InterruptedException("while waiting");
    s.failed(one);
    s.failed(last);
    s.extraSuppressed = extra;
    assertThatThrownBy(s::outcome).isSameAs(last);
    assertThat(last.getSuppressed()).containsExactly(one, extra);
  }

  @Test
  void errorsAreThrownAsTheyAreAndOtherThrowablesWrapped() {
    RetryCallState s = state();
    AssertionError error = new AssertionError("bug");
    s.failed(error);
    assertThatThrownBy(s::outcome).isSameAs(error);

    RetryCallState odd = state();
    Throwable neither = new Throwable("neither");
    odd.failed(neither);
    assertThatThrownBy(odd::outcome)
        .isInstanceOf(UndeclaredThrowableException.class)
        .hasCause(neither);
  }
}
