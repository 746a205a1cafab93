package dev.parley.cli;

import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.AudioVideoSession;
import dev.parley.client.ConferenceSession;
import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.EndpointStateChangedEvent;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.Session;
import dev.parley.client.SessionType;
import dev.parley.client.SignInException;
import dev.parley.media.AudioStreamStats;
import dev.parley.sip.Reason;
import dev.parley.sip.SipUri;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the client API tells one {@code parley client}, as {@link ClientEvent}s: the endpoint's
 * sign-in state and, per session, its invitation, participant states, messages, composing, DTMF
 * digits, hold, audio statistics, end (with the trace saved under {@code --trace-dir} and the
 * recording made under {@code --record}) and listing. Their names, fields and words are
 * the contract of docs/cli.md. Callbacks arrive on the endpoint's serial executor and only add to
 * the {@link EventLog}. Thread-safe.
 */
final class SessionEvents {
  private final Endpoint endpoint;
  private final EventLog log;
  private final Path traceDir;
  private final TraceSaver traces;
  private final ClientAudio recordings;
  private final Consumer<Entry> ended;
  private volatile boolean hasServer;

  /**
   * Listens to {@code endpoint}'s state.
   *
   * @param traceDir where each session's trace is saved when it ends, or null
   * @param recordings where each audio session's recording is, or null when none are made
   * @param ended told when a session has ended, before its {@code ended} event is logged
   */
  SessionEvents(Endpoint endpoint, EventLog log, Path traceDir, ClientAudio recordings,
      Consumer<Entry> ended) {
    this.endpoint = endpoint;
    this.log = log;
    this.traceDir = traceDir;
    this.traces = traceDir == null ? null : new TraceSaver(traceDir, endpoint.uri().user());
    this.recordings = recordings;
    this.ended = ended;
    endpoint.addListener(this::onEndpointState);
  }

  private void onEndpointState(Endpoint source, EndpointStateChangedEvent e) {
    String user = endpoint.uri().toString();
    SignInException failure = e.failure().orElse(null);
    if (e.newState() == EndpointState.ENABLED) {
      String contact = endpoint.contactUri().toString();
      log.add(ClientEvent.of(ClientEvent.ENABLED).put("user", user).put("contact", contact)
          .text(Words.enabled(user, contact, hasServer)).build());
    } else if (failure != null && (e.newState() == EndpointState.DISABLED
        || e.newState() == EndpointState.ENABLING)) {
      boolean retrying = e.newState() == EndpointState.ENABLING;
      log.add(ClientEvent.of(ClientEvent.ENABLE_FAILED).put("user", user)
          .put("reason", failure.reason().name()).put("status", failure.statusCode())
          .put("message", failure.getMessage()).put("retrying", retrying)
          .text(Words.failed(failure, retrying)).build());
    } else if (e.newState() == EndpointState.DISABLED) {
      log.add(ClientEvent.of(ClientEvent.DISABLED).put("user", user).text("signed out").build());
    }
  }

  /** Whether the endpoint signs in to a server (for the words of {@code enabled}). */
  void hasServer(boolean value) {
    hasServer = value;
  }

  /** Watches {@code e}'s session (and, through it, its remote participant). */
  Session.Listener watch(Entry e) {
    return new Watcher(e);
  }

  /** Watches {@code invitation}'s inviter and logs the {@code incoming} event of {@code e}. */
  void incoming(Entry e, IncomingSessionEvent invitation) {
    Session session = invitation.session();
    invitation.inviter().addListener(new Watcher(e));
    Instant deadline = invitation.deadline();
    long left = Math.max(0, (Duration.between(Instant.now(), deadline).toMillis() + 999) / 1000);
    ClientEvent.Builder b = sessionEvent(ClientEvent.INCOMING, e)
        .put("pager", invitation.message().isPresent())
        .put("timeout", left).put("deadline", deadline.toString());
    String words = "incoming " + ClientEvent.words(session.type()) + " session from "
        + e.peerUri() + " (conversation " + e.conversation() + ")";
    if (invitation.message().isPresent()) {
      words += ", pager mode";
    }
    if (session.type() == SessionType.CONFERENCE) {
      String by = invitation.referredBy().map(Object::toString).orElse(null);
      b.put("referredBy", by);
      if (by != null) {
        words += ", invited by " + by;
      }
      Long replaces = invitation.replaces().map(Session::id).orElse(null);
      b.put("replaces", replaces);
      if (replaces != null) {
        words += ", replacing #" + replaces;
      }
    }
    log.add(b.text(words).build());
  }

