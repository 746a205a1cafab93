package dev.parley.client.internal;

import dev.parley.client.DeliveryResult;
import dev.parley.client.InstantMessage;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.dialog.SipFailure;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link InstantMessagingSession}: MESSAGE in the dialog (session mode) or outside any dialog
 * (pager mode, RFC 3428), and the is-composing indications of RFC 3994 both ways ({@link
 * Composing}).
 */
class DefaultInstantMessagingSession extends DefaultSession implements InstantMessagingSession {
  /** INVITE failures that mean "no IM sessions here, but MESSAGE may work": fall back to pager mode. */
  static final Set<Integer> PAGER_FALLBACK = Set.of(405, 415, 488, 501, 606);
  /** Most messages held while a pager invitation waits for the application. */
  static final int MAX_HELD = 64;

  private volatile boolean pagerMode;
  // guarded by the endpoint's lock
  private List<InstantMessage> held;
  private final Composing composing = new Composing(this);
  /** The key under which {@link PagerSessions} routes this session's pager peer, or null. */
  String pagerKey;
  /** When a message last went either way (scheduler time), for pager idleness. */
  long lastActivity;

  DefaultInstantMessagingSession(DefaultEndpoint endpoint, SessionContext context,
      boolean incoming) {
    this(endpoint, SessionType.INSTANT_MESSAGING, context, incoming);
  }

  /** An IM session of {@code type}: INSTANT_MESSAGING, or a conference (which IMs through its focus). */
  DefaultInstantMessagingSession(DefaultEndpoint endpoint, SessionType type,
      SessionContext context, boolean incoming) {
    super(endpoint, type, context, incoming);
    this.pagerMode = type == SessionType.INSTANT_MESSAGING
        && context.get(SessionContext.PAGER_MODE).orElse(false);
  }

  /** Under the lock: who our composing indications go to (every remote participant). */
  List<DefaultParticipant> composingTargetsLocked() {
    return remotesLocked();
  }

  /** Under the lock: ends our composing state silently (a message went out). */
  void stopComposingLocked() {
    composing.stopLocked();
  }

  @Override
  public boolean isPagerMode() {
    return pagerMode;
  }

  @Override
  public CompletableFuture<dev.parley.client.ConferenceSession> escalateToConference(
      SipUri... extra) {
    if (type() != SessionType.INSTANT_MESSAGING) {
      throw new UnsupportedOperationException(
          "a conference is a conference already: addParticipant brings more people in");
    }
    return Escalation.start(this, extra);
  }

  /** Under the lock: marks this session as talking to pager-mode peers. */
  void pagerModeLocked() {
    pagerMode = true;
  }

  // ------------------------------------------------------------------------------ sending

  @Override
  public CompletableFuture<List<DeliveryResult>> send(String text) {
    Objects.requireNonNull(text, "text");
    return send(text.getBytes(StandardCharsets.UTF_8), TEXT_PLAIN_UTF8);
  }

