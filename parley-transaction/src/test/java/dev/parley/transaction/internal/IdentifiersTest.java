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

  @Test
  void digitsAreWrittenAfterWhatTheBufferHoldsAlready() {
    byte[] out = new byte[3 + 13];
    out[0] = 'a';
    out[1] = 'b';
    out[2] = 'c';
    int end = Identifiers.writeBase36(out, 3, -1);
    assertEquals("abc" + Long.toUnsignedString(-1, 36), new String(out, 0, end,
        java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  @Test
  void tagsAreBase36NumbersAndBranchesOfOneThreadDiffer() {
    String tag = Identifiers.newTag();
    assertTrue(!tag.isEmpty() && tag.length() <= 13
        && tag.chars().allMatch(c -> Character.digit(c, 36) >= 0), tag);
    java.util.Set<String> branches = new java.util.HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String b = Identifiers.newBranch();
      assertTrue(b.startsWith(Via.MAGIC_COOKIE), b);
      branches.add(b);
    }
    assertEquals(1_000, branches.size(), "each branch its own text, not the buffer's");
  }

  private static String base36(long v) {
    byte[] out = new byte[13];
    return new String(out, 0, Identifiers.writeBase36(out, 0, v),
        java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
