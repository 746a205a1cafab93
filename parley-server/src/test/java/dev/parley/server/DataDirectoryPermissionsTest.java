package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.store.Account;
import dev.parley.server.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, finding 10: the data directory holds every account's HA1 hashes ({@code parley.db}
 * and its {@code -wal} and {@code -shm} files) and the development TLS key: it is the owner's
 * alone, whatever the umask, and a directory left open by an older version is closed on start.
 */
class DataDirectoryPermissionsTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static List<Path> listed(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static ServerConfig.Builder config(Path data) {
    return ServerConfig.builder().domain("example.com").dataDir(data).threads(1)
        .listen("udp:127.0.0.1:0").registrar(RegistrarConfig.builder().flushInterval(Duration.ofHours(1)).build())
        .status(StatusConfig.builder().listen("127.0.0.1:0").build());
  }

  @Test
  void aStartedServerKeepsItsDataDirectoryAndEveryFileInItToItsOwner() throws Exception {
    Path data = tmp.resolve("data");
    try (SipServer server = SipServer.start(config(data).listen("tls:127.0.0.1:0").build())) {
      try (Store store = Store.embedded(data)) {
        store.addAccount(Account.withPassword("example.com", "alice", "secret"));
      }
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(listed(data)).extracting(p -> p.getFileName().toString())
          .contains("parley.db", "parley.db-wal", "parley.db-shm", "status.url", "tls");
      for (Path p : listed(data)) {
        assertThat(mode(p)).as(p.toString())
            .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
      }
      assertThat(listed(data.resolve("tls"))).isNotEmpty()
          .allSatisfy(p -> assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------"));
    }
  }

  @Test
  void filesLeftOpenToOthersAreRestrictedOnStart() throws Exception {
    Path data = tmp.resolve("old");
    try (Store store = Store.embedded(data)) {
      store.addAccount(Account.withPassword("example.com", "alice", "secret"));
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(data.resolve("parley.db"),
        PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(data.resolve("parley.db-wal"), "");
    Files.setPosixFilePermissions(data.resolve("parley.db-wal"),
        PosixFilePermissions.fromString("rw-rw-rw-"));

    try (SipServer server = SipServer.start(config(data).build())) {
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("parley.db"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("parley.db-wal"))).isEqualTo("rw-------");
      assertThat(server.accountCount()).isEqualTo(1);
    }
  }
}
