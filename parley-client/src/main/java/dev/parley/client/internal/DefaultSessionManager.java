package dev.parley.client.internal;

import dev.parley.client.ApplicationData;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionManager;
import dev.parley.client.SessionType;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.dialog.IncomingInvite;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Reason;
import dev.parley.sip.Replaces;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link SessionManager}: turns INVITEs into invitations for the application and keeps the
 * endpoint's sessions and the dialogs of their legs.
 */
final class DefaultSessionManager implements SessionManager {
  private final DefaultEndpoint endpoint;
  private volatile Listener listener;
  private final Set<DefaultSession> sessions = new LinkedHashSet<>(); // guarded by the lock
  private final Set<String> applicationTypes = ConcurrentHashMap.newKeySet();
  /** The participant behind each dialog (confirmed, or about to be by accept()). */
  private final Map<DialogId, DefaultParticipant> legs = new ConcurrentHashMap<>();
  /** Pager-mode peers and their sessions. */
  final PagerSessions pager;

  DefaultSessionManager(DefaultEndpoint endpoint) {
    this.endpoint = endpoint;
    this.pager = new PagerSessions(endpoint);
  }

  @Override
  public void setListener(Listener listener) {
    this.listener = listener;
  }

  @Override
  public Session createSession(SessionType type, SessionContext context) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(context, "context");
    if (!context.isSet(SessionContext.CONVERSATION_ID)) {
      context = context.toBuilder()
          .set(SessionContext.CONVERSATION_ID, UUID.randomUUID().toString()).build();
    }
    DefaultSession s = DefaultSession.create(endpoint, type, context, false);
    synchronized (endpoint.lock) {
      sessions.add(s);
    }
    return s;
  }

  @Override
  public List<Session> sessions() {
    synchronized (endpoint.lock) {
      return List.copyOf(new ArrayList<>(sessions));
    }
  }

  @Override
  public void registerApplicationContentType(MediaType type) {
    Objects.requireNonNull(type, "type");
    if (type.is(MediaType.APPLICATION_SDP)) {
      throw new IllegalArgumentException("application/sdp is recognised by its m= lines");
    }
    applicationTypes.add(Offers.key(type));
  }

  /** Under the lock: the session ended. */
  void forget(DefaultSession s) {
    sessions.remove(s);
  }

  /** {@code p}'s leg is the dialog {@code id} (confirmed, or about to be by accept()). */
  void addLeg(DialogId id, DefaultParticipant p) {
    legs.put(id, p);
  }

  /** {@code p}'s leg, the dialog {@code id}, has ended. */
  void removeLeg(DialogId id, DefaultParticipant p) {
    legs.remove(id, p);
  }

  /** Under the lock: an incoming session exists from its invitation on. */
  void addLocked(DefaultSession s) {
    sessions.add(s);
  }

  /** A MESSAGE outside any dialog: a pager-mode peer (on an event loop). */
  void onMessage(ServerTransaction tx, SipRequest request) {
    pager.onMessage(tx, request, listener);
  }

  /** A request inside a dialog other than INVITE, ACK, BYE and PRACK (on an event loop). */
  void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
    DefaultParticipant p = legs.get(dialog.id());
    if (p == null) {
      tx.respond(endpoint.ua.response(request, 481).build());
      return;
    }
    p.session.onDialogRequest(p, tx, request);
  }

  /** A re-INVITE inside a dialog (on an event loop): its session answers it. */
  void onReInvite(Dialog dialog, IncomingInvite invite) {
    DefaultParticipant p = legs.get(dialog.id());
    if (p == null) {
      invite.reject(481);
      return;
    }
    p.session.onReInvite(p, invite);
  }

  /** Under the lock: an outgoing session sent its first invitation. */
  void announceOutgoing(DefaultSession s) {
    Listener l = listener;
    if (l != null) {
      endpoint.deliver(List.of(l), x -> x.onOutgoingSession(endpoint, s));
    }
  }

  /** An INVITE outside any dialog (on an event loop). */
  void onInvite(IncomingInvite invite) {
    SipRequest request = invite.request();
    Listener l = listener;
    if (l == null || !endpoint.acceptsInvitations()) {
      invite.reject(480);
      return;
    }
    DefaultSession replaced = null;
    if (request.headers().contains(HeaderName.REPLACES)) {
      replaced = replacedSession(invite);
      if (replaced == null) {
        return; // answered
      }
    }
    Offers.Classification c = Offers.classify(request, applicationTypes,
        endpoint.config.audio().offers());
    if (c.type() == null) {
      if (c.rejectStatus() == 415) {
        invite.reject(endpoint.ua.response(request, 415, invite.localTag())
            .header(HeaderName.ACCEPT, MediaType.APPLICATION_SDP.toString()).build());
      } else {
        invite.reject(c.rejectStatus());
      }
      return;
    }
    SessionContext.Builder context = SessionContext.builder();
    String conversation = request.headers().get(HeaderName.MS_CONVERSATION_ID);
    // A peer that sends no Ms-Conversation-ID (baresip, Linphone) still gets a session with an
    // ID, as pager sessions do: escalation and traces key on it.
    context.set(SessionContext.CONVERSATION_ID, conversation != null && !conversation.isBlank()
        ? conversation.strip() : java.util.UUID.randomUUID().toString());
    String subject = request.headers().get(HeaderName.SUBJECT);
    if (subject != null && !subject.isBlank()) {
      context.set(SessionContext.SUBJECT, subject.strip());
    }
    Address from = request.from();
    DefaultIncomingSessionEvent event;
    synchronized (endpoint.lock) {
      DefaultSession session = DefaultSession.create(endpoint, c.type(), context.build(), true);
      session.claimTrace(request.callId());
      DefaultParticipant inviter =
          DefaultParticipant.inviter(session, from.uri(), from.displayName());
      if (session instanceof DefaultConferenceSession conference) {
        conference.invitedLocked(from.uri()); // the focus's From is the conference URI
      }
      if (session instanceof DefaultApplicationSession app && !c.hasOffer()
          && request.bodyLength() > 0 && request.contentType() != null) {
        app.invitationData(new ApplicationData(inviter, request.contentType(), request.body(),
            Instant.now()));
      }
      event = new DefaultIncomingSessionEvent(session, inviter, invite, c, replaced);
      inviter.invitedUs(event);
      session.addRemote(inviter);
      sessions.add(session);
      endpoint.deliver(List.of(l), x -> x.onIncomingSession(endpoint, event));
    }
    invite.ringing();
    event.start(endpoint.config.invitationTimeout().toMillis());
    endpoint.kick();
  }

  /**
   * The session whose dialog {@code invite}'s Replaces names (RFC 3891 §3: the to-tag is our tag,
   * the from-tag the peer's), or null once the INVITE is answered: 400 for an unreadable or
   * repeated Replaces, 481 when it names no connected dialog of ours, 486 for an early-only one
   * that is confirmed.
   */
  private DefaultSession replacedSession(IncomingInvite invite) {
    SipRequest request = invite.request();
    Replaces r = null;
    if (request.headers().count(HeaderName.REPLACES) == 1) {
      try {
        r = Replaces.parse(request.headers().get(HeaderName.REPLACES));
      } catch (RuntimeException e) {
        r = null; // SipParseException: answered 400 below
      }
    }
    if (r == null || r.toTag() == null || r.fromTag() == null) {
      invite.reject(400);
      return null;
    }
    DefaultParticipant p = legs.get(new DialogId(r.callId(), r.toTag(), r.fromTag()));
    synchronized (endpoint.lock) {
      if (p != null && p.state() == ParticipantState.CONNECTED && p.dialogLocked() != null
          && !p.session().isTerminated()) {
        if (!r.earlyOnly()) {
          return (DefaultSession) p.session();
        }
        p = null;
        r = null;
      }
    }
    invite.reject(r == null ? 486 : 481);
    return null;
  }

  /**
   * A dialog ended: BYE received ({@code bye} non-null) or sent, or no ACK came (event loop). When
   * we sent the BYE, its transaction's outcome ends the participant ({@link DefaultSession}).
   */
  void onDialogEnded(Dialog dialog, SipRequest bye) {
    DefaultParticipant p = legs.get(dialog.id());
    if (p == null) {
      return;
    }
    synchronized (endpoint.lock) {
      if (p.state() != ParticipantState.DISCONNECTED && (bye != null || !p.isByeSent())) {
        ParticipantStateChangeReason reason;
        int status = 0;
        Reason remote = null;
        if (bye != null) {
          reason = ParticipantStateChangeReason.REMOTE_HANGUP;
          remote = Reasons.of(bye);
          status = Reasons.sipCause(remote);
        } else {
          reason = p.isHangingUp() ? ParticipantStateChangeReason.NORMAL
              : ParticipantStateChangeReason.ERROR;
        }
        ((DefaultSession) p.session()).disconnected(p, reason, status, remote);
      }
    }
    endpoint.kick();
  }
}
