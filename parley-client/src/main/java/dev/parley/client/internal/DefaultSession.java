package dev.parley.client.internal;

import dev.parley.client.Endpoint;
import dev.parley.client.MediaStream;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionTrace;
import dev.parley.client.SessionType;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Reason;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A two-party {@link Session}: the local participant and at most one remote participant, whose
 * leg is an INVITE dialog (or, for a pager-mode IM peer, no dialog at all). Subclasses add the
 * modalities: {@link DefaultInstantMessagingSession}, {@link DefaultApplicationSession}. Mutable
 * state is guarded by the endpoint's lock; methods ending in nothing special take it themselves,
 * those documented "under the lock" expect the caller to.
 */
class DefaultSession implements Session {
  final DefaultEndpoint endpoint;
  private final long id;
  private final SessionType type;
  private final SessionContext context;
  private final boolean incoming;
  private final DefaultParticipant local;
  final List<DefaultParticipant> remotes = new ArrayList<>(); // guarded by the lock
  final List<Listener> listeners = new CopyOnWriteArrayList<>();
  boolean escalating; // guarded by the lock: an Escalation is under way
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  /** Where this session's timers run (composing); chosen on first use (the transport must be started). */
  private volatile Scheduler scheduler;
  /** This session's SIP messages; null when tracing is off. */
  final TraceRecorder trace;
  private volatile boolean terminated;
  private volatile List<MediaStream> streams = List.of();
  private SessionDescription localOffer; // guarded by the lock
  private boolean announced;

  DefaultSession(DefaultEndpoint endpoint, SessionType type, SessionContext context,
      boolean incoming) {
    this.endpoint = endpoint;
    this.id = endpoint.nextSessionId();
    this.type = type;
    this.context = context;
    this.incoming = incoming;
    this.local = DefaultParticipant.local(this, endpoint.uri(), endpoint.config.displayName());
    this.trace = endpoint.config.traceLimit() > 0 ? new TraceRecorder(endpoint.config.traceLimit())
        : null;
  }

  /** The event loop of this session's timers. */
  Scheduler scheduler() {
    Scheduler s = scheduler;
    if (s == null) {
      synchronized (this) {
        if (scheduler == null) {
          scheduler = endpoint.transport.nextScheduler();
        }
        s = scheduler;
      }
    }
    return s;
  }

