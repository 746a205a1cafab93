package dev.parley.dialog;

import dev.parley.sip.SipRequest;
import dev.parley.transport.Scheduler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user agent's dialogs, early and confirmed, by {@link DialogId} (RFC 3261 §12), at most
 * {@code maxDialogs} at once. Split out of {@link UserAgent}, which owns one.
 *
 * <p>Thread-safe: entries are added and removed from their dialogs' schedulers and looked up from
 * any event loop; each entry's own state stays confined to its scheduler.
 */
final class DialogTable {
  private final int maxDialogs;
  private final Map<DialogId, DialogEntry> dialogs = new ConcurrentHashMap<>();

  DialogTable(int maxDialogs) {
    this.maxDialogs = maxDialogs;
  }

  /** Dialogs currently known (early or confirmed). */
  int size() {
    return dialogs.size();
  }

  /** The dialog with {@code id}, or null. */
  DialogEntry find(DialogId id) {
    return dialogs.get(id);
  }

  /** Adds a dialog; false when the table is full (bounded by {@code maxDialogs}). */
  boolean register(DialogEntry entry) {
    if (dialogs.size() >= maxDialogs) {
      return false;
    }
    dialogs.putIfAbsent(entry.dialog.id(), entry);
    return true;
  }

  /** Removes {@code entry}; true when it was in the table. */
  boolean remove(DialogEntry entry) {
    return dialogs.remove(entry.dialog.id(), entry);
  }

  /** Drops a dialog silently (an early dialog that never became confirmed). */
  void forget(DialogEntry entry) {
    entry.dialog.terminate();
    entry.stopRetransmitting();
    dialogs.remove(entry.dialog.id(), entry);
  }

  /**
   * The scheduler of the dialog {@code request} (one we send) belongs to, or null: a request
   * inside one of our dialogs runs there, where its CSeq was taken, so requests leave in CSeq
   * order (RFC 3261 §12.2.1.1).
   */
  Scheduler schedulerOf(SipRequest request) {
    if (request.to() == null || request.to().tag() == null || request.from() == null) {
      return null;
    }
    DialogEntry entry = dialogs.get(
        new DialogId(request.callId(), request.from().tag(), request.to().tag()));
    return entry == null ? null : entry.scheduler;
  }
}
