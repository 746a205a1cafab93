package dev.parley.client.internal;

import dev.parley.client.InstantMessage;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionManager;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Scheduler;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Pager-mode peers (RFC 3428 MESSAGE outside any dialog, as baresip, Linphone and JsSIP send):
 * the first MESSAGE from a peer becomes an IM invitation carrying it, later ones go to that
 * session, and a rejected peer's MESSAGEs get the reject status for a while.
 *
 * <p>Peers are keyed by the user and host of their From URI (ports and parameters ignored:
 * Linphone writes port-less AORs, baresip keeps the port). The table is bounded
 * ({@code maxPagerSessions}, least recently used first); a quiet session ends after
 * {@code pagerSessionIdleTimeout}, since pager peers never say goodbye. Guarded by the endpoint's
 * lock, except {@link #onMessage}, which takes it.
 */
final class PagerSessions {
  /** A peer whose invitation was rejected or forwarded: its MESSAGEs get this answer until then. */
  private record Rejected(int status, SipUri forwardTo, long until) {}

  private final DefaultEndpoint endpoint;
  private volatile Scheduler clock;
  /** Values: a live {@link DefaultInstantMessagingSession} or a {@link Rejected}. Access order. */
  private final Map<String, Object> peers = new LinkedHashMap<>(16, 0.75f, true);

  PagerSessions(DefaultEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** The routing key of a peer: {@code user@host}, lower-case host, no port. */
  static String key(Uri uri) {
    if (uri instanceof SipUri u) {
      return (u.user() == null ? "" : u.user()) + "@" + u.host().toLowerCase(Locale.ROOT);
    }
    return uri.toString();
  }

  /** A MESSAGE outside any dialog (on an event loop). */
  void onMessage(ServerTransaction tx, SipRequest request, SessionManager.Listener listener) {
    Address from = request.from();
    String key = key(from.uri());
    MediaType type = request.contentType() != null ? request.contentType() : MediaType.TEXT_PLAIN;
    int status;
    SipUri forwardTo = null;
    PagerInvitation invitation = null;
    synchronized (endpoint.lock) {
      long now = clock().nowMillis();
      Object entry = peers.get(key);
      if (entry instanceof Rejected r && r.until() <= now
          || entry instanceof DefaultInstantMessagingSession s && s.isTerminated()) {
        peers.remove(key);
        entry = null;
      }
      if (entry instanceof Rejected r) {
        status = r.status();
        forwardTo = r.forwardTo();
      } else if (entry instanceof DefaultInstantMessagingSession s) {
        DefaultParticipant peer = peerOf(s);
        s.claimTrace(request.callId());
        status = peer == null ? 481 : s.receivedLocked(peer, request);
      } else if (DefaultInstantMessagingSession.isComposingType(type)) {
        status = 200; // typing before the first message (Linphone does): nothing to show yet
      } else if (listener == null || !endpoint.acceptsInvitations()) {
        status = 480;
      } else if (!roomLocked(now)) {
        status = 503;
      } else {
        invitation = inviteLocked(tx, request, key, type, listener);
        status = 200;
      }
    }
    SipResponse.Builder b = endpoint.ua.response(request, status, Tags.random());
    if (forwardTo != null) {
      b.header(HeaderName.CONTACT, Address.of(forwardTo));
    }
    tx.respond(b.build());
    if (invitation != null) {
      invitation.start(endpoint.config.invitationTimeout().toMillis());
    }
    endpoint.kick();
  }

  /** Under the lock: a new peer's first message becomes an invitation. */
  private PagerInvitation inviteLocked(ServerTransaction tx, SipRequest request, String key,
      MediaType type, SessionManager.Listener listener) {
    Address from = request.from();
    SessionContext.Builder context = SessionContext.builder();
    String conversation = request.headers().get(HeaderName.MS_CONVERSATION_ID);
    context.set(SessionContext.CONVERSATION_ID, conversation != null && !conversation.isBlank()
        ? conversation.strip() : UUID.randomUUID().toString());
    String subject = request.headers().get(HeaderName.SUBJECT);
    if (subject != null && !subject.isBlank()) {
      context.set(SessionContext.SUBJECT, subject.strip());
    }
    DefaultInstantMessagingSession session =
        new DefaultInstantMessagingSession(endpoint, context.build(), true);
    session.pagerModeLocked();
    session.claimTrace(request.callId());
    DefaultParticipant inviter =
        DefaultParticipant.inviter(session, from.uri(), from.displayName());
    routeReplies(inviter, tx, request);
    InstantMessage first = new InstantMessage(inviter, type, request.body(), Instant.now());
    PagerInvitation invitation = new PagerInvitation(session, inviter, first, key, this);
    inviter.invitedUs(invitation);
    session.holdLocked(first);
    session.addRemote(inviter);
    endpoint.sessions.addLocked(session);
    putLocked(key, session);
    endpoint.deliver(List.of(listener), l -> l.onIncomingSession(endpoint, invitation));
    return invitation;
  }

  /**
   * Where our replies go: with a server, to the peer's address of record through it; without,
   * to the Contact the MESSAGE gave, else back to the address it came from.
   */
  private void routeReplies(DefaultParticipant peer, ServerTransaction tx, SipRequest request) {
    if (endpoint.config.server() != null) {
      peer.talkInPagerMode(new DefaultParticipant.PagerRoute(peer.uri(), null));
      return;
    }
    for (Address contact : request.contacts()) {
      if (!contact.isWildcard() && contact.uri() instanceof SipUri) {
        peer.talkInPagerMode(new DefaultParticipant.PagerRoute(contact.uri(), null));
        return;
      }
    }
    peer.talkInPagerMode(new DefaultParticipant.PagerRoute(peer.uri(), tx.flow().remoteHop()));
  }

  /** Under the lock: an outgoing session talks to {@code peer} in pager mode; replies come to it. */
  void registerLocked(DefaultInstantMessagingSession session, DefaultParticipant peer) {
    String key = key(peer.uri());
    putLocked(key, session); // an outgoing session replaces what was there (a remembered reject too)
  }

  private void putLocked(String key, DefaultInstantMessagingSession session) {
    peers.put(key, session);
    session.pagerKey = key;
    session.lastActivity = clock().nowMillis();
    scheduleIdleCheck(session, endpoint.config.pagerIdle().toMillis());
  }

  /** Under the lock: the session ended; its peer is forgotten (unless a reject replaced it). */
  void forgetLocked(DefaultInstantMessagingSession session) {
    if (session.pagerKey != null) {
      peers.remove(session.pagerKey, session);
    }
  }

  /** Under the lock: the peer's invitation was rejected with {@code status} (or forwarded). */
  void rememberLocked(String key, int status, SipUri forwardTo) {
    peers.put(key, new Rejected(status, forwardTo,
        clock().nowMillis() + endpoint.config.pagerIdle().toMillis()));
  }

  /** Under the lock: whether a new peer fits; drops expired rejects and ended sessions first. */
  private boolean roomLocked(long now) {
    if (peers.size() < endpoint.config.maxPagerSessions()) {
      return true;
    }
    for (Iterator<Object> it = peers.values().iterator(); it.hasNext(); ) {
      Object v = it.next();
      if (v instanceof Rejected r && r.until() <= now
          || v instanceof DefaultInstantMessagingSession s && s.isTerminated()) {
        it.remove();
      }
    }
    if (peers.size() < endpoint.config.maxPagerSessions()) {
      return true;
    }
    for (Iterator<Object> it = peers.values().iterator(); it.hasNext(); ) {
      if (it.next() instanceof Rejected) { // the least recently used remembered reject goes
        it.remove();
        return true;
      }
    }
    return false;
  }

  private static DefaultParticipant peerOf(DefaultInstantMessagingSession s) {
    for (DefaultParticipant p : s.remotesLocked()) {
      if (p.isPager() && p.state() != ParticipantState.DISCONNECTED) {
        return p;
      }
    }
    return null;
  }

  private void scheduleIdleCheck(DefaultInstantMessagingSession session, long delayMillis) {
    clock().schedule(() -> checkIdle(session), delayMillis, TimeUnit.MILLISECONDS);
  }

  /** Ends a pager session nobody used for {@code pagerSessionIdleTimeout}. */
  private void checkIdle(DefaultInstantMessagingSession session) {
    synchronized (endpoint.lock) {
      if (session.isTerminated() || peers.get(session.pagerKey) != session) {
        return;
      }
      long limit = endpoint.config.pagerIdle().toMillis();
      long quiet = clock().nowMillis() - session.lastActivity;
      if (quiet < limit) {
        scheduleIdleCheck(session, limit - quiet);
        return;
      }
      for (DefaultParticipant p : session.remotesLocked()) {
        if (p.isPager() && p.hasPendingInvitation()) {
          continue; // its own timer ends it
        }
        if (p.isPager()) {
          session.disconnected(p, ParticipantStateChangeReason.NORMAL, 0);
        }
      }
    }
    endpoint.kick();
  }

  /** The scheduler pager timers run on (chosen on first use: the transport must be started). */
  Scheduler clock() {
    Scheduler c = clock;
    if (c == null) {
      synchronized (this) {
        if (clock == null) {
          clock = endpoint.transport.nextScheduler();
        }
        c = clock;
      }
    }
    return c;
  }
}
