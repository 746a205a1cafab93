package dev.parley.transaction.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.sip.Via;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdentifiersTest {
  @Test
  void base36DigitsAreThoseOfTheUnsignedValue() {
    long[] edges = {0, 1, 35, 36, -1, -2, -35, -36, -37, Long.MIN_VALUE, Long.MIN_VALUE + 1,
        Long.MAX_VALUE, Long.MAX_VALUE - 1};
    for (long v : edges) {
      assertEquals(Long.toUnsignedString(v, 36), base36(v), "value " + v);
    }
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 100_000; i++) {
      long v = random.nextLong();
      assertEquals(Long.toUnsignedString(v, 36), base36(v), "value " + v);
    }
  }

  @Test
  void branchStartsWithTheMagicCookieAndCarriesTwoRandomNumbers() {
    String branch = Identifiers.newBranch();
    assertTrue(branch.startsWith(Via.MAGIC_COOKIE), branch);
    assertTrue(branch.length() > Via.MAGIC_COOKIE.length() + 2, branch);
    assertTrue(branch.substring(Via.MAGIC_COOKIE.length()).chars()
        .allMatch(c -> Character.digit(c, 36) >= 0), branch);
  }

  private static String base36(long v) {
    StringBuilder sb = new StringBuilder();
    Identifiers.appendBase36(sb, v);
    return sb.toString();
  }
}
