package dev.parley.sip;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Header values made by small edits of real ones: up to four octets of {@code alphabet} set,
 * inserted or deleted at one place, or the value cut short there. The wire grammars' property
 * tests feed them to both parse paths and compare the verdicts.
 */
final class ValueMutations {
  private ValueMutations() {}

  /** Values made from {@code corpus} by one edit each, with characters from {@code alphabet}. */
  static Arbitrary<String> of(List<String> corpus, String alphabet) {
    return Combinators.combine(Arbitraries.of(corpus), Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 10_000), Arbitraries.of(alphabet.chars()
                .mapToObj(c -> (char) c).toList()), Arbitraries.integers().between(1, 4))
        .as(ValueMutations::mutate);
  }

  private static String mutate(String seed, int kind, int where, char c, int count) {
    if (seed.isEmpty()) {
      return String.valueOf(c);
    }
    int at = where % seed.length();
    StringBuilder sb = new StringBuilder(seed);
    switch (kind) {
      case 0 -> {
        for (int i = 0; i < count; i++) {
          sb.setCharAt((at + i * 7) % sb.length(), c);
        }
      }
      case 1 -> sb.insert(at, String.valueOf(c).repeat(count));
      case 2 -> sb.delete(at, Math.min(sb.length(), at + count));
      default -> sb.setLength(at);
    }
    return sb.toString();
  }
}
