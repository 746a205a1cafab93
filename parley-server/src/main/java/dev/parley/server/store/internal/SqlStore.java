package dev.parley.server.store.internal;

import dev.parley.server.offline.StoredMessage;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.store.Account;
import dev.parley.server.store.DuplicateAccountException;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import dev.parley.sip.Address;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@link Store} over JDBC: the embedded SQLite file ({@link EmbeddedSqlite}: its schema
 * migrated by Flyway from {@code classpath:db/migration}). Statements are plain portable SQL
 * (PostgreSQL accepts them too).
 *
 * <p>One connection, used under this object's lock: SQLite has one writer at a time anyway, and
 * the server calls the store from one thread. Other processes (the {@code parley user} command)
 * may use the same file concurrently: WAL mode and a busy timeout make them wait, not fail.
 */
public final class SqlStore implements Store {
  private static final int BATCH = 1_000;

  private final String url;
  private final Connection connection;
  private boolean closed;

  private SqlStore(String url, Connection connection) {
    this.url = url;
    this.connection = connection;
  }

  /**
   * Opens {@code dataDir/parley.db}, migrated, its files for their owner only
   * ({@link EmbeddedSqlite#open}).
   */
  public static SqlStore openEmbedded(Path dataDir) {
    EmbeddedSqlite db = EmbeddedSqlite.open(dataDir);
    return new SqlStore(db.url(), db.connection());
  }

  // --- accounts ---

  @Override
  public synchronized void addAccount(Account account) {
    addAccounts(List.of(account));
  }

