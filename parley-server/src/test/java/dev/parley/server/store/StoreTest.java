package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.Ha1;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.sip.Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded SQLite store: migrations, accounts, bindings, settings. */
class StoreTest {
  @TempDir Path data;

  @Test
  void migratesANewDirectoryAndReopensWithoutChanges() throws Exception {
    Path dir = data.resolve("nested/data");
    try (Store s = Store.embedded(dir)) {
      s.setSetting("domain", "example.com");
    }
    assertThat(dir.resolve(Store.EMBEDDED_FILE)).exists();
    try (Store s = Store.embedded(dir)) {
      assertThat(s.setting("domain")).contains("example.com");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("parley.db"));
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("1");
      assertThat(rs.getBoolean(2)).isTrue();
    }
  }

  @Test
  void accountsAreAddedChangedListedAndRemovedAsHashesOnly() {
    try (Store s = Store.embedded(data)) {
      long v0 = s.accountsVersion();
      s.addAccount(Account.withPassword("example.com", "bob", "pw1"));
      s.addAccount(Account.withPassword("example.com", "alice", "pw2"));
      s.addAccount(Account.withPassword("other.org", "alice", "pw3"));
      assertThat(s.accountsVersion()).isGreaterThan(v0);
      assertThat(s.accounts("example.com")).extracting(Account::username)
          .containsExactly("alice", "bob");
      Account alice = s.account("example.com", "alice").orElseThrow();
      assertThat(alice.ha1Md5()).isEqualTo(Ha1.compute(DigestAlgorithm.MD5, "alice", "example.com", "pw2"));
      assertThat(alice.ha1(DigestAlgorithm.SHA_256_SESS))
          .isEqualTo(Ha1.compute(DigestAlgorithm.SHA_256, "alice", "example.com", "pw2"));
      assertThat(alice.toString()).doesNotContain(alice.ha1Md5());

      assertThatThrownBy(() -> s.addAccount(Account.withPassword("example.com", "bob", "x")))
          .isInstanceOf(DuplicateAccountException.class).hasMessageContaining("bob@example.com");
      assertThat(s.updateAccount(Account.withPassword("example.com", "bob", "new"))).isTrue();
      assertThat(s.account("example.com", "bob").orElseThrow().ha1Md5())
          .isEqualTo(Ha1.compute(DigestAlgorithm.MD5, "bob", "example.com", "new"));
      assertThat(s.updateAccount(Account.withPassword("example.com", "nobody", "x"))).isFalse();
      assertThat(s.removeAccount("example.com", "bob")).isTrue();
      assertThat(s.removeAccount("example.com", "bob")).isFalse();
      assertThat(s.accounts("example.com")).extracting(Account::username).containsExactly("alice");
    }
  }

  @Test
  void aBatchWithOneExistingUserAddsNothing() {
    try (Store s = Store.embedded(data)) {
      s.addAccount(Account.withPassword("d", "u2", "p"));
      assertThatThrownBy(() -> s.addAccounts(List.of(Account.withPassword("d", "u1", "p"),
          Account.withPassword("d", "u2", "p")))).isInstanceOf(DuplicateAccountException.class);
      assertThat(s.accounts("d")).extracting(Account::username).containsExactly("u2");
    }
  }

  @Test
  void bindingsRoundTripAndAreReplacedPerAor() {
    Aor alice = new Aor("alice", "example.com");
    Binding b1 = new Binding(alice,
        Address.parse("<sip:alice@10.0.0.1:5060;transport=tcp>;q=0.5;+sip.instance=\"<urn:uuid:1>\";reg-id=1"),
        5_000, 0.5f, "call-1", 7, List.of(Address.parse("<sip:p1.example.net;lr>"),
            Address.parse("\"Edge, two\" <sip:p2.example.net;lr>")),
        "\"<urn:uuid:1>\"", 1, "tcp:10.0.0.1:40000", "Test UA", 1_000);
    Binding b2 = new Binding(alice, Address.parse("<sip:alice@10.0.0.2>"), 9_000, -1f, "call-2", 1,
        List.of(), null, 0, null, null, 2_000);
    try (Store s = Store.embedded(data)) {
      s.replaceBindings(Map.of(alice, List.of(b1, b2)));
      assertThat(s.loadBindings()).containsExactlyInAnyOrder(b1, b2);
      s.replaceBindings(Map.of(alice, List.of(b2)));
      assertThat(s.loadBindings()).containsExactly(b2);
      s.replaceBindings(Map.of(alice, List.of()));
      assertThat(s.loadBindings()).isEmpty();
    }
  }

  @Test
  void anUnwritableDataDirectoryIsNamedInTheError() throws Exception {
    Path file = data.resolve("not-a-dir");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> Store.embedded(file.resolve("sub")))
        .isInstanceOf(StoreException.class).hasMessageContaining("not-a-dir");
  }
}
