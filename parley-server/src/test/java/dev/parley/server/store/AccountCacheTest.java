package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.Ha1;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory accounts of a domain, kept packed. */
class AccountCacheTest {
  @TempDir Path data;

  @Test
  void givesBackTheStoredHa1OfEveryAlgorithmForTheDomainsUsersOnly() {
    try (Store s = Store.embedded(data)) {
      s.addAccount(Account.withPassword("example.com", "alice", "pw1"));
      s.addAccount(Account.withPassword("other.org", "bob", "pw2"));
      AccountCache cache = new AccountCache(s, "example.com");
      assertThat(cache.refresh()).isTrue();

      assertThat(cache.size()).isEqualTo(1);
      assertThat(cache.contains("alice")).isTrue();
      assertThat(cache.contains("bob")).isFalse();
      for (DigestAlgorithm alg : DigestAlgorithm.values()) {
        assertThat(cache.ha1("alice", "EXAMPLE.com", alg)).as(alg.name())
            .isEqualTo(Ha1.compute(alg.base(), "alice", "example.com", "pw1"));
      }
      assertThat(cache.ha1("bob", "example.com", DigestAlgorithm.MD5)).isNull();
      assertThat(cache.ha1("alice", "other.org", DigestAlgorithm.MD5)).isNull();
    }
  }

  @Test
  void keepsAnAccountWhoseHashesAreNotLowerCaseHexExactlyAsStored() {
    try (Store s = Store.embedded(data)) {
      String upper = Ha1.compute(DigestAlgorithm.MD5, "carol", "example.com", "pw").toUpperCase();
      s.addAccount(new Account("example.com", "carol", upper, "short", "x".repeat(64)));
      AccountCache cache = new AccountCache(s, "example.com");
      cache.refresh();

      assertThat(cache.ha1("carol", "example.com", DigestAlgorithm.MD5)).isEqualTo(upper);
      assertThat(cache.ha1("carol", "example.com", DigestAlgorithm.SHA_256)).isEqualTo("short");
      assertThat(cache.ha1("carol", "example.com", DigestAlgorithm.SHA_512_256))
          .isEqualTo("x".repeat(64));
    }
  }

  @Test
  void reloadsOnlyWhenTheStoreChanged() {
    try (Store s = Store.embedded(data)) {
      AccountCache cache = new AccountCache(s, "example.com");
      assertThat(cache.refresh()).isTrue();
      assertThat(cache.refresh()).isFalse();
      s.addAccount(Account.withPassword("example.com", "dave", "pw"));
      assertThat(cache.refresh()).isTrue();
      assertThat(cache.ha1("dave", "example.com", DigestAlgorithm.SHA_256))
          .isEqualTo(Ha1.compute(DigestAlgorithm.SHA_256, "dave", "example.com", "pw"));
    }
  }
}
