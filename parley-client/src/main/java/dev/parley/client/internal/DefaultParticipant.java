package dev.parley.client.internal;

import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.sip.Reason;
import dev.parley.sip.Uri;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Participant} and its signalling leg (the INVITE sent or received, then the dialog). Its
 * mutable fields are guarded by the endpoint's lock.
 */
final class DefaultParticipant implements Participant {
  final DefaultSession session;
  private final Uri uri;
  private final String displayName;
  private final boolean local;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile ParticipantState state;
  private ParticipantStateChangeReason lastReason;

  // the leg; guarded by the endpoint's lock
  /** The invitation it sent us, when it is the inviter of an incoming session. */
  PendingInvitation invitation;
  /** Talks in pager mode: MESSAGE outside any dialog, to {@link #pagerTarget} via {@link #pagerHop}. */
  boolean pager;
  /** The Request-URI of our pager-mode MESSAGEs (its Contact, or its address of record). */
  Uri pagerTarget;
  /** Where our pager-mode MESSAGEs go, or null to resolve {@link #pagerTarget} (or use the server). */
  dev.parley.transport.Hop pagerHop;
  /** The INVITE we sent it. */
  OutgoingInvite outgoing;
  /** The dialog once connected (or the id it will have, for an invitation being accepted). */
  Dialog dialog;
  /**
   * The last in-dialog MESSAGE/INFO sent to this participant (guarded by the endpoint's lock):
   * the next one waits for its final response, so CSeq order is wire order (RFC 3261 §12.2.2
   * answers a lower CSeq 500) even when two requests would leave from different event loops.
   */
  java.util.concurrent.CompletableFuture<?> inDialogTail =
      java.util.concurrent.CompletableFuture.completedFuture(null);
  DialogId dialogId;
  /** This side asked to end the leg (terminate, removeParticipant). */
  boolean localHangup;
  /** Why this side ends the leg: the Reason header of our BYE or CANCEL; null for none (a normal hang-up). */
  RejectReason hangupReason;
  /** Our BYE is out: the leg ends when its transaction does, not when the dialog does. */
  boolean byeSent;
  /** Completes when CONNECTED (outgoing); fails with the outcome otherwise. */
  final CompletableFuture<Participant> connected = new CompletableFuture<>();
  /** Completes when DISCONNECTED. */
  final CompletableFuture<Void> disconnected = new CompletableFuture<>();

  DefaultParticipant(DefaultSession session, Uri uri, String displayName, boolean local,
      ParticipantState initial) {
    this.session = session;
    this.uri = Objects.requireNonNull(uri, "uri");
    this.displayName = displayName;
    this.local = local;
    this.state = initial;
    this.lastReason = ParticipantStateChangeReason.NORMAL;
  }

  @Override
  public Uri uri() {
    return uri;
  }

  @Override
  public String displayName() {
    return displayName;
  }

  @Override
  public ParticipantState state() {
    return state;
  }

  @Override
  public boolean isLocal() {
    return local;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /**
   * Under the lock: moves to {@code to} (or reports a new reason in the same state) and enqueues
   * the event. DISCONNECTED is final. The local participant raises no events.
   */
  void change(ParticipantState to, ParticipantStateChangeReason reason, int statusCode) {
    change(to, reason, statusCode, null);
  }

  /**
   * Under the lock: as {@link #change(ParticipantState, ParticipantStateChangeReason, int)}, with
   * the other side's Reason header (RFC 3326), or null.
   */
  void change(ParticipantState to, ParticipantStateChangeReason reason, int statusCode,
      Reason remoteReason) {
    ParticipantState from = state;
    if (from == ParticipantState.DISCONNECTED || (from == to && reason == lastReason)) {
      return;
    }
    state = to;
    lastReason = reason;
    if (to == ParticipantState.DISCONNECTED) {
      session.endpoint.complete(disconnected, null);
    }
    if (local) {
      return;
    }
    ParticipantStateChangedEvent e = new ParticipantStateChangedEvent(from, to, reason, statusCode,
        Optional.ofNullable(remoteReason));
    session.endpoint.deliver(listeners, l -> l.onStateChanged(this, e));
  }

  @Override
  public String toString() {
    return "Participant[" + uri + " " + state + (local ? " local" : "") + "]";
  }
}