  /** Our accept completed: {@code e} is CONNECTED, told once whichever of it and the event comes first. */
  void accepted(Entry e) {
    if (e.shown != ParticipantState.CONNECTED) {
      e.shown = ParticipantState.CONNECTED;
      log.add(stateEvent(e, new ParticipantStateChangedEvent(ParticipantState.CONNECTED,
          ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, 200)));
    }
  }

  /**
   * The {@code sent} event of one message in a conference: one event with {@code results}, each
   * recipient's URI and status; {@code status} and {@code delivered} of the whole (the first
   * failure's status, else 200). Returns the failures' words.
   */
  List<String> sentToConference(Entry e, List<DeliveryResult> results) {
    List<String> failed = new ArrayList<>();
    List<Map<String, Object>> each = new ArrayList<>();
    List<String> delivered = new ArrayList<>();
    DeliveryResult firstFailure = null;
    for (DeliveryResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("uri", r.recipient().uri().toString());
      m.put("status", r.statusCode());
      each.add(m);
      if (r.isDelivered()) {
        delivered.add(r.recipient().uri().toString());
      } else {
        failed.add(r.recipient().uri() + ": " + r.statusCode() + " " + r.reasonPhrase());
        if (firstFailure == null) {
          firstFailure = r;
        }
      }
    }
    String words = (delivered.isEmpty() ? "" : "delivered to " + String.join(", ", delivered))
        + (delivered.isEmpty() || failed.isEmpty() ? "" : "; ")
        + (failed.isEmpty() ? "" : "not delivered to " + String.join(", ", failed));
    log.add(sessionEvent(ClientEvent.SENT, e)
        .put("status", firstFailure == null ? 200 : firstFailure.statusCode())
        .put("reasonPhrase", firstFailure == null ? "OK" : firstFailure.reasonPhrase())
        .put("delivered", firstFailure == null).put("results", each)
        .text(words.isEmpty() ? "delivered to nobody" : words).build());
    return failed;
  }

  /**
   * A {@code roster} event of conference {@code e}: every participant but us with its state and
   * whether its audio is muted or on hold.
   * Without {@code always}, only when the list differs from the last one told.
   */
  void roster(Entry e, boolean always) {
    List<Map<String, Object>> people = new ArrayList<>();
    StringBuilder who = new StringBuilder();
    for (Participant p : e.session.participants()) {
      if (p.isLocal()) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("uri", p.uri().toString());
      m.put("state", p.state().name());
      // its audio as the roster says it (no participant state: UCCAPI's have no mute or hold)
      ConferenceSession.AudioState audio = e.session instanceof ConferenceSession c
          ? c.audioState(p) : ConferenceSession.AudioState.NONE;
      m.put("muted", audio.isMuted());
      m.put("onHold", audio.isOnHold());
      people.add(m);
      who.append(who.length() == 0 ? "" : ", ").append(p.uri()).append(' ').append(p.state())
          .append(audio.isMuted() ? " (muted)" : audio.isOnHold() ? " (on hold)" : "");
    }
    synchronized (e) {
      if (!always && people.equals(e.shownRoster)) {
        return;
      }
      e.shownRoster = people;
    }
    String uri = e.session instanceof ConferenceSession c
        ? c.conferenceUri().map(Object::toString).orElse(null) : null;
    log.add(sessionEvent(ClientEvent.ROSTER, e).put("uri", uri).put("participants", people)
        .text("roster" + (uri == null ? "" : " of " + uri) + ": "
            + (who.length() == 0 ? "nobody else" : who)).build());
  }

  /** {@code e} is a conference we entered or are entering: its focus is the peer. */
  void watchFocus(Entry e, Participant focus) {
    if (e.peer == null) {
      e.peer = focus;
      focus.addListener(new Watcher(e));
    }
  }

  /** The {@code sent} events of one message, one per recipient; returns the failures' words. */
  List<String> sent(Entry e, List<DeliveryResult> results) {
    List<String> failed = new ArrayList<>();
    for (DeliveryResult r : results) {
      boolean ok = r.isDelivered();
      log.add(sessionEvent(ClientEvent.SENT, e).put("status", r.statusCode())
          .put("reasonPhrase", r.reasonPhrase()).put("delivered", ok)
          .text((ok ? "delivered to " : "not delivered to ") + r.recipient().uri()
              + (ok ? "" : ": " + r.statusCode() + " " + r.reasonPhrase())).build());
      if (!ok) {
        failed.add(r.recipient().uri() + ": " + r.statusCode() + " " + r.reasonPhrase());
      }
    }
    return failed;
  }