  @Override
  public synchronized int addAccounts(Collection<Account> accounts) {
    return inTransaction("add accounts", () -> {
      Set<String> domains = new HashSet<>();
      for (Account a : accounts) {
        domains.add(a.domain());
      }
      Set<String> existing = new HashSet<>();
      for (String d : domains) {
        try (PreparedStatement q = prepare("SELECT username FROM accounts WHERE domain = ?")) {
          q.setString(1, d);
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              existing.add(rs.getString(1) + "@" + d);
            }
          }
        }
      }
      long now = System.currentTimeMillis();
      int n = 0;
      try (PreparedStatement ins = prepare("INSERT INTO accounts (domain, username, ha1_md5,"
          + " ha1_sha256, ha1_sha512_256, created_at, updated_at, admin, disabled)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Account a : accounts) {
          if (!existing.add(a.username() + "@" + a.domain())) {
            throw new DuplicateAccountException(a.username(), a.domain());
          }
          ins.setString(1, a.domain());
          ins.setString(2, a.username());
          ins.setString(3, a.ha1Md5());
          ins.setString(4, a.ha1Sha256());
          ins.setString(5, a.ha1Sha512256());
          ins.setLong(6, now);
          ins.setLong(7, now);
          ins.setInt(8, a.admin() ? 1 : 0);
          ins.setInt(9, a.disabled() ? 1 : 0);
          ins.addBatch();
          if (++n % BATCH == 0) {
            ins.executeBatch();
          }
        }
        ins.executeBatch();
      }
      bumpAccountsVersion();
      return n;
    });
  }

  @Override
  public synchronized boolean updateAccount(Account a) {
    return inTransaction("update account " + a.username(), () -> {
      try (PreparedStatement u = prepare("UPDATE accounts SET ha1_md5 = ?, ha1_sha256 = ?,"
          + " ha1_sha512_256 = ?, updated_at = ? WHERE domain = ? AND username = ?")) {
        u.setString(1, a.ha1Md5());
        u.setString(2, a.ha1Sha256());
        u.setString(3, a.ha1Sha512256());
        u.setLong(4, System.currentTimeMillis());
        u.setString(5, a.domain());
        u.setString(6, a.username());
        boolean changed = u.executeUpdate() > 0;
        if (changed) {
          bumpAccountsVersion();
        }
        return changed;
      }
    });
  }

  @Override
  public synchronized boolean removeAccount(String domain, String username) {
    return inTransaction("remove account " + username, () -> {
      try (PreparedStatement d = prepare("DELETE FROM accounts WHERE domain = ? AND username = ?")) {
        d.setString(1, domain);
        d.setString(2, username);
        boolean changed = d.executeUpdate() > 0;
        if (changed) {
          bumpAccountsVersion();
        }
        return changed;
      }
    });
  }

  @Override
  public synchronized Optional<Account> account(String domain, String username) {
    return query("read account " + username, () -> {
      try (PreparedStatement q = prepare("SELECT domain, username, ha1_md5, ha1_sha256,"
          + " ha1_sha512_256, admin, disabled FROM accounts WHERE domain = ? AND username = ?")) {
        q.setString(1, domain);
        q.setString(2, username);
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? Optional.of(account(rs)) : Optional.<Account>empty();
        }
      }
    });
  }

  @Override
  public synchronized List<Account> accounts(String domain) {
    return query("list accounts", () -> {
      try (PreparedStatement q = prepare("SELECT domain, username, ha1_md5, ha1_sha256,"
          + " ha1_sha512_256, admin, disabled FROM accounts WHERE domain = ? ORDER BY username")) {
        q.setString(1, domain);
        List<Account> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            out.add(account(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public synchronized Map<String, Integer> accountCountsByDomain() {
    return query("count accounts by domain", () -> {
      try (PreparedStatement q = prepare("SELECT domain, COUNT(*) FROM accounts GROUP BY domain"
          + " ORDER BY domain");
           ResultSet rs = q.executeQuery()) {
        Map<String, Integer> out = new LinkedHashMap<>();
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
        return out;
      }
    });
  }

  private static Account account(ResultSet rs) throws SQLException {
    return new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getInt(6) != 0, rs.getInt(7) != 0);
  }

  @Override
  public synchronized boolean setAccountFlags(String domain, String username, boolean admin,
      boolean disabled) {
    return inTransaction("set flags of account " + username, () -> {
      try (PreparedStatement u = prepare("UPDATE accounts SET admin = ?, disabled = ?,"
          + " updated_at = ? WHERE domain = ? AND username = ?")) {
        u.setInt(1, admin ? 1 : 0);
        u.setInt(2, disabled ? 1 : 0);
        u.setLong(3, System.currentTimeMillis());
        u.setString(4, domain);
        u.setString(5, username);
        boolean changed = u.executeUpdate() > 0;
        if (changed) {
          bumpAccountsVersion();
        }
        return changed;
      }
    });
  }

  @Override
  public synchronized long accountsVersion() {
    return query("read accounts version", () -> {
      try (PreparedStatement q = prepare("SELECT version FROM account_changes WHERE id = 1");
           ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  private void bumpAccountsVersion() throws SQLException {
    try (PreparedStatement u = prepare("UPDATE account_changes SET version = version + 1 WHERE id = 1")) {
      u.executeUpdate();
    }
  }

  // --- bindings ---

  @Override
  public synchronized List<Binding> loadBindings() {
    return query("load bindings", () -> {
      List<Binding> out = new ArrayList<>();
      try (PreparedStatement q = prepare("SELECT domain, username, contact, expires_at, q_millis,"
          + " call_id, cseq, path, instance_id, reg_id, source, user_agent, registered_at"
          + " FROM bindings");
           ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          List<Address> path = new ArrayList<>();
          String p = rs.getString(8);
          if (p != null && !p.isEmpty()) {
            for (String line : p.split("\n")) {
              path.add(Address.parse(line));
            }
          }
          int qm = rs.getInt(5);
          out.add(new Binding(new Aor(rs.getString(2), rs.getString(1)),
              Address.parse(rs.getString(3)), rs.getLong(4), qm < 0 ? -1f : qm / 1000f,
              rs.getString(6), rs.getLong(7), path, rs.getString(9), rs.getInt(10),
              rs.getString(11), rs.getString(12), rs.getLong(13)));
        }
      }
      return out;
    });
  }

  @Override
  public synchronized void replaceBindings(Map<Aor, List<Binding>> bindingsByAor) {
    if (bindingsByAor.isEmpty()) {
      return;
    }
    inTransaction("write bindings", () -> {
      try (PreparedStatement del = prepare("DELETE FROM bindings WHERE domain = ? AND username = ?");
           PreparedStatement ins = prepare("INSERT INTO bindings (domain, username, binding_key,"
               + " contact, expires_at, q_millis, call_id, cseq, path, instance_id, reg_id, source,"
               + " user_agent, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int n = 0;
        for (Map.Entry<Aor, List<Binding>> e : bindingsByAor.entrySet()) {
          del.setString(1, e.getKey().host());
          del.setString(2, e.getKey().user());
          del.addBatch();
          if (++n % BATCH == 0) {
            del.executeBatch();
          }
        }
        del.executeBatch();
        n = 0;
        for (List<Binding> list : bindingsByAor.values()) {
          for (Binding b : list) {
            ins.setString(1, b.aor().host());
            ins.setString(2, b.aor().user());
            ins.setString(3, b.key());
            ins.setString(4, b.contactText());
            ins.setLong(5, b.expiresAt());
            ins.setInt(6, b.q() < 0 ? -1 : Math.round(b.q() * 1000));
            ins.setString(7, b.callId());
            ins.setLong(8, b.cseq());
            ins.setString(9, b.pathText());
            ins.setString(10, b.instance());
            ins.setInt(11, b.regId());
            ins.setString(12, b.source());
            ins.setString(13, b.userAgent());
            ins.setLong(14, b.registeredAt());
            ins.addBatch();
            if (++n % BATCH == 0) {
              ins.executeBatch();
            }
          }
        }
        ins.executeBatch();
      }
      return null;
    });
  }

  // --- offline messages ---

  private static final String MESSAGE_COLUMNS = "id, domain, username, from_header, to_header,"
      + " call_id, cseq, content_type, body, received_at, attempts, sender_key,"
      + " sender_authenticated";

  @Override
  public synchronized OptionalLong storeMessage(StoredMessage m) {
    return inTransaction("store message for " + m.recipient(), () -> {
      try (PreparedStatement q = prepare("SELECT id FROM offline_messages WHERE domain = ?"
          + " AND username = ? AND call_id = ? AND cseq = ?")) {
        q.setString(1, m.recipient().host());
        q.setString(2, m.recipient().user());
        q.setString(3, m.callId());
        q.setLong(4, m.cseq());
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return OptionalLong.empty();
          }
        }
      }
      long id;
      try (PreparedStatement u = prepare(
          "UPDATE offline_message_ids SET next_id = next_id + 1 WHERE id = 1")) {
        u.executeUpdate();
      }
      try (PreparedStatement q = prepare("SELECT next_id FROM offline_message_ids WHERE id = 1");
           ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("offline_message_ids has no row");
        }
        id = rs.getLong(1) - 1;
      }
      try (PreparedStatement ins = prepare("INSERT INTO offline_messages (" + MESSAGE_COLUMNS
          + ", body_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        byte[] body = m.body();
        ins.setLong(1, id);
        ins.setString(2, m.recipient().host());
        ins.setString(3, m.recipient().user());
        ins.setString(4, m.from());
        ins.setString(5, m.to());
        ins.setString(6, m.callId());
        ins.setLong(7, m.cseq());
        ins.setString(8, m.contentType());
        ins.setBytes(9, body);
        ins.setLong(10, m.receivedAt());
        ins.setInt(11, m.attempts());
        ins.setString(12, m.senderKey());
        ins.setInt(13, m.senderAuthenticated() ? 1 : 0);
        ins.setInt(14, body.length);
        ins.executeUpdate();
      }
      return OptionalLong.of(id);
    });
  }

  @Override
  public synchronized List<StoredMessage> pendingMessages(String domain, String username,
      int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return query("read messages for " + username, () -> {
      try (PreparedStatement q = prepare("SELECT " + MESSAGE_COLUMNS + " FROM offline_messages"
          + " WHERE domain = ? AND username = ? ORDER BY id LIMIT ?")) {
        q.setString(1, domain);
        q.setString(2, username);
        q.setInt(3, limit);
        List<StoredMessage> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            byte[] body = rs.getBytes(9);
            out.add(new StoredMessage(rs.getLong(1), new Aor(rs.getString(3), rs.getString(2)),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7),
                rs.getString(8), body == null ? new byte[0] : body, rs.getLong(10),
                rs.getInt(11), rs.getString(12), rs.getInt(13) != 0));
          }
        }
        return out;
      }
    });
  }

  @Override
  public synchronized boolean deleteMessage(long id) {
    return inTransaction("delete message " + id, () -> {
      try (PreparedStatement d = prepare("DELETE FROM offline_messages WHERE id = ?")) {
        d.setLong(1, id);
        return d.executeUpdate() > 0;
      }
    });
  }

  @Override
  public synchronized boolean messageAttemptFailed(long id) {
    return inTransaction("update message " + id, () -> {
      try (PreparedStatement u = prepare(
          "UPDATE offline_messages SET attempts = attempts + 1 WHERE id = ?")) {
        u.setLong(1, id);
        return u.executeUpdate() > 0;
      }
    });
  }

  @Override
  public synchronized MessageCount messageCount(String domain, String username) {
    return query("count messages for " + username, () -> {
      try (PreparedStatement q = prepare("SELECT COUNT(*), COALESCE(SUM(body_size), 0)"
          + " FROM offline_messages WHERE domain = ? AND username = ?")) {
        q.setString(1, domain);
        q.setString(2, username);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          return new MessageCount(rs.getInt(1), rs.getLong(2));
        }
      }
    });
  }

  @Override
  public synchronized Map<Aor, MessageCount> messageCounts() {
    return query("count messages", () -> {
      Map<Aor, MessageCount> out = new LinkedHashMap<>();
      try (PreparedStatement q = prepare("SELECT domain, username, COUNT(*), SUM(body_size)"
          + " FROM offline_messages GROUP BY domain, username ORDER BY domain, username");
           ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.put(new Aor(rs.getString(2), rs.getString(1)),
              new MessageCount(rs.getInt(3), rs.getLong(4)));
        }
      }
      return out;
    });
  }

  @Override
  public synchronized List<SenderCount> messageCountsBySender() {
    return query("count messages by sender", () -> {
      List<SenderCount> out = new ArrayList<>();
      try (PreparedStatement q = prepare("SELECT domain, username, sender_key,"
          + " sender_authenticated, COUNT(*), SUM(body_size) FROM offline_messages"
          + " GROUP BY domain, username, sender_key, sender_authenticated"
          + " ORDER BY domain, username, sender_key");
           ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new SenderCount(new Aor(rs.getString(2), rs.getString(1)), rs.getString(3),
              rs.getInt(4) != 0, new MessageCount(rs.getInt(5), rs.getLong(6))));
        }
      }
      return out;
    });
  }

  @Override
  public synchronized int deleteMessagesReceivedBefore(long receivedBeforeMillis) {
    return inTransaction("delete expired messages", () -> {
      try (PreparedStatement d = prepare("DELETE FROM offline_messages WHERE received_at < ?")) {
        d.setLong(1, receivedBeforeMillis);
        return d.executeUpdate();
      }
    });
  }

  // --- settings ---

  @Override
  public synchronized Optional<String> setting(String name) {
    return query("read setting " + name, () -> {
      try (PreparedStatement q = prepare("SELECT value FROM settings WHERE name = ?")) {
        q.setString(1, name);
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  @Override
  public synchronized void setSetting(String name, String value) {
    inTransaction("write setting " + name, () -> {
      try (PreparedStatement u = prepare("INSERT INTO settings (name, value) VALUES (?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
        u.setString(1, name);
        u.setString(2, value);
        u.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "SqlStore[" + url + "]";
  }

  // --- plumbing ---

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    if (closed) {
      throw new StoreException("store is closed: " + url);
    }
    return connection.prepareStatement(sql);
  }

  private <T> T query(String what, SqlWork<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private <T> T inTransaction(String what, SqlWork<T> work) {
    try {
      connection.setAutoCommit(false);
      boolean done = false;
      try {
        T result = work.run();
        connection.commit();
        done = true;
        return result;
      } finally {
        if (!done) {
          connection.rollback();
        }
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
    }
  }
}
