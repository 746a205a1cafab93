package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DialogTableTest {
  private final DialogTable table = new DialogTable(3, 60_000);

  @Test
  void byeFromEitherSideEndsTheDialog() {
    table.confirmed("c1", "caller", "callee", 0);
    table.confirmed("c2", "caller", "callee", 0);
    assertThat(table.active()).isEqualTo(2);
    table.ended("c1", "callee", "caller"); // the callee hangs up: tags swapped
    table.ended("c2", "caller", "callee");
    assertThat(table.active()).isZero();
  }

  @Test
  void tagsWithEqualHashCodesAreStillDifferentDialogs() {
    table.confirmed("c1", "Aa", "callee", 0); // "Aa" and "BB" share a hash code
    table.confirmed("c1", "BB", "callee", 0);
    table.confirmed("c1", "callee", "Aa", 0); // the first again, tags swapped
    assertThat(table.active()).isEqualTo(2);
    table.ended("c1", "callee", "BB");
    assertThat(table.active()).isEqualTo(1);
    table.ended("c1", "Aa", "callee");
    assertThat(table.active()).isZero();
  }

  @Test
  void eachAnsweredForkIsADialogAndARetransmitted2xxIsNot() {
    table.confirmed("c1", "caller", "fork-a", 0);
    table.confirmed("c1", "caller", "fork-b", 0);
    table.confirmed("c1", "caller", "fork-a", 10);
    assertThat(table.active()).isEqualTo(2);
    table.ended("c1", "caller", "unknown");
    assertThat(table.active()).isEqualTo(2);
  }

  @Test
  void pastTheBoundNewDialogsAreCountedAsUncounted() {
    for (int i = 0; i < 5; i++) {
      table.confirmed("c" + i, "a", "b", 0);
    }
    assertThat(table.active()).isEqualTo(3);
    assertThat(table.uncounted()).isEqualTo(2);
  }

  @Test
  void aDialogWhoseByeNeverCameIsForgottenAfterItsLifetime() {
    table.confirmed("c1", "a", "b", 0);
    table.confirmed("c2", "a", "b", 30_000);
    assertThat(table.sweep(59_999)).isZero();
    assertThat(table.sweep(60_000)).isOne();
    assertThat(table.active()).isOne();
  }

  @Test
  void missingTagsAreIgnored() {
    table.confirmed("c1", "a", null, 0);
    table.ended(null, "a", "b");
    assertThat(table.active()).isZero();
  }
}
