package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.Ha1;
import dev.parley.server.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley user}: output, exit codes and what lands in the store. */
class UserCommandTest {
  @TempDir Path data;

  record Run(int status, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    all[args.length + 2] = "--domain";
    all[args.length + 3] = "example.com";
    int status = Parley.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void addPasswdListAndRemovePrintTheDocumentedLines() {
    assertThat(run("user", "add", "bob", "--password", "pw")).isEqualTo(
        new Run(0, "added bob@example.com\n", ""));
    assertThat(run("user", "add", "alice", "--password", "pw").status()).isZero();
    assertThat(run("user", "list").out()).isEqualTo("alice\nbob\n");
    assertThat(run("user", "passwd", "bob", "--password", "new").out())
        .isEqualTo("password changed for bob@example.com\n");
    try (Store s = Store.embedded(data)) {
      assertThat(s.account("example.com", "bob").orElseThrow().ha1Sha256())
          .isEqualTo(Ha1.compute(DigestAlgorithm.SHA_256, "bob", "example.com", "new"));
    }
    assertThat(run("user", "remove", "bob").out()).isEqualTo("removed bob@example.com\n");
    assertThat(run("user", "list").out()).isEqualTo("alice\n");
  }

  @Test
  void addWithAdminMarksTheAccountAdminAndKeepsItThroughAPasswordChange() {
    assertThat(run("user", "add", "root", "--admin", "--password", "pw")).isEqualTo(
        new Run(0, "added root@example.com (admin)\n", ""));
    assertThat(run("user", "add", "bob", "--password", "pw").status()).isZero();
    assertThat(run("user", "passwd", "root", "--password", "new").status()).isZero();
    try (Store s = Store.embedded(data)) {
      assertThat(s.account("example.com", "root").orElseThrow().admin()).isTrue();
      assertThat(s.account("example.com", "bob").orElseThrow().admin()).isFalse();
    }
  }

  @Test
  void userAddCreatesTheDataDirectoryAndDatabaseForTheOwnerOnly() throws Exception {
    Path fresh = data.resolve("state");
    int status = Parley.run(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()), "user", "add", "bob", "--password", "pw",
        "--data", fresh.toString(), "--domain", "example.com");
    assertThat(status).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
        .isEqualTo("rwx------");
    try (var files = Files.list(fresh)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("parley.db")))
          .isNotEmpty().allSatisfy(f -> assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
              .as(f.toString()).isEqualTo("rw-------"));
    }
  }

  @Test
  void problemsExitOneAndUsageErrorsTwo() {
    run("user", "add", "bob", "--password", "pw");
    Run dup = run("user", "add", "bob", "--password", "pw");
    assertThat(dup.status()).isEqualTo(1);
    assertThat(dup.err()).contains("parley user: user already exists: bob@example.com");
    Run unknown = run("user", "passwd", "carol", "--password", "x");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).contains("unknown user: carol@example.com");
    assertThat(run("user", "remove", "carol").status()).isEqualTo(1);
    Run badName = run("user", "add", "bad name", "--password", "x");
    assertThat(badName.status()).isEqualTo(2);
    assertThat(badName.err()).contains("USER: username 'bad name'");
    Run noFile = run("user", "import", data.resolve("missing.csv").toString());
    assertThat(noFile.status()).isEqualTo(2);
    assertThat(noFile.err()).contains("FILE: cannot read");
  }

  @Test
  void importPrintsProgressAndASummaryOrNamesTheBadLine() throws Exception {
    Path csv = data.resolve("u.csv");
    Files.writeString(csv, "user,password\nu1,p1\nu2,p,2\n");
    Run ok = run("user", "import", csv.toString());
    assertThat(ok.status()).isZero();
    assertThat(ok.out()).matches("imported 2 users into example.com in \\d+\\.\\d s\n");
    assertThat(ok.err()).contains("parley user import: stored 2/2");
    Files.writeString(csv, "u3,p\nu1,p\n");
    Run dup = run("user", "import", csv.toString());
    assertThat(dup.status()).isEqualTo(1);
    assertThat(dup.err()).contains(csv + ":2: user u1 already exists in example.com (nothing imported)");
    assertThat(run("user", "list").out()).isEqualTo("u1\nu2\n");
  }
}
