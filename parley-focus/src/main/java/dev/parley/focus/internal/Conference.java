package dev.parley.focus.internal;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.ParticipantStatus;
import dev.parley.media.AudioMixer;
import dev.parley.media.MixerParticipant;
import dev.parley.sip.SipUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One conference: its URI, conversation ID and organizer, and its participants' legs.
 *
 * <p>Thread-safe: participants' requests arrive on several event loops, so every method holds
 * the conference's lock, briefly and without blocking. Listeners of a change run after the lock
 * is released.
 */
final class Conference {
  /** Invitations remembered (invitation-only dial-in); beyond, the oldest is forgotten. */
  static final int MAX_INVITED = 256;

  final String id;
  final SipUri uri;
  final String conversationId;
  final SipUri organizer;
  private final Map<Long, Leg> legs = new LinkedHashMap<>();
  /** The roster's subscribers; guarded by this conference's lock too. */
  final Roster roster = new Roster(this);
  private long nextLeg = 1;
  private boolean ended;
  /** The conference's mix, made with its first audio leg; null before and after. */
  private AudioMixer mixer;
  /** The timer that ends it when it has stayed empty (idle timeout above zero), or null. */
  private dev.parley.transport.Scheduler.Timer idleTimer;
  /** When the conference last became empty (scheduler millis), or -1 while someone is in. */
  private long emptySince = -1;
  /** The users the focus was asked to invite (REFER), oldest first, at most MAX_INVITED. */
  private final java.util.ArrayDeque<SipUri> invited = new java.util.ArrayDeque<>();

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
      if (id.equals(l.dialogId) || l.dialog != null && l.dialog.id().equals(id)) {
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

  /** The focus was asked to invite {@code aor}: it may dial in when dial-in is by invitation. */
  synchronized void invited(SipUri aor) {
    if (invited.stream().anyMatch(aor::equivalentTo)) {
      return;
    }
    if (invited.size() >= MAX_INVITED) {
      invited.removeFirst();
    }
    invited.addLast(aor);
  }

  /** Whether {@code aor} may dial in by invitation: the organizer, or someone invited. */
  synchronized boolean isInvited(SipUri aor) {
    return organizer.equivalentTo(aor) || invited.stream().anyMatch(aor::equivalentTo);
  }

  /** The legs of the participant {@code aor} (one per device it is in with), in join order. */
  synchronized List<Leg> legsOf(SipUri aor) {
    List<Leg> out = new ArrayList<>();
    for (Leg l : legs.values()) {
      if (l.aor.equivalentTo(aor)) {
        out.add(l);
      }
    }
    return out;
  }

  /** Participants (AORs) in, each counted once whatever its legs (RFC 4575 user-count). */
  synchronized int userCount() {
    List<SipUri> seen = new ArrayList<>();
    for (Leg l : legs.values()) {
      if (seen.stream().noneMatch(l.aor::equivalentTo)) {
        seen.add(l.aor);
      }
    }
    return seen.size();
  }

  /** Dial-outs not answered yet. */
  synchronized int dialingOut() {
    int n = 0;
    for (Leg l : legs.values()) {
      if (l.status == ParticipantStatus.DIALING_OUT || l.status == ParticipantStatus.ALERTING) {
        n++;
      }
    }
    return n;
  }

  /** A dial-out rings; true if that changed its status. */
  synchronized boolean alerting(Leg leg) {
    if (leg.status == ParticipantStatus.DIALING_OUT) {
      leg.status = ParticipantStatus.ALERTING;
      return true;
    }
    return false;
  }

  /** The dialog of the participant {@code aor} in the conference, or null. */
  synchronized Dialog dialogOf(SipUri aor) {
    for (Leg l : legs.values()) {
      if (l.aor.equivalentTo(aor) && l.dialog != null) {
        return l.dialog;
      }
    }
    return null;
  }

  /** The leg is in: its dialog is confirmed. */
  synchronized void connected(Leg leg, Dialog dialog) {
    leg.dialog = dialog;
    leg.dialogId = dialog.id();
    leg.status = leg.held ? ParticipantStatus.ON_HOLD : ParticipantStatus.CONNECTED;
  }

  /** The conference's mixer, made by {@code make} the first time; null once it has ended. */
  synchronized AudioMixer mixer(Supplier<AudioMixer> make) {
    if (ended) {
      return null;
    }
    if (mixer == null) {
      mixer = make.get();
    }
    return mixer;
  }

  /** {@code leg}'s audio is in the mix as {@code participant}. */
  synchronized void audio(Leg leg, MixerParticipant participant, boolean held) {
    if (leg.status == ParticipantStatus.DISCONNECTED) {
      participant.remove(); // it left while its ports were being opened
      return;
    }
    leg.mix = participant;
    leg.audio = true;
    held(leg, held);
    participant.hold(held);
  }

  synchronized MixerParticipant audioOf(Leg leg) {
    return leg.mix;
  }

  /**
   * The audio legs that have received no RTP since {@code timeoutMillis} before
   * {@code nowMillis} (not on hold), each with its dialog; updates every audio leg's watch.
   */
  synchronized List<Leg> silentFor(long nowMillis, long timeoutMillis) {
    List<Leg> out = new ArrayList<>();
    for (Leg l : legs.values()) {
      if (l.mix == null || l.dialog == null || l.held || !l.peerSends) {
        l.silentSinceMillis = -1;
        continue;
      }
      long received = l.mix.stats().packetsReceived();
      if (received != l.sweptPackets) {
        l.sweptPackets = received;
        l.silentSinceMillis = nowMillis;
      } else if (nowMillis - l.silentSinceMillis >= timeoutMillis) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * The participant's audio direction ({@code status}, from its side): whether it sends, so
   * that a silent leg that does not mean to send (muted: recvonly) is not taken for gone.
   */
  synchronized void audioStatus(Leg leg, dev.parley.sip.body.MediaStatus status) {
    leg.audioStatus = status;
    leg.peerSends = status == dev.parley.sip.body.MediaStatus.SENDRECV
        || status == dev.parley.sip.body.MediaStatus.SENDONLY;
  }

  /** The participant holds the focus, or resumes; its roster status follows once it is in. */
  synchronized void held(Leg leg, boolean held) {
    leg.held = held;
    if (leg.status.isIn()) {
      leg.status = held ? ParticipantStatus.ON_HOLD : ParticipantStatus.CONNECTED;
    }
  }

  /**
   * Takes a leg out; returns true when that left the conference empty (at {@code nowMillis}).
   */
  synchronized boolean remove(Leg leg, long nowMillis) {
    leg.status = ParticipantStatus.DISCONNECTED;
    legs.remove(leg.id);
    if (leg.mix != null) {
      leg.mix.remove(); // its ports return to the range once its stream has closed
      leg.mix = null;
    }
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
      closeMixer();
      return true;
    }
    return false;
  }

  /** Replaces the idle timer (one at a time: joins and leaves do not pile timers up). */
  synchronized void idleTimer(dev.parley.transport.Scheduler.Timer timer) {
    if (idleTimer != null) {
      idleTimer.cancel();
    }
    idleTimer = timer;
  }

  /** Ends the conference now (the focus closes); returns false if it had ended already. */
  synchronized boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    closeMixer();
    return true;
  }

  private void closeMixer() {
    if (mixer != null) {
      mixer.close();
      mixer = null;
    }
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
