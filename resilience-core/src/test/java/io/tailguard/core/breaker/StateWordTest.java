package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The packed state word: each field reads back what was written, and no field bleeds into another.
 */
class StateWordTest {

  static final long[] COUNTS = {0, 1, 2, 999, 1000, StateWord.MAX_COUNT};
  static final long[] GENERATIONS = {
    0, 1, 2, (1L << 30) - 1, 1L << 30, StateWord.MAX_GENERATION - 1, StateWord.MAX_GENERATION
  };

  @Test
  void everyFieldReadsBackWhatWasWritten() {
    for (CircuitState s : CircuitState.values()) {
      for (long g : GENERATIONS) {
        for (long in : COUNTS) {
          for (long ok : COUNTS) {
            for (long err : COUNTS) {
              long w = StateWord.word(s, g, in, ok, err);
              String at = s + " g=" + g + " in=" + in + " ok=" + ok + " err=" + err;
              assertThat(StateWord.stateOf(w)).as(at).isEqualTo(s);
              assertThat(StateWord.generation(w)).as(at).isEqualTo(g);
              assertThat(StateWord.inFlight(w)).as(at).isEqualTo(in);
              assertThat(StateWord.successes(w)).as(at).isEqualTo(ok);
              assertThat(StateWord.failures(w)).as(at).isEqualTo(err);
              assertThat(StateWord.isClosed(w)).as(at).isEqualTo(s == CircuitState.CLOSED);
            }
          }
        }
      }
    }
  }

  @Test
  void theLayoutHoldsTheConfigsCapsAndA31BitGeneration() {
    assertThat(StateWord.MAX_COUNT).isGreaterThanOrEqualTo(1000);
    assertThat(StateWord.MAX_GENERATION).isEqualTo((1L << 31) - 1);
    assertThat(CircuitState.values().length).isLessThanOrEqualTo(8); // 3 bits
    long full =
        StateWord.word(
            CircuitState.DISABLED,
            StateWord.MAX_GENERATION,
            StateWord.MAX_COUNT,
            StateWord.MAX_COUNT,
            StateWord.MAX_COUNT);
    assertThat(full).as("the generation fills the top bit: the word is negative").isNegative();
    assertThat(StateWord.generation(full)).isEqualTo(StateWord.MAX_GENERATION);
  }

  @Test
  void oneInFlightChangesOnlyThePermitCount() {
    long w = StateWord.word(CircuitState.HALF_OPEN, 77, 3, 4, 5);
    long more = w + StateWord.ONE_IN_FLIGHT;
    assertThat(StateWord.inFlight(more)).isEqualTo(4);
    assertThat(StateWord.successes(more)).isEqualTo(4);
    assertThat(StateWord.failures(more)).isEqualTo(5);
    assertThat(StateWord.generation(more)).isEqualTo(77);
    assertThat(StateWord.stateOf(more)).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(more - StateWord.ONE_IN_FLIGHT).isEqualTo(w);
  }

  @Test
  void nextGenerationWrapsToZeroAndStaysLater() {
    assertThat(StateWord.nextGeneration(0)).isEqualTo(1);
    assertThat(StateWord.nextGeneration(StateWord.MAX_GENERATION)).isZero();
    for (long g : GENERATIONS) {
      assertThat(StateWord.isLater(StateWord.nextGeneration(g), g)).as("after %d", g).isTrue();
      assertThat(StateWord.isLater(g, StateWord.nextGeneration(g))).as("before %d", g).isFalse();
    }
  }

  @Test
  void toStringNamesEveryField() {
    assertThat(StateWord.toString(StateWord.word(CircuitState.HALF_OPEN, 7, 1, 2, 0)))
        .isEqualTo("HALF_OPEN g=7 in=1 ok=2 err=0");
  }
}