  /** {@code sessions}: prints one {@code session} listing per live session, oldest first. */
  void list(List<Entry> live, Entry current) {
    if (live.isEmpty()) {
      log.print(ClientEvent.of(ClientEvent.SESSION).put("session", null)
          .text("no sessions").build());
    }
    for (Entry e : live) {
      List<Map<String, Object>> people = new ArrayList<>();
      StringBuilder who = new StringBuilder();
      for (Participant p : e.session.participants()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", p.uri().toString());
        m.put("state", p.state().name());
        m.put("local", p.isLocal());
        people.add(m);
        who.append(who.length() == 0 ? "" : ", ").append(p.isLocal() ? "you" : p.uri())
            .append(' ').append(p.state());
      }
      boolean pager = e.session instanceof InstantMessagingSession im && im.isPagerMode();
      String state = e.isPendingInvitation() ? "INVITED" : e.peerState().name();
      log.print(sessionEvent(ClientEvent.SESSION, e).put("state", state).put("pager", pager)
          .put("incoming", e.session.isIncoming()).put("current", e == current)
          .put("participants", people)
          .text(ClientEvent.words(e.session.type()) + " with " + e.peerUri() + ": " + state
              + (pager ? ", pager mode" : "") + (e == current ? ", current" : "")
              + "; conversation " + e.conversation() + "; participants: " + who).build());
    }
  }

  /**
   * A {@code media} event: the figures of {@code session}'s audio stream ({@code stats}, and
   * {@code final} at the end of the session, before its {@code ended} event).
   */
  void media(Entry e, AudioVideoSession session, AudioStreamStats stats, boolean atEnd) {
    double rtt = stats.rttMillis();
    log.add(sessionEvent(ClientEvent.MEDIA, e).put("codec", stats.codec())
        .put("packetsSent", stats.packetsSent()).put("bytesSent", stats.bytesSent())
        .put("packetsReceived", stats.packetsReceived()).put("bytesReceived", stats.bytesReceived())
        .put("lost", stats.lost()).put("fractionLost", round(stats.fractionLost()))
        .put("jitterMs", round(stats.jitterMillis())).put("rttMs", rtt < 0 ? null : round(rtt))
        .put("late", stats.late()).put("concealed", stats.concealed())
        .put("dtmfSent", stats.dtmfSent()).put("dtmfReceived", stats.dtmfReceived())
        .put("onHold", session.isOnHold()).put("heldByPeer", session.isHeldByPeer())
        .put("muted", session.isMuted()).put("final", atEnd)
        .text(Words.media(stats, atEnd)).build());
  }

