package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley user import}'s engine: CSV checks and a fast bulk insert. */
class AccountImporterTest {
  @TempDir Path data;

  @Test
  void importsOneHundredThousandUsersInOneTransaction() throws Exception {
    Path csv = data.resolve("users.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("user,password\n");
      for (int i = 0; i < 100_000; i++) {
        w.write("user" + i + ",pw," + i + "\n");
      }
    }
    try (Store s = Store.embedded(data)) {
      AccountImporter.Result r = AccountImporter.importCsv(csv, "example.com", s, (p, d, t) -> {});
      System.out.printf("imported %,d users in %,d ms%n", r.imported(), r.millis());
      assertThat(r.imported()).isEqualTo(100_000);
      assertThat(s.accounts("example.com")).hasSize(100_000);
      assertThat(s.account("example.com", "user42").orElseThrow())
          .isEqualTo(Account.withPassword("example.com", "user42", "pw,42"));
    }
  }

  @Test
  void badLinesAreNamedByNumberAndNothingIsImported() throws Exception {
    Path csv = data.resolve("bad.csv");
    try (Store s = Store.embedded(data)) {
      Files.writeString(csv, "# comment\nalice,one\n\nbob\n");
      assertThatThrownBy(() -> AccountImporter.importCsv(csv, "d", s, (p, d, t) -> {}))
          .hasMessage(csv + ":4: expected user,password");
      Files.writeString(csv, "alice,one\nbad user,two\n");
      assertThatThrownBy(() -> AccountImporter.importCsv(csv, "d", s, (p, d, t) -> {}))
          .hasMessageContaining(csv + ":2: username 'bad user'");
      Files.writeString(csv, "alice,one\nalice,two\n");
      assertThatThrownBy(() -> AccountImporter.importCsv(csv, "d", s, (p, d, t) -> {}))
          .hasMessage(csv + ":2: user alice already on line 1");
      Files.writeString(csv, "carol,\n");
      assertThatThrownBy(() -> AccountImporter.importCsv(csv, "d", s, (p, d, t) -> {}))
          .hasMessage(csv + ":1: empty password for carol");
      s.addAccount(Account.withPassword("d", "bob", "x"));
      Files.writeString(csv, "alice,one\nbob,two\n");
      assertThatThrownBy(() -> AccountImporter.importCsv(csv, "d", s, (p, d, t) -> {}))
          .hasMessage(csv + ":2: user bob already exists in d");
      assertThat(s.accounts("d")).extracting(Account::username).containsExactly("bob");
    }
  }
}
