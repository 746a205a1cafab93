package dev.parley.client.internal;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Endpoint;
import dev.parley.client.InvitationCancelledException;
import dev.parley.client.InvitationRejectedException;
import dev.parley.client.MediaStream;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionException;
import dev.parley.client.SessionTrace;
import dev.parley.client.SessionType;
import dev.parley.dialog.Dialog;
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
import dev.parley.sip.SipStatus;
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
    this.local = new DefaultParticipant(this, endpoint.uri(), endpoint.config.displayName(), true,
        ParticipantState.IDLE);
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
      default -> new DefaultSession(endpoint, type, context, incoming);
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
    tx.respond(request.response(200).build());
  }

  /**
   * Under the lock: whether {@code addParticipant} connects {@code p} without an INVITE (pager
   * mode); the subclass prepares {@code p} for it.
   */
  boolean connectWithoutInviteLocked(DefaultParticipant p) {
    return false;
  }

  // ------------------------------------------------------------------------------ sending content

  /**
   * Sends to each of {@code targets} with {@code sender} (participants not CONNECTED get status 0
   * and nothing is sent); completes on the executor with one result per target, never fails.
   */
  CompletableFuture<List<DeliveryResult>> sendToAll(List<DefaultParticipant> targets,
      java.util.function.Function<DefaultParticipant, CompletableFuture<DeliveryResult>> sender) {
    List<CompletableFuture<DeliveryResult>> each = new ArrayList<>(targets.size());
    for (DefaultParticipant p : targets) {
      if (p.state() != ParticipantState.CONNECTED) {
        each.add(CompletableFuture.completedFuture(
            new DeliveryResult(p, 0, "not sent: the participant is " + p.state())));
      } else {
        CompletableFuture<DeliveryResult> f;
        try {
          f = sender.apply(p);
        } catch (RuntimeException e) {
          f = CompletableFuture.completedFuture(result(p, null, e));
        }
        each.add(f);
      }
    }
    CompletableFuture<List<DeliveryResult>> all = new CompletableFuture<>();
    CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      List<DeliveryResult> results = new ArrayList<>(each.size());
      for (CompletableFuture<DeliveryResult> f : each) {
        results.add(f.join());
      }
      endpoint.complete(all, List.copyOf(results));
      endpoint.kick();
    });
    return all;
  }

  /** Sends {@code content} as {@code method} inside {@code p}'s dialog, with our conversation ID. */
  CompletableFuture<DeliveryResult> sendInDialog(DefaultParticipant p, SipMethod method,
      byte[] content, MediaType type) {
    Dialog dialog;
    synchronized (endpoint.lock) {
      dialog = p.dialog;
    }
    if (dialog == null) {
      return CompletableFuture.completedFuture(new DeliveryResult(p, 0, "not sent: no dialog yet"));
    }
    String conversation = conversationId();
    CompletableFuture<DeliveryResult> sent;
    synchronized (endpoint.lock) {
      // One at a time per participant, in call order: the CSeq is taken when the previous
      // request has its final response, so the peer never sees them out of order.
      sent = p.inDialogTail.handle((ignored, failure) -> null)
          .thenCompose(ignored -> endpoint.ua.request(dialog, method, b -> {
            b.body(type, content);
            if (conversation != null) {
              b.header(HeaderName.MS_CONVERSATION_ID, conversation);
            }
          }))
          .handle((response, error) -> result(p, response, error));
      p.inDialogTail = sent;
    }
    return sent;
  }

  /** The delivery result of a final response or a failure. */
  static DeliveryResult result(DefaultParticipant p, SipResponse response, Throwable error) {
    if (response != null) {
      return new DeliveryResult(p, response.statusCode(), response.reasonPhrase());
    }
    Throwable cause = Registration.unwrap(error);
    if (cause instanceof SipFailure f) {
      return new DeliveryResult(p, f.statusCode(), String.valueOf(f.getMessage()));
    }
    if (cause instanceof IllegalStateException) {
      return new DeliveryResult(p, 481, "the dialog has ended: " + cause.getMessage());
    }
    return new DeliveryResult(p, 500, "not sent: " + cause);
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
    if (type == SessionType.CONFERENCE) {
      throw new UnsupportedOperationException(
          "conference sessions are entered through a focus, which is not available yet");
    }
    DefaultParticipant p;
    synchronized (endpoint.lock) {
      if (terminated) {
        throw new IllegalStateException("the session has ended");
      }
      if (!remotes.isEmpty()) {
        throw new IllegalStateException("a " + type + " session has one remote participant ("
            + remotes.get(0).uri() + "); use a conference for more");
      }
      p = new DefaultParticipant(this, uri, null, false, ParticipantState.IDLE);
      addRemote(p);
      p.change(ParticipantState.CONNECTING, ParticipantStateChangeReason.TRYING, 0);
      if (!announced) {
        announced = true;
        endpoint.sessions.announceOutgoing(this);
      }
      if (connectWithoutInviteLocked(p)) {
        p.change(ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, 0);
        connected();
        endpoint.complete(p.connected, p);
      }
    }
    endpoint.kick();
    if (p.state() == ParticipantState.CONNECTED) {
      return p.connected;
    }
    endpoint.hopFor(uri).whenComplete((hop, error) -> {
      if (error != null) {
        outcome(p, null, new SipFailure(503, "cannot resolve " + uri + ": " + error.getMessage()));
      } else {
        invite(p, uri, hop);
      }
    });
    return p.connected;
  }

  private void invite(DefaultParticipant p, SipUri uri, Hop hop) {
    OutgoingInvite out;
    try {
      SipUri contact = (SipUri) endpoint.ua.contact(hop.transport()).uri();
      SessionDescription offer = Offers.offer(type, contact, endpoint.uri());
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
      outcome(p, null, new SipFailure(503, "cannot send the INVITE: " + e.getMessage()));
      return;
    }
    boolean cancel;
    synchronized (endpoint.lock) {
      p.outgoing = out;
      cancel = p.localHangup;
    }
    if (cancel) {
      out.cancel(Reasons.of(p.hangupReason));
    }
    out.dialog().whenComplete((dialog, error) -> outcome(p, dialog, error));
  }

  private void provisional(DefaultParticipant p, SipResponse response) {
    int code = response.statusCode();
    synchronized (endpoint.lock) {
      if (p.state() == ParticipantState.CONNECTING) {
        p.change(ParticipantState.CONNECTING, code == 180 || code == 182
            ? ParticipantStateChangeReason.RINGING : ParticipantStateChangeReason.TRYING, code);
      }
    }
    endpoint.kick();
  }

  private void outcome(DefaultParticipant p, Dialog dialog, Throwable error) {
    Runnable action = null;
    synchronized (endpoint.lock) {
      if (error == null) {
        p.dialog = dialog;
        p.dialogId = dialog.id();
        endpoint.sessions.legs.put(dialog.id(), p);
        if (p.localHangup || p.state() == ParticipantState.DISCONNECTED) {
          action = byeAction(p); // a 2xx won the race with our CANCEL (RFC 3261 §9.1)
        } else {
          negotiated(localOffer, answerOf(p.outgoing), true);
          p.change(ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, 200);
          connected();
          endpoint.complete(p.connected, p);
        }
      } else {
        Throwable cause = Registration.unwrap(error);
        SipFailure f = cause instanceof SipFailure s ? s : new SipFailure(500, cause.toString());
        int code = f.statusCode();
        if (!p.localHangup && recoverLocked(p, f)) {
          endpoint.kick();
          return;
        }
        ParticipantStateChangeReason reason = p.localHangup ? ParticipantStateChangeReason.NORMAL
            : reasonFor(f);
        disconnected(p, reason, code, p.localHangup ? null : Reasons.of(f.response()));
        endpoint.fail(p.connected, p.localHangup
            ? new InvitationCancelledException("the session was terminated before " + p.uri()
                + " answered")
            : f.response() == null
                ? new SessionException("the invitation to " + p.uri() + " failed: "
                    + f.getMessage(), code)
                : new InvitationRejectedException(code, phrase(f)));
      }
    }
    endpoint.kick();
    if (action != null) {
      action.run();
    }
  }

  /** The SDP answer in the 2xx of {@code out}, or null. */
  private static SessionDescription answerOf(OutgoingInvite out) {
    SipResponse ok = out == null ? null : out.answer();
    if (ok == null || ok.bodyLength() == 0 || ok.contentType() == null
        || !ok.contentType().is(MediaType.APPLICATION_SDP)) {
      return null;
    }
    try {
      return SessionDescription.parse(ok.body());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String phrase(SipFailure f) {
    SipResponse r = f.response();
    return r != null ? r.reasonPhrase() : SipStatus.of(f.statusCode()).reasonPhrase();
  }

  /** How the inviter sees a failed invitation (UCCAPI's participant state change reasons). */
  static ParticipantStateChangeReason reasonFor(SipFailure f) {
    int code = f.statusCode();
    if (f.response() == null) {
      return ParticipantStateChangeReason.ERROR; // timeout, transport error
    }
    if (code >= 300 && code < 400) {
      return ParticipantStateChangeReason.FORWARDED;
    }
    if (code == 404 || code == 410 || code == 484 || code == 604) {
      return ParticipantStateChangeReason.ENDPOINT_NOT_EXIST;
    }
    if (code == 487 || RejectReason.fromStatus(code).isPresent()) {
      return ParticipantStateChangeReason.REMOTE_HANGUP;
    }
    return ParticipantStateChangeReason.FAILED;
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
      action = hangupLocked(p, null);
    }
    endpoint.kick();
    if (action != null) {
      action.run();
    }
    return p.disconnected;
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
          Runnable a = hangupLocked(p, reason);
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

  /**
   * Under the lock: starts ending {@code p}'s leg with {@code reason}, or normally when it is null
   * (no Reason header on the BYE or CANCEL; an invitation ours to answer is declined); the
   * returned action (may be null) sends it.
   */
  private Runnable hangupLocked(DefaultParticipant p, RejectReason reason) {
    if (p.state() == ParticipantState.DISCONNECTED || p.state() == ParticipantState.DISCONNECTING) {
      return null;
    }
    if (p.invitation != null) {
      Runnable reject = p.invitation.rejectLocked(
          (reason == null ? RejectReason.DECLINE : reason).statusCode());
      if (reject != null) {
        return reject;
      }
      if (p.invitation.isAccepting()) {
        p.localHangup = true; // BYE once the ACK arrives
        p.hangupReason = reason;
        p.change(ParticipantState.DISCONNECTING, ParticipantStateChangeReason.NORMAL, 0);
        return null;
      }
    }
    p.localHangup = true;
    p.hangupReason = reason;
    if (p.state() == ParticipantState.IDLE) {
      disconnected(p, ParticipantStateChangeReason.NORMAL, 0);
      return null;
    }
    if (p.state() == ParticipantState.CONNECTING) {
      p.change(ParticipantState.DISCONNECTING, ParticipantStateChangeReason.NORMAL, 0);
      OutgoingInvite out = p.outgoing;
      Reason why = Reasons.of(reason);
      return out == null ? null : () -> out.cancel(why); // invite() cancels once it is sent
    }
    if (p.pager) { // a pager-mode participant: no dialog, nothing to send
      disconnected(p, ParticipantStateChangeReason.NORMAL, 0);
      return null;
    }
    p.change(ParticipantState.DISCONNECTING, ParticipantStateChangeReason.NORMAL, 0);
    return byeAction(p);
  }

  /**
   * Under the lock: an action sending BYE on {@code p}'s dialog, with the Reason of our hang-up.
   * {@code p} is DISCONNECTED (and a two-party session ends) when the BYE's transaction completes:
   * a final response, a timeout (Timer F) or a transport error, so the trace then holds the
   * response. Null when there is no dialog.
   */
  Runnable byeAction(DefaultParticipant p) {
    Dialog dialog = p.dialog;
    if (dialog == null) {
      return null;
    }
    p.byeSent = true;
    Reason why = Reasons.of(p.hangupReason);
    return () -> endpoint.ua.bye(dialog, why).whenComplete((r, e) -> {
      synchronized (endpoint.lock) { // answered, timed out, failed, or the dialog had ended
        disconnected(p, ParticipantStateChangeReason.NORMAL, 0);
      }
      endpoint.kick();
    });
  }

  // ------------------------------------------------------------------------------ under the lock

  /** Under the lock: adds a remote participant and enqueues onParticipantAdded. */
  void addRemote(DefaultParticipant p) {
    remotes.add(p);
    endpoint.deliver(listeners, l -> l.onParticipantAdded(this, p));
  }

  /** Under the lock: a remote participant is connected, so is the local one. */
  void connected() {
    local.change(ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, 0);
  }

  /**
   * Under the lock: {@code p} is DISCONNECTED; it leaves the collection, and the two-party session
   * ends with it.
   */
  void disconnected(DefaultParticipant p, ParticipantStateChangeReason reason, int statusCode) {
    disconnected(p, reason, statusCode, null);
  }

  /**
   * Under the lock: as the method above, with the other side's Reason header (RFC 3326), or
   * null.
   */
  void disconnected(DefaultParticipant p, ParticipantStateChangeReason reason, int statusCode,
      Reason remoteReason) {
    if (p.state() == ParticipantState.DISCONNECTED) {
      return;
    }
    p.change(ParticipantState.DISCONNECTED, reason, statusCode, remoteReason);
    if (p.dialogId != null) {
      endpoint.sessions.legs.remove(p.dialogId, p);
    }
    if (remotes.remove(p)) {
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
    local.change(ParticipantState.DISCONNECTED, ParticipantStateChangeReason.NORMAL, 0);
    endpoint.sessions.forget(this);
    endpoint.deliver(listeners, l -> l.onTerminated(this));
    endpoint.complete(termination, null);
  }

  /** Under the lock: subclasses release what the session held (timers, the pager entry). */
  void endedLocked() {}

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