  /** To 0.01 (ms, or a fraction): what a person and a script need, without float noise. */
  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
  }

  /** Saves again the traces that grew since their session ended (the ACKs to our rejects). */
  void resaveTraces() {
    if (traces != null) {
      traces.resaveAll();
    }
  }

  /** Turns one session's callbacks into events. */
  private final class Watcher implements ConferenceSession.Listener,
      AudioVideoSession.Listener, Participant.Listener {
    private final Entry entry;

    Watcher(Entry entry) {
      this.entry = entry;
    }

    @Override
    public void onEntered(ConferenceSession session, SipUri uri) {
      session.focus().ifPresent(f -> watchFocus(entry, f));
      log.add(sessionEvent(ClientEvent.CONFERENCE, entry).put("uri", uri.toString())
          .text("in conference " + uri + " (conversation " + entry.conversation() + ")").build());
    }

    @Override
    public void onRosterChanged(ConferenceSession session) {
      roster(entry, false);
    }

    @Override
    public void onParticipantRemoved(Session session, Participant participant) {
      if (session.type() == SessionType.CONFERENCE && !session.isTerminated()) {
        roster(entry, false);
      }
    }

    @Override
    public void onParticipantAdded(Session session, Participant participant) {
      if (session.type() == SessionType.CONFERENCE) {
        // a roster member: its changes are roster events (the focus is the peer)
        participant.addListener((who, change) -> roster(entry, false));
        roster(entry, false);
        return;
      }
      if (!participant.isLocal() && entry.peer == null) {
        entry.peer = participant;
        participant.addListener(this);
      }
    }

    @Override
    public void onStateChanged(Participant participant, ParticipantStateChangedEvent e) {
      entry.last = e;
      if (e.newState() == entry.shown && e.newState() == ParticipantState.CONNECTED) {
        return; // already told (the accept that completed first)
      }
      entry.shown = e.newState();
      log.add(stateEvent(entry, e));
    }

    @Override
    public void onMessageReceived(InstantMessagingSession session, InstantMessage message) {
      log.add(sessionEvent(ClientEvent.MESSAGE, entry).put("text", message.text())
          .put("contentType", message.contentType().toString())
          .text(message.sender().uri() + ": " + ClientEvent.printable(message.text())).build());
    }

    @Override
    public void onComposing(InstantMessagingSession session, Participant participant) {
      log.add(sessionEvent(ClientEvent.COMPOSING, entry).put("composing", true)
          .text(participant.uri() + " is typing").build());
    }

    @Override
    public void onIdle(InstantMessagingSession session, Participant participant) {
      log.add(sessionEvent(ClientEvent.COMPOSING, entry).put("composing", false)
          .text(participant.uri() + " stopped typing").build());
    }

    @Override
    public void onDtmfReceived(AudioVideoSession session, char digit) {
      log.add(sessionEvent(ClientEvent.DTMF, entry).put("digit", String.valueOf(digit))
          .text("DTMF " + digit + " from " + entry.peerUri()).build());
    }

    /** A {@code hold} event when who holds the call changed; codec changes show in stats. */
    @Override
    public void onMediaChanged(AudioVideoSession session) {
      boolean onHold = session.isOnHold();
      boolean heldByPeer = session.isHeldByPeer();
      synchronized (entry) {
        if (onHold == entry.shownOnHold && heldByPeer == entry.shownHeldByPeer) {
          return;
        }
        entry.shownOnHold = onHold;
        entry.shownHeldByPeer = heldByPeer;
      }
      log.add(sessionEvent(ClientEvent.HOLD, entry).put("onHold", onHold)
          .put("heldByPeer", heldByPeer).text(Words.hold(entry.peerUri(), onHold, heldByPeer))
          .build());
    }

    @Override
    public void onTerminated(Session session) {
      if (session instanceof AudioVideoSession av) {
        av.audioStats().ifPresent(stats -> media(entry, av, stats, true));
      }
      String saved = saveTrace(entry);
      ParticipantStateChangedEvent last = entry.last;
      String reason = last == null ? null : last.rejectReason().map(Enum::name).orElse(null);
      ClientEvent.Builder b = sessionEvent(ClientEvent.ENDED, entry).put("reason", reason)
          .put("cause", last == null ? null : last.reason().name())
          .put("status", last == null ? 0 : last.statusCode())
          .put("remoteReason", last == null ? null : header(last.remoteReason().orElse(null)))
          .put("trace", saved);
      String recording = null;
      if (session.type() == SessionType.AUDIO_VIDEO || session.type() == SessionType.CONFERENCE) {
        Path r = recordings == null ? null : recordings.takeRecording(entry.id);
        recording = r == null ? null : r.toString();
        if (recording != null || session.type() == SessionType.AUDIO_VIDEO) {
          b.put("recording", recording); // a conference without audio has none to tell
        }
      }
      String words = "ended: " + Words.outcome(entry.peerUri(), last)
          + (saved == null ? "" : ", trace saved to " + saved)
          + (recording == null ? "" : ", recording in " + recording);
      ended.accept(entry);
      log.add(b.text(words).build());
      entry.ended.complete(null);
    }
  }

  private ClientEvent stateEvent(Entry e, ParticipantStateChangedEvent change) {
    return sessionEvent(ClientEvent.STATE, e).put("state", change.newState().name())
        .put("cause", change.reason().name()).put("status", change.statusCode())
        .put("reason", change.rejectReason().map(Enum::name).orElse(null))
        .put("remoteReason", header(change.remoteReason().orElse(null)))
        .text(Words.state(e.peerUri(), change)).build();
  }

  /** A Reason header as written ({@code SIP;cause=486;text="Busy Here"}), or null. */
  private static String header(Reason reason) {
    return reason == null ? null : reason.toString();
  }

  private ClientEvent.Builder sessionEvent(String name, Entry e) {
    return ClientEvent.of(name).put("session", e.id).put("type", e.session.type().name())
        .put("peer", e.peerUri()).put("conversation", e.conversation());
  }

  private String saveTrace(Entry e) {
    if (traces == null) {
      return null;
    }
    try {
      return traces.save(e).toString();
    } catch (IOException | RuntimeException x) {
      log.add(sessionEvent(ClientEvent.ERROR, e).put("command", null)
          .put("message", "cannot save the trace in " + traceDir + ": " + x.getMessage())
          .text("error: cannot save the trace in " + traceDir + ": " + x.getMessage()).build());
      return null;
    }
  }
}
