package dev.parley.server.offline;

import dev.parley.server.registrar.Aor;
import dev.parley.server.store.Store;
import java.util.Arrays;
import java.util.Objects;

/**
 * A pager-mode MESSAGE (RFC 3428) kept in the {@link Store} for a user who was offline, until
 * {@link OfflineMessages} delivers it.
 *
 * <p>Immutable and thread-safe: the body is copied in and out.
 *
 * @param id the store's id, which orders a user's messages (0 for one not stored yet)
 * @param recipient the AOR it is for
 * @param from the From header field value as received (with its tag)
 * @param to the To header field value as received
 * @param callId the Call-ID of the MESSAGE as received (with {@code cseq}, recognizes a
 *     MESSAGE sent again in a new transaction)
 * @param cseq the CSeq number as received
 * @param contentType the Content-Type as received, or null when the MESSAGE had no body
 * @param body the body (empty when none)
 * @param receivedAt when the server accepted it, in milliseconds since the epoch
 * @param attempts how many delivery attempts failed so far
 * @param senderKey who sent it, for the per-sender quotas: {@code user:NAME} (authenticated),
 *     {@code trusted:PREFIX} or {@code source:PREFIX} (an IPv4 address or IPv6 /64 prefix); null
 *     for a message stored before senders were kept
 * @param senderAuthenticated whether the server vouched for the sender (true for the old
 *     messages without {@code senderKey})
 */
public record StoredMessage(long id, Aor recipient, String from, String to, String callId,
    long cseq, String contentType, byte[] body, long receivedAt, int attempts, String senderKey,
    boolean senderAuthenticated) {
  /**
   * Validates the parts and copies the body.
   *
   * @throws NullPointerException if a part other than {@code contentType} is null
   * @throws IllegalArgumentException if {@code id} or {@code attempts} is negative
   */
  public StoredMessage {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(callId, "callId");
    body = Objects.requireNonNull(body, "body").clone();
    if (id < 0) {
      throw new IllegalArgumentException("id is negative: " + id);
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts is negative: " + attempts);
    }
  }

  /** A message from an unrecorded sender (counted as authenticated, no per-sender quota). */
  public StoredMessage(long id, Aor recipient, String from, String to, String callId, long cseq,
      String contentType, byte[] body, long receivedAt, int attempts) {
    this(id, recipient, from, to, callId, cseq, contentType, body, receivedAt, attempts, null,
        true);
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int bodySize() {
    return body.length;
  }

  /** This message with another id (the store's). */
  public StoredMessage withId(long newId) {
    return new StoredMessage(newId, recipient, from, to, callId, cseq, contentType, body,
        receivedAt, attempts, senderKey, senderAuthenticated);
  }

  /** Compares the body by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof StoredMessage m && m.id == id && m.recipient.equals(recipient)
        && m.from.equals(from) && m.to.equals(to) && m.callId.equals(callId) && m.cseq == cseq
        && Objects.equals(m.contentType, contentType) && Arrays.equals(m.body, body)
        && m.receivedAt == receivedAt && m.attempts == attempts
        && Objects.equals(m.senderKey, senderKey)
        && m.senderAuthenticated == senderAuthenticated;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, recipient, callId, cseq) * 31 + Arrays.hashCode(body);
  }

  /** Leaves the body out: messages are private. */
  @Override
  public String toString() {
    return "StoredMessage[" + id + " for " + recipient + ", " + body.length + " bytes]";
  }
}
