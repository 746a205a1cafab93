package dev.parley.cli;

import dev.parley.client.ConferenceSession;
import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionManager;
import dev.parley.client.SessionType;
import dev.parley.sip.SipUri;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The sessions of one {@code parley client}, numbered by {@link Session#id()} (1, 2... in the
 * order they start: this client's endpoint serves nobody else), and the commands of call control:
 * {@code call}, {@code accept}, {@code reject}, {@code hangup}, {@code use}, {@code sessions}, and
 * the policy for invitations. The IM commands are {@link Messaging}'s; what the client API tells us
 * becomes {@link ClientEvent}s in {@link SessionEvents}.
 *
 * <p><b>Threading.</b> Client callbacks arrive on the endpoint's serial executor and never block
 * here: an invitation that must be asked about is handed to {@code ask} (the console queues it and
 * returns), so messages, CANCELs and other invitations keep flowing while a person decides.
 * Commands run on the caller's thread (the script or console) and return futures. Thread-safe.
 */
final class ClientSessions {
  /** A command that could not be carried out; its message is for people. */
  static final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandException(String message) {
      super(message);
    }
  }

  /** One session of this client. */
  static final class Entry {
    final int id;
    final Session session;
    final String target;
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    volatile IncomingSessionEvent invitation;
    volatile Participant peer;
    volatile ParticipantStateChangedEvent last;
    volatile ParticipantState shown;
    /** The hold state last told in a {@code hold} event (or the start: nobody holds). */
    volatile boolean shownOnHold;
    volatile boolean shownHeldByPeer;
    /** A conference's participants last told in a {@code roster} event (guarded by the entry). */
    List<java.util.Map<String, Object>> shownRoster;

    Entry(Session session, String target) {
      this.id = Math.toIntExact(session.id());
      this.session = session;
      this.target = target;
    }

    String peerUri() {
      Participant p = peer;
      return p != null ? p.uri().toString() : target;
    }

    String conversation() {
      return session.context().get(SessionContext.CONVERSATION_ID).orElse(null);
    }

    /** When the invitation waiting here expires (null: none came). */
    Instant deadline() {
      IncomingSessionEvent i = invitation;
      return i == null ? null : i.deadline();
    }

    boolean isPendingInvitation() {
      IncomingSessionEvent i = invitation;
      return i != null && i.isPending();
    }

    ParticipantState peerState() {
      Participant p = peer;
      return p == null ? ParticipantState.IDLE : p.state();
    }
  }

  private final Endpoint endpoint;
  private final OnInvite onInvite;
  private final SessionEvents events;
  private final Messaging messaging;
  private final AudioCommands audio;
  private final ConferenceCommands conference;
  private final Consumer<Entry> ask;
  private final Map<Integer, Entry> entries = new LinkedHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean shutDown =
      new java.util.concurrent.atomic.AtomicBoolean();
  private Entry current;
  private volatile boolean conferenceAudio;

  /**
   * Listens to {@code endpoint} (state and invitations).
   *
   * @param ask receives invitations under {@link OnInvite#ASK}; must not block
   * @param traceDir where each session's trace is saved when it ends, or null
   * @param recordings where each audio session's recording is, or null when none are made
   */
  ClientSessions(Endpoint endpoint, EventLog log, OnInvite onInvite, Path traceDir,
      ClientAudio recordings, Consumer<Entry> ask) {
    this.endpoint = endpoint;
    this.onInvite = onInvite;
    this.events = new SessionEvents(endpoint, log, traceDir, recordings, this::forget);
    this.messaging = new Messaging(this, events);
    this.audio = new AudioCommands(this, events);
    this.conference = new ConferenceCommands(this, events);
    this.ask = ask;
    endpoint.sessionManager().setListener(new SessionManager.Listener() {
      @Override
      public void onIncomingSession(Endpoint source, IncomingSessionEvent invitation) {
        onIncoming(invitation);
      }

      @Override
      public void onOutgoingSession(Endpoint source, Session session) {
        onOutgoing(session);
      }
    });
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** The IM commands. */
  Messaging messaging() {
    return messaging;
  }

  /** The audio commands. */
  AudioCommands audio() {
    return audio;
  }

  /** The conference commands. */
  ConferenceCommands conference() {
    return conference;
  }

  /** Whether the endpoint signs in to a server (for the words of {@code enabled}). */
  void hasServer(boolean value) {
    events.hasServer(value);
  }

  /**
   * Whether conferences carry audio (conf create, conf join, an accepted conference invitation):
   * {@code --media-source} or {@code --record} was given.
   */
  void conferenceAudio(boolean value) {
    conferenceAudio = value;
  }

  /** What a conference this client enters or accepts carries beside IM. */
  ConferenceSession.Media[] conferenceMedia() {
    return conferenceAudio ? new ConferenceSession.Media[] {ConferenceSession.Media.AUDIO}
        : new ConferenceSession.Media[0];
  }

  // ---- invitations ----------------------------------------------------------------------------

  private void onIncoming(IncomingSessionEvent invitation) {
    Entry e = register(invitation.session(), invitation.inviter().uri().toString(), false);
    e.invitation = invitation;
    e.peer = invitation.inviter();
    events.incoming(e, invitation);
    if (onInvite.accept()) {
      accept(e);
    } else if (onInvite.reject() != null) {
      invitation.reject(onInvite.reject());
    } else {
      ask.accept(e);
    }
  }

  /**
   * A session of ours sent its first invitation: one the commands did not make (an escalation's
   * conference, made by the client library) joins the table here, before any of its events.
   */
  private void onOutgoing(Session session) {
    synchronized (this) {
      if (entries.containsKey(Math.toIntExact(session.id())) || shutDown.get()) {
        return;
      }
    }
    register(session, session.type() == SessionType.CONFERENCE ? "conference" : "?", false);
  }

  /** Makes {@code session}'s entry the current one, if it is in the table. */
  synchronized void makeCurrent(Session session) {
    Entry e = entries.get(Math.toIntExact(session.id()));
    if (e != null) {
      current = e;
    }
  }

  /**
   * The current 1:1 IM session or call if live, else the latest live one not waiting for an
   * answer: what {@code escalate} turns into a conference.
   */
  synchronized Entry oneToOneTarget() {
    if (current != null && isOneToOne(current) && !current.session.isTerminated()) {
      return current;
    }
    List<Entry> live = new ArrayList<>(entries.values());
    for (int i = live.size() - 1; i >= 0; i--) {
      Entry e = live.get(i);
      if (isOneToOne(e) && !e.session.isTerminated() && !e.isPendingInvitation()) {
        return e;
      }
    }
    throw new CommandException("no 1:1 session to escalate: use im URI TEXT or call URI");
  }

  private static boolean isOneToOne(Entry e) {
    return e.session.type() == SessionType.INSTANT_MESSAGING
        || e.session.type() == SessionType.AUDIO_VIDEO;
  }

  /** A new session in the table, made current with {@code makeCurrent} or when none is. */
  Entry register(Session session, String target, boolean makeCurrent) {
    Entry e;
    synchronized (this) {
      e = new Entry(session, target);
      entries.put(e.id, e);
      if (makeCurrent || current == null) {
        current = e;
      }
    }
    session.addListener(events.watch(e));
    return e;
  }

  /** {@code e}'s session has ended: it leaves the table; the latest one left becomes current. */
  private synchronized void forget(Entry e) {
    entries.remove(e.id);
    if (current == e) {
      current = entries.isEmpty() ? null : List.copyOf(entries.values()).get(entries.size() - 1);
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  /** {@code call URI}: an audio/video session; completes once the INVITE is on its way. */
  CompletableFuture<Void> call(String target) {
    SipUri uri = resolve(target);
    Session s = endpoint.sessionManager().createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    register(s, uri.toString(), true);
    s.addParticipant(uri); // the outcome arrives as state and ended events
    return CompletableFuture.completedFuture(null);
  }

  /** {@code accept [ID]}: the given invitation or the oldest waiting one; completes at the ACK. */
  CompletableFuture<Void> accept(Integer id) {
    return accept(invitationTarget(id));
  }

  private CompletableFuture<Void> accept(Entry e) {
    CompletableFuture<Session> accepted = e.session.type() == SessionType.CONFERENCE
        ? e.invitation.accept(conferenceMedia()) : e.invitation.accept();
    return accepted.handle((s, failure) -> {
      if (failure != null) {
        throw new CommandException("could not accept #" + e.id + ": " + Words.cause(failure));
      }
      synchronized (this) {
        current = e;
      }
      events.accepted(e);
      return null;
    });
  }

  /** {@code reject REASON [ID]}. */
  void reject(RejectReason reason, Integer id) {
    Entry e = invitationTarget(id);
    if (!e.invitation.reject(reason)) {
      throw new CommandException("the invitation #" + e.id + " is no longer waiting");
    }
  }

  /**
   * {@code hangup [ID]}: a normal hang-up (BYE or CANCEL without a Reason), or a DECLINE for an
   * invitation not answered yet; completes when the session has ended.
   */
  CompletableFuture<Void> hangup(Integer id) {
    Entry e;
    synchronized (this) {
      e = id == null ? current : entries.get(id);
    }
    if (e == null) {
      throw new CommandException(id == null ? "no session to hang up" : "no session #" + id);
    }
    return hangup(e);
  }

  private CompletableFuture<Void> hangup(Entry e) {
    IncomingSessionEvent invitation = e.invitation;
    if (invitation != null && invitation.isPending()) {
      invitation.reject(RejectReason.DECLINE);
    } else {
      e.session.terminate();
    }
    return e.ended;
  }

  /** {@code use ID}: makes a session the current one. */
  synchronized void use(int id) {
    Entry e = entries.get(id);
    if (e == null) {
      throw new CommandException("no session #" + id);
    }
    current = e;
  }

  /** {@code sessions}: one {@code session} listing per live session, oldest first. */
  void list() {
    List<Entry> live;
    Entry cur;
    synchronized (this) {
      live = List.copyOf(entries.values());
      cur = current;
    }
    events.list(live, cur);
  }

  /** The live sessions, oldest first. */
  synchronized List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /**
   * Ends every live session (bounded wait), then signs out and closes the endpoint. Only the first
   * call does anything (the script's end and a SIGTERM may both ask).
   */
  void shutdown(Duration timeout) {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    List<CompletableFuture<Void>> ending = new ArrayList<>();
    for (Entry e : entries()) {
      try {
        ending.add(hangup(e));
      } catch (RuntimeException x) {
        // ending anyway: the endpoint closes below
      }
    }
    try {
      CompletableFuture.allOf(ending.toArray(new CompletableFuture<?>[0]))
          .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception x) {
      // the sessions left end with the transport
    }
    events.resaveTraces(); // the ACKs to rejects we sent, which come after the session ended
    try {
      EndpointState state = endpoint.state();
      if (state == EndpointState.ENABLED || state == EndpointState.ENABLING) {
        endpoint.disable().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    } catch (Exception x) {
      // the binding expires by itself
    } finally {
      endpoint.close();
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * The current IM session (a conference counts as one) if live, else the latest live one not
   * waiting for an answer.
   */
  synchronized Entry imTarget() {
    if (current != null && isMessaging(current) && !current.session.isTerminated()) {
      return current;
    }
    List<Entry> live = new ArrayList<>(entries.values());
    for (int i = live.size() - 1; i >= 0; i--) {
      Entry e = live.get(i);
      if (isMessaging(e) && !e.session.isTerminated() && !e.isPendingInvitation()) {
        return e;
      }
    }
    throw new CommandException("no instant messaging session: use im URI TEXT");
  }

  private static boolean isMessaging(Entry e) {
    SessionType t = e.session.type();
    return t == SessionType.INSTANT_MESSAGING || t == SessionType.CONFERENCE;
  }

  /** The current conference if live, else the latest live one not waiting for an answer. */
  synchronized Entry conferenceTarget() {
    if (current != null && current.session.type() == SessionType.CONFERENCE
        && !current.session.isTerminated()) {
      return current;
    }
    List<Entry> live = new ArrayList<>(entries.values());
    for (int i = live.size() - 1; i >= 0; i--) {
      Entry e = live.get(i);
      if (e.session.type() == SessionType.CONFERENCE && !e.session.isTerminated()
          && !e.isPendingInvitation()) {
        return e;
      }
    }
    throw new CommandException("no conference: use conf create or conf join URI");
  }

  /** Whether {@code e} is an audio call, or a conference whose focus took our audio line. */
  private static boolean carriesAudio(Entry e) {
    return e.session.type() == SessionType.AUDIO_VIDEO
        || e.session instanceof ConferenceSession c && c.carriesAudio();
  }

  /**
   * Session {@code id} if it is an audio/video session; without an id, the current session if it
   * is a live audio/video one, else the latest live one not waiting for an answer.
   */
  synchronized Entry audioTarget(Integer id) {
    if (id != null) {
      Entry e = entries.get(id);
      if (e == null) {
        throw new CommandException("no session #" + id);
      }
      if (!carriesAudio(e)) {
        throw new CommandException("session #" + id + " is not an audio session (it is "
            + ClientEvent.words(e.session.type())
            + (e.session.type() == SessionType.CONFERENCE ? " without audio" : "") + ")");
      }
      return e;
    }
    if (current != null && carriesAudio(current) && !current.session.isTerminated()) {
      return current;
    }
    List<Entry> live = new ArrayList<>(entries.values());
    for (int i = live.size() - 1; i >= 0; i--) {
      Entry e = live.get(i);
      if (carriesAudio(e) && !e.session.isTerminated() && !e.isPendingInvitation()) {
        return e;
      }
    }
    throw new CommandException("no audio session: use call URI");
  }

  private synchronized Entry invitationTarget(Integer id) {
    if (id != null) {
      Entry e = entries.get(id);
      if (e == null || e.invitation == null) {
        throw new CommandException("no invitation #" + id);
      }
      if (!e.invitation.isPending()) {
        throw new CommandException("the invitation #" + id + " is no longer waiting");
      }
      return e;
    }
    for (Entry e : entries.values()) {
      if (e.isPendingInvitation()) {
        return e;
      }
    }
    throw new CommandException("no invitation is waiting");
  }

  /** The live IM session with the person at {@code uri}, made current; null when none. */
  synchronized Entry useImWith(SipUri uri) {
    for (Entry e : entries.values()) {
      if (e.session.type() == SessionType.INSTANT_MESSAGING && !e.session.isTerminated()
          && !e.isPendingInvitation() && samePerson(e, uri)) {
        current = e;
        return e;
      }
    }
    return null;
  }

  private static boolean samePerson(Entry e, SipUri uri) {
    Participant p = e.peer;
    if (p != null && p.uri() instanceof SipUri s) {
      return sameUserAndHost(s, uri);
    }
    try {
      return sameUserAndHost(SipUri.parse(e.target), uri);
    } catch (RuntimeException x) {
      return false;
    }
  }

  private static boolean sameUserAndHost(SipUri a, SipUri b) {
    return java.util.Objects.equals(a.user(), b.user()) && a.host().equalsIgnoreCase(b.host());
  }

  /**
   * A SIP URI from what a person types: {@code sip:bob@example.com} as is, {@code bob@example.com}
   * with {@code sip:} added, {@code bob} in our own domain.
   */
  SipUri resolve(String target) {
    String t = target.strip();
    if (t.isEmpty()) {
      throw new CommandException("no address given");
    }
    if (!t.regionMatches(true, 0, "sip:", 0, 4) && !t.regionMatches(true, 0, "sips:", 0, 5)) {
      t = t.indexOf('@') >= 0 ? "sip:" + t : "sip:" + t + "@" + endpoint.uri().host();
    }
    try {
      return SipUri.parse(t);
    } catch (RuntimeException x) {
      throw new CommandException("not a SIP address: " + target);
    }
  }
}