  @Override
  public CompletableFuture<List<DeliveryResult>> send(byte[] content, MediaType contentType) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentType, "contentType");
    if (isComposingType(contentType)) {
      throw new IllegalArgumentException(
          "contentType must not be " + IS_COMPOSING + ": use setComposing(boolean)");
    }
    List<DefaultParticipant> targets;
    synchronized (endpoint.lock) {
      if (isTerminated()) {
        throw new IllegalStateException("the session has ended");
      }
      composing.stopLocked(); // RFC 3994 §3.2: the message itself ends our composing state
      lastActivity = endpoint.sessions.pager.clock().nowMillis();
      targets = remotesLocked();
    }
    byte[] copy = content.clone();
    return Deliveries.toAll(endpoint, targets, p -> sendTo(p, copy, contentType));
  }

  /** Sends {@code content} to {@code p}: in its dialog, or outside any in pager mode. */
  CompletableFuture<DeliveryResult> sendTo(DefaultParticipant p, byte[] content,
      MediaType type) {
    return p.isPager() ? sendPager(p, content, type)
        : p.sendInDialog(SipMethod.MESSAGE, content, type, conversationId());
  }

  /** A MESSAGE outside any dialog to a pager-mode peer (RFC 3428 §4), via the server if any. */
  private CompletableFuture<DeliveryResult> sendPager(DefaultParticipant p, byte[] content,
      MediaType type) {
    CompletableFuture<Hop> hop;
    DefaultParticipant.PagerRoute route = p.pagerRoute();
    Uri target = route.target();
    if (route.hop() != null) {
      hop = CompletableFuture.completedFuture(route.hop());
    } else if (target instanceof SipUri u) {
      hop = endpoint.hopFor(u);
    } else {
      return CompletableFuture.completedFuture(
          new DeliveryResult(p, 0, "not sent: no route to " + target));
    }
    String conversation = conversationId();
    return hop.thenCompose(h -> {
      SipRequest.Builder b = endpoint.ua.newRequest(SipMethod.MESSAGE, target,
          endpoint.from(), Address.of(p.uri()), h.transport()).body(type, content);
      if (conversation != null) {
        b.header(HeaderName.MS_CONVERSATION_ID, conversation);
      }
      SipRequest message = b.build();
      claimTrace(message.callId());
      return endpoint.ua.request(message, h);
    }).handle((response, error) -> Deliveries.result(p, response, error));
  }

  @Override
  public void setComposing(boolean on) {
    composing.set(on);
  }

  @Override
  public boolean isComposing(Participant participant) {
    Objects.requireNonNull(participant, "participant");
    return composing.isComposing(participant);
  }

  // ------------------------------------------------------------------------------ receiving

  @Override
  void onDialogRequest(DefaultParticipant p, ServerTransaction tx, SipRequest request) {
    if (!request.method().equals(SipMethod.MESSAGE)) {
      super.onDialogRequest(p, tx, request);
      return;
    }
    int status;
    synchronized (endpoint.lock) {
      status = receivedLocked(p, request);
    }
    tx.respond(endpoint.ua.response(request, status).build());
    endpoint.kick();
  }

  /**
   * Under the lock: a MESSAGE from {@code p} (in the dialog or, in pager mode, outside it);
   * returns the status to answer it with: 200, or 486 when too many wait for the application.
   */
  int receivedLocked(DefaultParticipant p, SipRequest request) {
    MediaType type = request.contentType() != null ? request.contentType() : MediaType.TEXT_PLAIN;
    return receivedLocked(p, type, request.body());
  }

  /** Under the lock: content from {@code p} (a message or a composing indication), as above. */
  int receivedLocked(DefaultParticipant p, MediaType type, byte[] body) {
    if (isComposingType(type)) {
      composing.indicationLocked(p, body);
      return 200;
    }
    lastActivity = endpoint.sessions.pager.clock().nowMillis();
    composing.messageLocked(p); // a message ends the sender's composing state (RFC 3994 §4)
    InstantMessage m = new InstantMessage(p, type, body, Instant.now());
    if (held != null) {
      if (held.size() >= MAX_HELD) {
        return 486;
      }
      held.add(m);
      return 200;
    }
    deliverMessageLocked(m);
    return 200;
  }

  /** Under the lock: messages are held until the pager invitation is accepted, {@code first} first. */
  void holdLocked(InstantMessage first) {
    held = new ArrayList<>();
    held.add(first);
  }

  /** Under the lock: the invitation was accepted; held messages are delivered in order. */
  void releaseHeldLocked() {
    List<InstantMessage> h = held;
    held = null;
    if (h != null) {
      h.forEach(this::deliverMessageLocked);
    }
  }

  private void deliverMessageLocked(InstantMessage m) {
    endpoint.deliver(listeners, l -> {
      if (l instanceof InstantMessagingSession.Listener im) {
        im.onMessageReceived(this, m);
      }
    });
  }

  // ------------------------------------------------------------------------------ pager mode

  @Override
  boolean connectWithoutInviteLocked(DefaultParticipant p) {
    if (!pagerMode) {
      return false;
    }
    becomePagerLocked(p);
    return true;
  }

  @Override
  boolean recoverLocked(DefaultParticipant p, SipFailure failure) {
    if (failure.response() == null || !PAGER_FALLBACK.contains(failure.statusCode())
        || p.state() != ParticipantState.CONNECTING) {
      return false;
    }
    pagerMode = true;
    becomePagerLocked(p);
    p.connected(0);
    connected();
    return true;
  }

  /** Under the lock: {@code p} (whose URI we invited) is reached by MESSAGE outside dialogs. */
  private void becomePagerLocked(DefaultParticipant p) {
    p.talkInPagerMode(new DefaultParticipant.PagerRoute(p.uri(), null));
    endpoint.sessions.pager.registerLocked(this, p);
  }

  @Override
  void endedLocked() {
    composing.endedLocked();
    held = null;
    endpoint.sessions.pager.forgetLocked(this);
  }

  static boolean isComposingType(MediaType type) {
    return type.is(IS_COMPOSING.type(), IS_COMPOSING.subtype());
  }

  @Override
  public String toString() {
    return super.toString() + (pagerMode ? " pager" : "");
  }
}
