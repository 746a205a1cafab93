package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentResultsTest {
  @Test
  void aKeyAskedAgainIsNotComputedAgain() {
    AtomicInteger calls = new AtomicInteger();
    RecentResults<String, String> memo = new RecentResults<>(16, false, k -> {
      calls.incrementAndGet();
      return "<sip:" + k + "@example.com>";
    });
    assertThat(memo.get("alice")).isEqualTo("<sip:alice@example.com>");
    assertThat(memo.get(new String("alice"))).isEqualTo("<sip:alice@example.com>");
    assertThat(calls).hasValue(1);
  }

  @Test
  void byIdentityAnEqualButOtherKeyIsComputedAgain() {
    AtomicInteger calls = new AtomicInteger();
    RecentResults<String, Integer> memo = new RecentResults<>(16, true, k -> calls.incrementAndGet());
    String first = new String("bob");
    assertThat(memo.get(first)).isEqualTo(1);
    assertThat(memo.get(first)).isEqualTo(1);
    assertThat(memo.get(new String("bob"))).isEqualTo(2); // a refreshed binding: a new object
  }

  @Test
  void keysSharingASlotEachGetTheirOwnResult() {
    RecentResults<Integer, String> memo = new RecentResults<>(1, false, k -> "v" + k);
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 5; k++) {
        assertThat(memo.get(k)).isEqualTo("v" + k);
      }
    }
  }

  @Test
  void aNullResultIsRememberedLikeAnyOther() {
    AtomicInteger calls = new AtomicInteger();
    RecentResults<String, String> memo = new RecentResults<>(4, false, k -> {
      calls.incrementAndGet();
      return null;
    });
    assertThat(memo.get("tel")).isNull();
    assertThat(memo.get("tel")).isNull();
    assertThat(calls).hasValue(1);
  }

  @Test
  void theTableSizeMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new RecentResults<String, String>(12, false, k -> k))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12");
  }
}