  /** A session of {@code type}, of the class that implements its modality. */
  static DefaultSession create(DefaultEndpoint endpoint, SessionType type, SessionContext context,
      boolean incoming) {
    return switch (type) {
      case INSTANT_MESSAGING -> new DefaultInstantMessagingSession(endpoint, context, incoming);
      case APPLICATION -> new DefaultApplicationSession(endpoint, context, incoming);
      case AUDIO_VIDEO -> new DefaultAudioVideoSession(endpoint, context, incoming);
      case CONFERENCE -> new DefaultConferenceSession(endpoint, context, incoming);
    };
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public SessionType type() {
    return type;
  }

  @Override
  public SessionContext context() {
    return context;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public boolean isIncoming() {
    return incoming;
  }

  @Override
  public Participant localParticipant() {
    return local;
  }

  @Override
  public List<Participant> participants() {
    synchronized (endpoint.lock) {
      List<Participant> all = new ArrayList<>(remotes.size() + 1);
      if (!terminated) {
        all.add(local);
      }
      all.addAll(remotes);
      return List.copyOf(all);
    }
  }

  @Override
  public boolean isTerminated() {
    return terminated;
  }

  @Override
  public List<MediaStream> streams() {
    return streams;
  }

  @Override
  public SessionTrace trace() {
    return trace == null ? SessionTrace.of(List.of()) : trace.snapshot();
  }

  /** Sends the messages of {@code callId} to this session's trace. */
  void claimTrace(String callId) {
    SessionTracer t = endpoint.tracer;
    if (t != null) {
      t.claim(callId, trace);
    }
  }

  /** The offer/answer exchange is complete: lists the negotiated streams. */
  void negotiated(SessionDescription local, SessionDescription remote, boolean localIsOfferer) {
    if (local != null && remote != null) {
      streams = List.copyOf(Negotiation.streams(local, remote, localIsOfferer));
    }
  }

  /** The dialog's {@code Ms-Conversation-ID}, for requests we send in it; null when none. */
  String conversationId() {
    return context.get(SessionContext.CONVERSATION_ID).orElse(null);
  }

  /**
   * A request inside {@code p}'s dialog other than BYE (MESSAGE, INFO, NOTIFY...), on an event
   * loop: answered 200 here; subclasses deliver what their modality understands.
   */
  void onDialogRequest(DefaultParticipant p, ServerTransaction tx, SipRequest request) {
    tx.respond(endpoint.ua.response(request, 200).build());
  }

  /**
   * Under the lock: whether {@code addParticipant} connects {@code p} without an INVITE (pager
   * mode); the subclass prepares {@code p} for it.
   */
  boolean connectWithoutInviteLocked(DefaultParticipant p) {
    return false;
  }

  /**
   * Under the lock: a failed INVITE may be recovered from (an IM session falls back to pager
   * mode); true when {@code p} was connected another way.
   */
  boolean recoverLocked(DefaultParticipant p, SipFailure failure) {
    return false;
  }

  @Override
  public CompletableFuture<Void> termination() {
    return termination;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  // ------------------------------------------------------------------------------ outgoing

  @Override
  public CompletableFuture<Participant> addParticipant(SipUri uri) {
    Objects.requireNonNull(uri, "uri");
    synchronized (endpoint.lock) {
      if (terminated) {
        throw new IllegalStateException("the session has ended");
      }
      if (!remotes.isEmpty()) {
        throw new IllegalStateException("a " + type + " session has one remote participant ("
            + remotes.get(0).uri() + "); use a conference for more");
      }
    }
    return inviteLeg(uri);
  }

  /**
   * Sends the INVITE of a new leg to {@code uri}: the participant is added (IDLE, then
   * CONNECTING) and returned by the future once CONNECTED. The caller checked that the session
   * may have it.
   *
   * @throws IllegalStateException if the session has ended meanwhile
   */
  CompletableFuture<Participant> inviteLeg(SipUri uri) {
    DefaultParticipant p;
    synchronized (endpoint.lock) {
      if (terminated) {
        throw new IllegalStateException("the session has ended");
      }
      p = DefaultParticipant.invitee(this, uri);
      addRemote(p);
      p.inviting();
      if (!announced) {
        announced = true;
        endpoint.sessions.announceOutgoing(this);
      }
      if (connectWithoutInviteLocked(p)) {
        p.connected(0);
        connected();
      }
    }
    endpoint.kick();
    if (p.state() == ParticipantState.CONNECTED) {
      return p.connection();
    }
    endpoint.hopFor(uri).whenComplete((hop, error) -> {
      if (error != null) {
        outcome(p, null, null, new SipFailure(503, "cannot resolve " + uri + ": " + error.getMessage()));
      } else {
        invite(p, uri, hop);
      }
    });
    return p.connection();
  }

  private void invite(DefaultParticipant p, SipUri uri, Hop hop) {
    SipUri contact;
    try {
      contact = (SipUri) endpoint.ua.contact(hop.transport()).uri();
    } catch (RuntimeException e) {
      outcome(p, null, null, new SipFailure(503, "cannot send the INVITE: " + e.getMessage()));
      return;
    }
    offer(contact).whenComplete((offer, error) -> {
      if (error != null) {
        Throwable cause = Registration.unwrap(error);
        outcome(p, null, null, new SipFailure(503, "cannot make the offer: " + cause.getMessage()));
      } else {
        invite(p, uri, hop, offer);
      }
    });
  }

  private void invite(DefaultParticipant p, SipUri uri, Hop hop, SessionDescription offer) {
    OutgoingInvite out;
    try {
      synchronized (endpoint.lock) {
        localOffer = offer;
      }
      SipRequest.Builder b = endpoint.ua.newRequest(SipMethod.INVITE, uri, endpoint.from(),
              Address.of(uri), hop.transport())
          .body(MediaType.APPLICATION_SDP, offer.encode());
      context.get(SessionContext.CONVERSATION_ID)
          .ifPresent(id -> b.header(HeaderName.MS_CONVERSATION_ID, id));
      context.get(SessionContext.SUBJECT).ifPresent(s -> b.header(HeaderName.SUBJECT, s));
      SipRequest invite = b.build();
      claimTrace(invite.callId());
      out = endpoint.ua.invite(invite, hop, response -> provisional(p, response));
    } catch (RuntimeException e) {
      outcome(p, null, null, new SipFailure(503, "cannot send the INVITE: " + e.getMessage()));
      return;
    }
    Runnable cancel;
    synchronized (endpoint.lock) {
      cancel = p.inviteSent(out);
    }
    if (cancel != null) {
      cancel.run();
    }
    out.dialog().whenComplete((dialog, error) -> outcome(p, out, dialog, error));
  }

  /**
   * Our offer for this session's first INVITE, from {@code contact}; an audio session opens its
   * RTP socket first. Completes on any thread; fails when the media cannot be set up.
   */
  CompletableFuture<SessionDescription> offer(SipUri contact) {
    return CompletableFuture.completedFuture(Offers.offer(type, contact, endpoint.uri()));
  }

  /**
   * Our answer to {@code offer}, the SDP of an invitation we accept, from {@code contact}; an
   * audio session opens its RTP socket first. Completes on any thread.
   */
  CompletableFuture<SessionDescription> answer(SessionDescription offer, SipUri contact) {
    return CompletableFuture.completedFuture(Offers.answer(offer, contact, endpoint.uri()));
  }

  /** Under the lock: the 2xx to our INVITE to {@code p} came, just before it is CONNECTED. */
  void answeredLocked(DefaultParticipant p, SipResponse ok) {}

  /** Under the lock: whether {@code p} is one of {@link #participants()} (a conference's focus is not). */
  boolean listedLocked(DefaultParticipant p) {
    return true;
  }

  /** Under the lock: a provisional response to our INVITE (an audio session's early media). */
  void provisionalLocked(SipResponse response) {}

  /** Under the lock: the offer we sent in our INVITE, or null. */
  SessionDescription localOfferLocked() {
    return localOffer;
  }

  /**
   * A re-INVITE in {@code p}'s dialog, on an event loop: refused with 488 (the session stays as it
   * was); an audio session answers it.
   */
  void onReInvite(DefaultParticipant p, IncomingInvite invite) {
    invite.reject(488);
  }

  private void provisional(DefaultParticipant p, SipResponse response) {
    synchronized (endpoint.lock) {
      p.provisional(response.statusCode());
      provisionalLocked(response);
    }
    endpoint.kick();
  }

  private void outcome(DefaultParticipant p, OutgoingInvite out, Dialog dialog, Throwable error) {
    Runnable action = null;
    synchronized (endpoint.lock) {
      if (error == null) {
        p.dialogConfirmed(dialog);
        endpoint.sessions.addLeg(dialog.id(), p);
        if (!p.isConnecting()) {
          action = p.bye(); // a 2xx won the race with our CANCEL (RFC 3261 §9.1)
        } else {
          negotiated(localOffer, Offers.answerIn(out.answer()), true);
          answeredLocked(p, out.answer());
          p.connected(200);
          connected();
        }
      } else {
        Throwable cause = Registration.unwrap(error);
        SipFailure f = cause instanceof SipFailure s ? s : new SipFailure(500, cause.toString());
        int code = f.statusCode();
        boolean hungUp = p.isHangingUp();
        if (!hungUp && recoverLocked(p, f)) {
          endpoint.kick();
          return;
        }
        ParticipantStateChangeReason reason = hungUp ? ParticipantStateChangeReason.NORMAL
            : InviteFailures.reasonFor(f);
        disconnected(p, reason, code, hungUp ? null : Reasons.of(f.response()));
        p.connectionFailed(InviteFailures.exceptionFor(f, p.uri(), hungUp));
      }
    }
    endpoint.kick();
    if (action != null) {
      action.run();
    }
  }

  // ------------------------------------------------------------------------------ ending

  @Override
  public CompletableFuture<Void> removeParticipant(Participant participant) {
    Objects.requireNonNull(participant, "participant");
    if (participant.isLocal() || participant.session() != this) {
      throw new IllegalArgumentException("not a remote participant of this session: " + participant);
    }
    DefaultParticipant p = (DefaultParticipant) participant;
    Runnable action;
    synchronized (endpoint.lock) {
      action = p.hangUp(null);
    }
    endpoint.kick();
    if (action != null) {
      action.run();
    }
    return p.disconnection();
  }

  @Override
  public CompletableFuture<Void> terminate() {
    return hangUpAll(null);
  }

  @Override
  public CompletableFuture<Void> terminate(RejectReason reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason == RejectReason.NOT_SPECIFIED) {
      throw new IllegalArgumentException("reason must not be NOT_SPECIFIED: the other side would"
          + " not learn why (use DECLINE, BUSY..., or terminate() to hang up normally)");
    }
    return hangUpAll(reason);
  }

  /** Ends every leg with {@code reason}, or normally when it is null. */
  private CompletableFuture<Void> hangUpAll(RejectReason reason) {
    List<Runnable> actions = new ArrayList<>();
    synchronized (endpoint.lock) {
      if (!terminated) {
        if (remotes.isEmpty()) {
          end();
        }
        for (DefaultParticipant p : List.copyOf(remotes)) {
          Runnable a = p.hangUp(reason);
          if (a != null) {
            actions.add(a);
          }
        }
      }
    }
    endpoint.kick();
    actions.forEach(Runnable::run);
    return termination;
  }

  // ------------------------------------------------------------------------------ under the lock

  /** Under the lock: adds a remote participant and enqueues onParticipantAdded. */
  void addRemote(DefaultParticipant p) {
    remotes.add(p);
    if (!listedLocked(p)) {
      return;
    }
    endpoint.deliver(listeners, l -> l.onParticipantAdded(this, p));
  }

  /** Under the lock: a remote participant is connected, so is the local one. */
  void connected() {
    local.connected(0);
  }

  /** Under the lock: {@code p} is DISCONNECTED; it leaves, and a two-party session ends with it. */
  void disconnected(DefaultParticipant p, ParticipantStateChangeReason reason, int statusCode) {
    disconnected(p, reason, statusCode, null);
  }

  /** Under the lock: as the method above, with the other side's Reason header (RFC 3326), or null. */
  void disconnected(DefaultParticipant p, ParticipantStateChangeReason reason, int statusCode,
      Reason remoteReason) {
    if (!p.disconnect(reason, statusCode, remoteReason)) {
      return;
    }
    if (p.dialogId() != null) {
      endpoint.sessions.removeLeg(p.dialogId(), p);
    }
    if (remotes.remove(p) && listedLocked(p)) {
      endpoint.deliver(listeners, l -> l.onParticipantRemoved(this, p));
    }
    if (remotes.isEmpty()) {
      end();
    }
  }

  /** Under the lock: the session ends. */
  void end() {
    if (terminated) {
      return;
    }
    terminated = true;
    endedLocked();
    local.disconnect(ParticipantStateChangeReason.NORMAL, 0, null);
    endpoint.sessions.forget(this);
    CompletableFuture<Void> released = releaseLocked();
    if (released.isDone()) {
      terminatedLocked();
    } else {
      // an audio session ends once its stream has closed: recording complete, ports free
      released.whenComplete((v, e) -> {
        synchronized (endpoint.lock) {
          terminatedLocked();
        }
        endpoint.kick();
      });
    }
  }

  private void terminatedLocked() {
    endpoint.deliver(listeners, l -> l.onTerminated(this));
    endpoint.complete(termination, null);
  }

  /** Under the lock: subclasses release what the session held (timers, the pager entry). */
  void endedLocked() {}

  /**
   * Under the lock: subclasses start releasing what takes time (an audio stream); the session's
   * end is announced when the future completes (it must complete, failures included).
   */
  CompletableFuture<Void> releaseLocked() {
    return CompletableFuture.completedFuture(null);
  }

  /** Closes the session's media on the calling thread: the endpoint is closing (no lock held). */
  void closeMediaNow() {}

  /** Under the lock: the remote participants (a copy). */
  List<DefaultParticipant> remotesLocked() {
    return List.copyOf(remotes);
  }

  @Override
  public String toString() {
    return "Session[" + id + " " + type + " "
        + context.get(SessionContext.CONVERSATION_ID).orElse("") + "]";
  }
}
