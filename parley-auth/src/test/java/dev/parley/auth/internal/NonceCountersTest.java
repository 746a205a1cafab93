package dev.parley.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.internal.NonceCounters.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * NonceCounters keyed by bits of the nonce's MAC: the verdicts of the table keyed by the nonce's
 * text (kept here as the reference), distinct nonces never sharing a count.
 */
class NonceCountersTest {
  private static final NonceCodec CODEC =
      new NonceCodec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  private static List<String> nonces(int n, long seed) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] r = new byte[NonceCodec.RANDOM_BYTES];
      random.nextBytes(r);
      out.add(CODEC.mint(1_000 + i, r, "example.com", null));
    }
    return out;
  }

  @Test
  void everyNonceHasItsOwnCount() {
    NonceCounters counters = new NonceCounters(100_000);
    List<String> nonces = nonces(20_000, 1);
    for (String n : nonces) {
      assertThat(counters.advance(n, 1_000, 1, 0)).as(n).isEqualTo(Verdict.FRESH);
    }
    assertThat(counters.size()).isEqualTo(20_000);
    for (String n : nonces) {
      assertThat(counters.advance(n, 1_000, 1, 0)).as(n).isEqualTo(Verdict.REPLAY);
      assertThat(counters.advance(n, 1_000, 2, 0)).as(n).isEqualTo(Verdict.FRESH);
    }
  }

  @Test
  void nonceWithoutQopIsSingleUseAndCountsOnlyGoUp() {
    NonceCounters counters = new NonceCounters(1_000);
    String a = nonces(1, 2).get(0);
    String b = nonces(2, 3).get(1);
    assertThat(counters.advance(a, 1_000, 0, 0)).isEqualTo(Verdict.FRESH);
    assertThat(counters.advance(a, 1_000, 0, 0)).isEqualTo(Verdict.REPLAY);
    assertThat(counters.advance(a, 1_000, 5, 0)).isEqualTo(Verdict.REPLAY);
    assertThat(counters.advance(b, 1_000, 3, 0)).isEqualTo(Verdict.FRESH);
    assertThat(counters.advance(b, 1_000, 2, 0)).isEqualTo(Verdict.REPLAY);
    assertThat(counters.advance(b, 1_000, 4, 0)).isEqualTo(Verdict.FRESH);
    assertThat(counters.advance(b, 1_000, 0, 0)).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void textsNotOfTheCodecsFormatAreKeyedByAllTheirCharacters() {
    NonceCounters counters = new NonceCounters(1_000);
    String real = nonces(1, 4).get(0);
    // the same last 20 characters, not a nonce of the format: other keys
    List<String> others = List.of("nonce-1", "nonce-2", "x" + real, real.substring(1),
        real.substring(0, 10) + "!" + real.substring(11), real.replace(real.charAt(0), '~'));
    assertThat(counters.advance(real, 1_000, 1, 0)).isEqualTo(Verdict.FRESH);
    for (String o : others) {
      assertThat(counters.advance(o, 1_000, 1, 0)).as(o).isEqualTo(Verdict.FRESH);
    }
    for (String o : others) {
      assertThat(counters.advance(o, 1_000, 1, 0)).as(o).isEqualTo(Verdict.REPLAY);
    }
    assertThat(counters.size()).isEqualTo(1 + others.size());
    // of the format, with the MAC's characters of another: the same key (the MAC check comes
    // first: such a text is never a nonce the server issued)
    String sameMac = (real.charAt(0) == 'A' ? "B" : "A") + real.substring(1);
    assertThat(counters.advance(sameMac, 1_000, 1, 0)).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void aDroppedNonceIsForgottenNotFresh() {
    NonceCounters counters = new NonceCounters(NonceCounters.SEGMENTS); // one per segment
    List<String> nonces = nonces(200, 5);
    for (int i = 0; i < nonces.size(); i++) {
      assertThat(counters.advance(nonces.get(i), 1_000 + i, 1, 0)).isEqualTo(Verdict.FRESH);
    }
    assertThat(counters.size()).isLessThanOrEqualTo(NonceCounters.SEGMENTS);
    int forgotten = 0;
    for (int i = 0; i < nonces.size(); i++) {
      Verdict v = counters.advance(nonces.get(i), 1_000 + i, 2, 0);
      assertThat(v).isNotEqualTo(Verdict.REPLAY); // count 2 after 1: never a replay
      forgotten += v == Verdict.FORGOTTEN ? 1 : 0;
    }
    assertThat(forgotten).isPositive();
  }

  /** Random uses of live nonces: the verdicts of the table keyed by the text (no eviction). */
  @Test
  void sameVerdictsAsTheTableKeyedByTheNoncesText() {
    NonceCounters counters = new NonceCounters(100_000);
    Reference reference = new Reference(100_000);
    List<String> nonces = nonces(3_000, 6);
    Random random = new Random(7);
    long expiredBefore = 0;
    for (int step = 0; step < 60_000; step++) {
      int i = random.nextInt(nonces.size());
      long issuedAt = 1_000 + i;
      if (issuedAt <= expiredBefore) {
        continue; // the authenticator answers STALE before asking the table
      }
      long nc = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(6);
      assertThat(counters.advance(nonces.get(i), issuedAt, nc, expiredBefore))
          .as("step %d", step).isEqualTo(reference.advance(nonces.get(i), issuedAt, nc,
              expiredBefore));
      if (step % 100 == 99) {
        expiredBefore += 5; // nonces expire over the run, and are purged
      }
    }
  }

  /** The table as it was (keyed by the nonce's String), for the comparison. */
  private static final class Reference {
    private final List<Seg> segments = new ArrayList<>();

    Reference(int maxEntries) {
      for (int i = 0; i < 16; i++) {
        segments.add(new Seg(Math.max(1, maxEntries / 16)));
      }
    }

    Verdict advance(String nonce, long issuedAt, long nc, long expiredBefore) {
      Seg s = segments.get((nonce.hashCode() & 0x7FFF_FFFF) % 16);
      s.expiredBefore = expiredBefore;
      long[] e = s.get(nonce);
      if (e == null) {
        if (issuedAt <= s.watermark) {
          return Verdict.FORGOTTEN;
        }
        s.put(nonce, new long[] {issuedAt, nc == 0 ? Long.MAX_VALUE : nc});
        s.purgeExpired();
        return Verdict.FRESH;
      }
      if (nc == 0 || nc <= e[1]) {
        return Verdict.REPLAY;
      }
      e[1] = nc;
      return Verdict.FRESH;
    }
  }

  private static final class Seg extends LinkedHashMap<String, long[]> {
    private final int capacity;
    long watermark = Long.MIN_VALUE;
    long expiredBefore = Long.MIN_VALUE;

    Seg(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      if (size() <= capacity) {
        return false;
      }
      long t = eldest.getValue()[0];
      if (t >= expiredBefore && t > watermark) {
        watermark = t;
      }
      return true;
    }

    void purgeExpired() {
      Iterator<long[]> it = values().iterator();
      for (int i = 0; i < 4 && it.hasNext(); i++) {
        if (it.next()[0] >= expiredBefore) {
          return;
        }
        it.remove();
      }
    }
  }

  @Test
  void mintedNoncesAreKeyedByTheirLastTwentyCharacters() {
    Set<Long> keys = new HashSet<>();
    for (String n : nonces(5_000, 8)) {
      assertThat(n).hasSize(NonceCodec.NONCE_CHARS);
      long k0 = NonceCounters.key(n, n.length() - 20, n.length() - 10);
      long k1 = NonceCounters.key(n, n.length() - 10, n.length());
      assertThat(k0).isNotNegative();
      assertThat(k1).isNotNegative();
      keys.add(k0 * 31 + k1);
    }
    assertThat(keys).hasSize(5_000);
  }
}
