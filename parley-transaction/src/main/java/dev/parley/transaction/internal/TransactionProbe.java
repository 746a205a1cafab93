package dev.parley.transaction.internal;

import dev.parley.transaction.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * For tests: what a transaction holds now, so that a test can check that a lingering one keeps
 * only bytes (no parsed or built message, no transaction user's listener beyond the narrow one)
 * without relying on when a garbage collection runs. Read it on the transaction's scheduler.
 */
public final class TransactionProbe {
  private TransactionProbe() {}

  /**
   * The messages ({@link dev.parley.sip.SipMessage}) and, for a client transaction, the listener
   * that {@code transaction} holds now.
   *
   * @throws IllegalArgumentException if {@code transaction} is not one of this package's
   */
  public static List<Object> held(Transaction transaction) {
    List<Object> held = new ArrayList<>();
    of(transaction).addHeld(held);
    return held;
  }

  /**
   * Whether the layer registered {@code transaction} for merged-request detection (RFC 3261
   * §8.2.2.2): a key kept as long as the transaction.
   *
   * @throws IllegalArgumentException if {@code transaction} is not one of this package's
   */
  public static boolean keepsMergeKey(Transaction transaction) {
    return of(transaction) instanceof AbstractServerTransaction s && s.mergeKey != null;
  }

  /**
   * How {@code transaction} holds its request now: {@code "message"} (not compacted, or its bytes
   * do not parse back), {@code "received bytes"} (the bytes it arrived in, kept as they came),
   * {@code "received bytes, stamped Via"} (those bytes and the top Via value the transport
   * stamped, spliced in when read) or {@code "encoded bytes"}; {@code "ACK bytes"} when it let the request go and keeps only the
   * ACK it sent ({@link dev.parley.transaction.ClientTransaction.Listener#readsRequestWhileLingering});
   * {@code "nothing"} for a Confirmed INVITE server transaction whose user reads no request
   * ({@link dev.parley.transaction.ServerTransaction#readsNoRequestOnceConfirmed}), for a
   * Completed non-INVITE server transaction whose user reads none ({@link
   * dev.parley.transaction.ServerTransaction#readsNoRequestOnceCompleted}) and for a
   * Completed non-INVITE client transaction whose listener reads none.
   *
   * @throws IllegalArgumentException if {@code transaction} is not one of this package's
   */
  public static String requestHeldAs(Transaction transaction) {
    AbstractTransaction tx = of(transaction);
    if (tx.requestDropped()) {
      return tx instanceof InviteClientTransaction ? "ACK bytes" : "nothing";
    }
    WireCopy copy = tx.requestCopy();
    return copy == null ? "message" : copy.isVerbatim() ? "received bytes"
        : copy.isSpliced() ? "received bytes, stamped Via" : "encoded bytes";
  }

  /**
   * Whether the bytes {@code transaction} keeps for its request, or for the final response it
   * resends, are {@code array} itself: the encoding made once to send that message, shared.
   *
   * @throws IllegalArgumentException if {@code transaction} is not one of this package's
   */
  public static boolean keeps(Transaction transaction, byte[] array) {
    AbstractTransaction tx = of(transaction);
    WireCopy request = tx.requestCopy();
    WireCopy response = tx.responseCopy();
    WireCopy ack = tx instanceof InviteClientTransaction ict ? ict.ackCopy() : null;
    return (request != null && request.holds(array)) || (response != null && response.holds(array))
        || (ack != null && ack.holds(array));
  }

  private static AbstractTransaction of(Transaction transaction) {
    Objects.requireNonNull(transaction, "transaction");
    if (!(transaction instanceof AbstractTransaction tx)) {
      throw new IllegalArgumentException("transaction: not made by DefaultTransactionLayer: "
          + transaction.getClass().getName());
    }
    return tx;
  }
}
