package dev.parley.server.store.internal;

import dev.parley.server.internal.PrivateFiles;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/**
 * The embedded SQLite database of a data directory, opened: its JDBC URL and the one connection
 * {@link SqlStore} uses. Opening it creates and restricts its files and migrates its schema.
 *
 * @param url the JDBC URL, for messages
 * @param connection the connection, configured for concurrent processes on the same file
 */
record EmbeddedSqlite(String url, Connection connection) {
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /**
   * Opens {@code dataDir/parley.db}, creating the directory ({@code 0700}) and the file
   * ({@code 0600}, and so its {@code -wal} and {@code -shm} files: they hold HA1 hashes), and
   * migrates it. Existing ones open to group or others are restricted to their owner, with a
   * warning ({@link PrivateFiles}); WAL mode, a busy timeout, and transactions that take the
   * write lock when they begin.
   */
  static EmbeddedSqlite open(Path dataDir) {
    try {
      PrivateFiles.directory(dataDir);
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
    }
    Path file = dataDir.resolve(Store.EMBEDDED_FILE).toAbsolutePath();
    try {
      PrivateFiles.file(file); // before SQLite creates it: the -wal and -shm files copy its mode
      PrivateFiles.restrict(file.resolveSibling(Store.EMBEDDED_FILE + "-wal"));
      PrivateFiles.restrict(file.resolveSibling(Store.EMBEDDED_FILE + "-shm"));
    } catch (IOException e) {
      throw new StoreException("cannot create " + file + " for its owner only: " + e.getMessage(),
          e);
    }
    String url = "jdbc:sqlite:" + file;
    try {
      Flyway.configure(EmbeddedSqlite.class.getClassLoader())
          .dataSource(url + "?busy_timeout=" + BUSY_TIMEOUT_MILLIS, null, null)
          .locations("classpath:db/migration")
          // the binary column type: BLOB here, BYTEA on PostgreSQL (V2__offline_messages.sql)
          .placeholders(Map.of("binary", "BLOB"))
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new StoreException("cannot migrate " + file + ": " + e.getMessage(), e);
    }
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      // take the write lock when a transaction begins: two processes that both read then write
      // would otherwise fail with SQLITE_BUSY instead of waiting for each other
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      return new EmbeddedSqlite(url, config.createConnection(url));
    } catch (SQLException e) {
      throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }
}
