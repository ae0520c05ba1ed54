package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rule for instance names, and how a refused name is shown. */
class InstanceNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "7", "payments", "db.primary", "us-east_1:orders/v2"})
  void acceptsPlainNamesAndReturnsThem(String name) {
    assertThat(InstanceNames.check("circuit breaker", name)).isEqualTo(name);
  }

  @Test
  void acceptsUpTo128Characters() {
    String longest = "n".repeat(InstanceNames.MAX_LENGTH);
    assertThat(InstanceNames.check("hedger", longest)).isEqualTo(longest);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InstanceNames.check("hedger", longest + "n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-lead", ".lead", "with space", "brace{", "ümlaut"})
  void refusesOthersNamingTheRuleAndTheValue(String name) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InstanceNames.check("rate limiter", name))
        .withMessage(
            "rate limiter name must be 1 to 128 letters, digits or . _ - : / starting with a"
                + " letter or digit, was '"
                + name
                + "'");
  }

  @Test
  void refusesNull() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InstanceNames.check("probe", null))
        .withMessage("probe name must not be null");
  }

  @Test
  void aRefusedNameIsShownShortAndWithoutControlCharacters() {
    String sixtyFour = "x".repeat(63) + "!";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InstanceNames.check("hedger", sixtyFour))
        .withMessageEndingWith("was '" + sixtyFour + "'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InstanceNames.check("hedger", sixtyFour + "tail"))
        .withMessageEndingWith("was '" + sixtyFour + "...'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InstanceNames.check("hedger", "a\nb\u0007c\td"))
        .withMessageEndingWith("was 'a?b?c?d'");
  }
}
