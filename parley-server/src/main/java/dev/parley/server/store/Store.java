package dev.parley.server.store;

import dev.parley.server.offline.StoredMessage;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.store.internal.SqlStore;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the server keeps across restarts (DESIGN.md §5): accounts, registrar bindings, pager-mode
 * messages stored for offline users, and a few settings. Hot state lives in memory; the store is
 * written at the edges (account commands, a stored message) and behind in batches (bindings),
 * never once per SIP request on an event loop.
 *
 * <p>The embedded default, {@link #embedded(Path)}, is one SQLite file whose schema is migrated by
 * Flyway; its SQL stays portable to PostgreSQL so that several nodes can later share one.
 *
 * <p>Implementations are thread-safe. Every method may block on I/O: never call one on an event
 * loop. Failures are {@link StoreException}s.
 */
public interface Store extends AutoCloseable {
  /** The file name of the embedded database inside the data directory. */
  String EMBEDDED_FILE = "parley.db";

  /**
   * Opens (creating when needed) the embedded store {@code dataDir/parley.db} and migrates its
   * schema to the current version.
   *
   * @throws StoreException if the directory or the database cannot be created, opened or migrated
   */
  static Store embedded(Path dataDir) {
    return SqlStore.openEmbedded(dataDir);
  }

  // --- accounts ---

  /**
   * Adds an account.
   *
   * @throws DuplicateAccountException if the user exists in that domain
   */
  void addAccount(Account account);

  /**
   * Adds many accounts in one transaction: all or none.
   *
   * @return the number added
   * @throws DuplicateAccountException naming the first user that exists already
   */
  int addAccounts(Collection<Account> accounts);

  /**
   * Replaces an existing account's HA1 values (a password change).
   *
   * @return false when the user does not exist
   */
  boolean updateAccount(Account account);

  /**
   * Removes an account (its bindings stay until they expire or the server rewrites them).
   *
   * @return false when the user did not exist
   */
  boolean removeAccount(String domain, String username);

  /**
   * Sets an account's flags: admin (may sign in to the web admin page) and disabled (refused at
   * digest authentication).
   *
   * @return false when the user does not exist
   */
  boolean setAccountFlags(String domain, String username, boolean admin, boolean disabled);

  /** The account of {@code username} in {@code domain}, if any. */
  Optional<Account> account(String domain, String username);

  /** Every account of {@code domain}, ordered by username. */
  List<Account> accounts(String domain);

  /**
   * How many accounts each domain holds, for every domain that holds any, ordered by domain: what
   * a server started for a domain without accounts names to its operator.
   */
  Map<String, Integer> accountCountsByDomain();

  /**
   * A number that changes whenever an account of any domain is added, changed or removed, by
   * this process or another one sharing the database: a cheap test for reloading a cache.
   */
  long accountsVersion();

  // --- bindings ---

  /** Every stored binding, expired or not (the caller drops expired ones). */
  List<Binding> loadBindings();

  /**
   * Replaces, in one transaction, the stored bindings of each AOR in {@code bindingsByAor} with
   * the given list (an empty list removes the AOR's bindings).
   */
  void replaceBindings(Map<Aor, List<Binding>> bindingsByAor);

  // --- offline messages (RFC 3428 store-and-forward, see OfflineMessages) ---

  /**
   * Stores a message for its recipient under the next id (ids grow, so they order each
   * recipient's messages); the message's own id is ignored.
   *
   * @return the id given, or empty when a message for the same recipient with the same Call-ID
   *     and CSeq is stored already (the sender retried it in a new transaction): nothing is stored
   */
  OptionalLong storeMessage(StoredMessage message);

  /**
   * Up to {@code limit} messages stored for {@code username} in {@code domain}, lowest id
   * (oldest) first.
   *
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  List<StoredMessage> pendingMessages(String domain, String username, int limit);

  /**
   * Deletes a stored message (after its delivery, or when it is dropped).
   *
   * @return false when no message has that id
   */
  boolean deleteMessage(long id);

  /**
   * Adds one to a stored message's failed delivery attempts.
   *
   * @return false when no message has that id
   */
  boolean messageAttemptFailed(long id);

  /** How many messages, and how many body bytes, are stored for {@code username}. */
  MessageCount messageCount(String domain, String username);

  /** The count for every recipient that has stored messages (a start-up load). */
  Map<Aor, MessageCount> messageCounts();

  /**
   * The count for every recipient and sender that have stored messages (the start-up load of
   * the per-sender quotas, and their recount after the expiry sweep).
   */
  List<SenderCount> messageCountsBySender();

  /**
   * Deletes the messages received before {@code receivedBeforeMillis} (the expiry sweep).
   *
   * @return how many were deleted
   */
  int deleteMessagesReceivedBefore(long receivedBeforeMillis);

  /**
   * How many messages one sender has stored for one recipient.
   *
   * @param recipient the AOR they are for
   * @param senderKey the {@link StoredMessage#senderKey()}, null for the old unrecorded ones
   * @param senderAuthenticated the {@link StoredMessage#senderAuthenticated()}
   * @param count how many, and their body bytes
   */
  record SenderCount(Aor recipient, String senderKey, boolean senderAuthenticated,
      MessageCount count) {
    /**
     * Checks the parts.
     *
     * @throws NullPointerException if {@code recipient} or {@code count} is null
     */
    public SenderCount {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(count, "count");
    }
  }

  /**
   * A number of stored messages and the sum of their body sizes.
   *
   * @param messages how many messages
   * @param bytes their body bytes
   */
  record MessageCount(int messages, long bytes) {
    /** No messages. */
    public static final MessageCount NONE = new MessageCount(0, 0);
  }

  // --- settings ---

  /** A stored setting, if set. */
  Optional<String> setting(String name);

  /** Stores a setting, replacing any earlier value. */
  void setSetting(String name, String value);

  /** Closes the database. Idempotent. */
  @Override
  void close();
}
