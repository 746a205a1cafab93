package dev.parley.focus.internal;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.sip.SipUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One conference: its URI, conversation ID and organizer, and its participants' legs.
 *
 * <p>Thread-safe: participants' requests arrive on several event loops, so every method holds
 * the conference's lock, briefly and without blocking. Listeners of a change run after the lock
 * is released.
 */
final class Conference {
  final String id;
  final SipUri uri;
  final String conversationId;
  final SipUri organizer;
  private final Map<Long, Leg> legs = new LinkedHashMap<>();
  private long nextLeg = 1;
  private boolean ended;
  /** When the conference last became empty (scheduler millis), or -1 while someone is in. */
  private long emptySince = -1;

  Conference(String id, SipUri uri, String conversationId, SipUri organizer) {
    this.id = id;
    this.uri = uri;
    this.conversationId = conversationId;
    this.organizer = organizer;
  }

  /**
   * Adds a leg, or returns null when the conference has ended or has {@code max} legs already.
   */
  synchronized Leg add(SipUri aor, String displayName, boolean authenticated,
      ParticipantStatus status, int max) {
    if (ended || legs.size() >= max) {
      return null;
    }
    Leg leg = new Leg(nextLeg++, aor, displayName, authenticated, status);
    legs.put(leg.id, leg);
    emptySince = -1;
    return leg;
  }

  /** The leg whose dialog is {@code id}, or null. */
  synchronized Leg legOf(DialogId id) {
    for (Leg l : legs.values()) {
      if (l.dialog != null && l.dialog.id().equals(id)) {
        return l;
      }
    }
    return null;
  }

  /** Whether an authenticated user or guest with this AOR is in (or joining) the conference. */
  synchronized boolean hasParticipant(SipUri aor) {
    for (Leg l : legs.values()) {
      if (l.aor.equivalentTo(aor) && l.status != ParticipantStatus.DISCONNECTED) {
        return true;
      }
    }
    return false;
  }

  /** The leg is in: its dialog is confirmed. */
  synchronized void connected(Leg leg, Dialog dialog) {
    leg.dialog = dialog;
    leg.status = ParticipantStatus.CONNECTED;
  }

  /**
   * Takes a leg out; returns true when that left the conference empty (at {@code nowMillis}).
   */
  synchronized boolean remove(Leg leg, long nowMillis) {
    leg.status = ParticipantStatus.DISCONNECTED;
    legs.remove(leg.id);
    if (legs.isEmpty()) {
      emptySince = nowMillis;
      return true;
    }
    return false;
  }

  /** The connected legs other than {@code except}, each with its dialog. */
  synchronized List<Leg> othersConnected(Leg except) {
    List<Leg> out = new ArrayList<>();
    for (Leg l : legs.values()) {
      if (l != except && l.dialog != null && l.status.isIn()) {
        out.add(l);
      }
    }
    return out;
  }

  /** Every leg's dialog, for ending the conference. */
  synchronized List<Dialog> dialogs() {
    List<Dialog> out = new ArrayList<>();
    for (Leg l : legs.values()) {
      if (l.dialog != null) {
        out.add(l.dialog);
      }
    }
    return out;
  }

  synchronized int size() {
    return legs.size();
  }

  /**
   * Ends the conference if it has been empty since at least {@code idleMillis} before
   * {@code nowMillis}; returns whether it ended now.
   */
  synchronized boolean endIfIdle(long nowMillis, long idleMillis) {
    if (!ended && legs.isEmpty() && emptySince >= 0 && nowMillis - emptySince >= idleMillis) {
      ended = true;
      return true;
    }
    return false;
  }

  /** Ends the conference now (the focus closes); returns false if it had ended already. */
  synchronized boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    return true;
  }

  synchronized boolean isEnded() {
    return ended;
  }

  /** Runs {@code action} on each leg under the lock (it must not block). */
  synchronized void forEachLeg(Consumer<Leg> action) {
    legs.values().forEach(action);
  }

  synchronized ConferenceView view(int subscriptions) {
    List<ConferenceView.Participant> ps = new ArrayList<>();
    for (Leg l : legs.values()) {
      ps.add(l.view());
    }
    return new ConferenceView(uri.toString(), conversationId, organizer.toString(), ps,
        subscriptions);
  }
}
