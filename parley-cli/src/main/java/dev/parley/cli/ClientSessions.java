package dev.parley.cli;

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
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.client.SignInException;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The sessions of one {@code parley client}, numbered by {@link Session#id()} (1, 2... in the
 * order they start: this client's endpoint serves nobody else), and what its commands do to them:
 * every listener of the client API that turns into a {@link ClientEvent} lives here.
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
  private final EventLog log;
  private final OnInvite onInvite;
  private final Path traceDir;
  private final TraceSaver traces;
  private final Consumer<Entry> ask;
  private final Map<Integer, Entry> entries = new LinkedHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean shutDown =
      new java.util.concurrent.atomic.AtomicBoolean();
  private Entry current;

  /**
   * Listens to {@code endpoint} (state and invitations).
   *
   * @param ask receives invitations under {@link OnInvite#ASK}; must not block
   * @param traceDir where each session's trace is saved when it ends, or null
   */
  ClientSessions(Endpoint endpoint, EventLog log, OnInvite onInvite, Path traceDir,
      Consumer<Entry> ask) {
    this.endpoint = endpoint;
    this.log = log;
    this.onInvite = onInvite;
    this.traceDir = traceDir;
    this.traces = traceDir == null ? null : new TraceSaver(traceDir, endpoint.uri().user());
    this.ask = ask;
    endpoint.addListener(this::onEndpointState);
    endpoint.sessionManager().setListener((source, invitation) -> onIncoming(invitation));
  }

  Endpoint endpoint() {
    return endpoint;
  }

  // ---- events from the client API -----------------------------------------------------------

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

  private volatile boolean hasServer;

  /** Whether the endpoint signs in to a server (for the words of {@code enabled}). */
  void hasServer(boolean value) {
    hasServer = value;
  }

  private void onIncoming(IncomingSessionEvent invitation) {
    Session session = invitation.session();
    Entry e = register(session, invitation.inviter().uri().toString(), false);
    e.invitation = invitation;
    e.peer = invitation.inviter();
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
    log.add(b.text(words).build());
    if (onInvite.accept()) {
      accept(e);
    } else if (onInvite.reject() != null) {
      invitation.reject(onInvite.reject());
    } else {
      ask.accept(e);
    }
  }

  private Entry register(Session session, String target, boolean makeCurrent) {
    Entry e;
    synchronized (this) {
      e = new Entry(session, target);
      entries.put(e.id, e);
      if (makeCurrent || current == null) {
        current = e;
      }
    }
    session.addListener(new Watcher(e));
    return e;
  }

  /** Turns one session's callbacks into events. */
  private final class Watcher implements InstantMessagingSession.Listener, Participant.Listener {
    private final Entry entry;

    Watcher(Entry entry) {
      this.entry = entry;
    }

    @Override
    public void onParticipantAdded(Session session, Participant participant) {
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
    public void onTerminated(Session session) {
      String saved = saveTrace(entry);
      ParticipantStateChangedEvent last = entry.last;
      String reason = last == null ? null : last.rejectReason().map(Enum::name).orElse(null);
      ClientEvent.Builder b = sessionEvent(ClientEvent.ENDED, entry).put("reason", reason)
          .put("cause", last == null ? null : last.reason().name())
          .put("status", last == null ? 0 : last.statusCode())
          .put("remoteReason", last == null ? null : header(last.remoteReason().orElse(null)))
          .put("trace", saved);
      String words = "ended: " + Words.outcome(entry.peerUri(), last)
          + (saved == null ? "" : ", trace saved to " + saved);
      synchronized (ClientSessions.this) {
        entries.remove(entry.id);
        if (current == entry) {
          current = entries.isEmpty() ? null : List.copyOf(entries.values()).get(entries.size() - 1);
        }
      }
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

  // ---- commands -------------------------------------------------------------------------------

  /** {@code call URI}: an audio/video session; completes once the INVITE is on its way. */
  CompletableFuture<Void> call(String target) {
    SipUri uri = resolve(target);
    Session s = endpoint.sessionManager().createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
    register(s, uri.toString(), true);
    s.addParticipant(uri); // the outcome arrives as state and ended events
    return CompletableFuture.completedFuture(null);
  }

  /**
   * {@code im URI TEXT} (and {@code pager URI TEXT} with {@code pager}): sends in the live IM
   * session with that peer, or opens one (falling back to pager mode when the peer has no IM
   * sessions) and sends once it is connected. Completes when the message is delivered.
   */
  CompletableFuture<Void> im(String target, String text, boolean pager) {
    SipUri uri = resolve(target);
    Entry existing = findIm(uri);
    if (existing != null) {
      synchronized (this) {
        current = existing;
      }
      return send(existing, text);
    }
    SessionContext context = pager
        ? SessionContext.builder().set(SessionContext.PAGER_MODE, true).build()
        : SessionContext.EMPTY;
    Session s = endpoint.sessionManager().createSession(SessionType.INSTANT_MESSAGING, context);
    Entry e = register(s, uri.toString(), true);
    return s.addParticipant(uri).handle((p, failure) -> {
      if (failure != null) {
        throw new CommandException("could not open a session with " + uri + ": " + Words.cause(failure));
      }
      return p;
    }).thenCompose(p -> send(e, text));
  }

  /** {@code send TEXT}: in the current IM session (or the latest live one). */
  CompletableFuture<Void> send(String text) {
    Entry e = imTarget();
    return send(e, text);
  }

  private CompletableFuture<Void> send(Entry e, String text) {
    InstantMessagingSession im = (InstantMessagingSession) e.session;
    CompletableFuture<List<DeliveryResult>> sent;
    try {
      sent = im.send(text);
    } catch (IllegalStateException x) {
      throw new CommandException("session #" + e.id + " has ended");
    }
    return sent.thenAccept(results -> {
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
      if (!failed.isEmpty()) {
        throw new CommandException("not delivered: " + String.join(", ", failed));
      }
    });
  }

  /** {@code composing on|off} in the current IM session. */
  void composing(boolean on) {
    Entry e = imTarget();
    try {
      ((InstantMessagingSession) e.session).setComposing(on);
    } catch (IllegalStateException x) {
      throw new CommandException("session #" + e.id + " has ended");
    }
  }

  /** The person is typing a message: composing in the current IM session, if there is one. */
  void typing() {
    try {
      composing(true);
    } catch (RuntimeException e) {
      // no IM session (or it just ended): nobody to tell
    }
  }

  /** {@code accept [ID]}: the given invitation or the oldest waiting one; completes at the ACK. */
  CompletableFuture<Void> accept(Integer id) {
    return accept(invitationTarget(id));
  }

  private CompletableFuture<Void> accept(Entry e) {
    return e.invitation.accept().handle((s, failure) -> {
      if (failure != null) {
        throw new CommandException("could not accept #" + e.id + ": " + Words.cause(failure));
      }
      synchronized (this) {
        current = e;
      }
      if (e.shown != ParticipantState.CONNECTED) {
        e.shown = ParticipantState.CONNECTED;
        log.add(stateEvent(e, new ParticipantStateChangedEvent(ParticipantState.CONNECTED,
            ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, 200)));
      }
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
          .put("incoming", e.session.isIncoming()).put("current", e == cur)
          .put("participants", people)
          .text(ClientEvent.words(e.session.type()) + " with " + e.peerUri() + ": " + state
              + (pager ? ", pager mode" : "") + (e == cur ? ", current" : "")
              + "; conversation " + e.conversation() + "; participants: " + who).build());
    }
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
    if (traces != null) {
      traces.resaveAll(); // the ACKs to rejects we sent, which come after the session ended
    }
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

  private synchronized Entry imTarget() {
    if (current != null && current.session.type() == SessionType.INSTANT_MESSAGING
        && !current.session.isTerminated()) {
      return current;
    }
    List<Entry> live = new ArrayList<>(entries.values());
    for (int i = live.size() - 1; i >= 0; i--) {
      Entry e = live.get(i);
      if (e.session.type() == SessionType.INSTANT_MESSAGING && !e.session.isTerminated()
          && !e.isPendingInvitation()) {
        return e;
      }
    }
    throw new CommandException("no instant messaging session: use im URI TEXT");
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

  private synchronized Entry findIm(SipUri uri) {
    for (Entry e : entries.values()) {
      if (e.session.type() == SessionType.INSTANT_MESSAGING && !e.session.isTerminated()
          && !e.isPendingInvitation() && samePerson(e, uri)) {
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
