package dev.parley.client.internal;

import dev.parley.client.ConferenceSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.SessionException;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The members of a conference as this endpoint knows them: the roster the focus reports (RFC
 * 4575), the users we asked it to dial out, and senders of relayed messages not listed yet. Each
 * member is a {@link DefaultParticipant} without a leg of its own, keyed by its address of record
 * (user and host: the roster names users by AOR, a Refer-To or CPIM From may carry a port or
 * parameters). We are never a member (the local participant is). Guarded by the endpoint's lock.
 */
final class ConferenceRoster {
  /** Most members tracked (a focus caps conferences far below this; beyond, new ones are ignored). */
  static final int MAX_MEMBERS = 1000;

  /**
   * One user as a roster notification gives it.
   *
   * @param uri the user's address of record ({@code user entity})
   * @param displayName its {@code display-text}, or null
   * @param state its endpoint status mapped to our states
   */
  record Entry(Uri uri, String displayName, ParticipantState state) {}

  private final DefaultConferenceSession session;
  private final Map<String, DefaultParticipant> members = new LinkedHashMap<>();

  ConferenceRoster(DefaultConferenceSession session) {
    this.session = session;
  }

  /** The key of {@code uri}: user and host of a SIP URI (host lower case), else the URI. */
  static String key(Uri uri) {
    if (uri instanceof SipUri u) {
      return (u.user() == null ? "" : u.user()) + "@" + u.host().toLowerCase(Locale.ROOT);
    }
    return uri.toString();
  }

  private boolean isSelf(Uri uri) {
    return key(uri).equals(key(session.endpoint.uri()));
  }

  /** Under the lock: the members, in the order they came. */
  List<Participant> membersLocked() {
    return List.copyOf(members.values());
  }

  /** Under the lock: the member of {@code uri}'s address of record, or null. */
  DefaultParticipant memberLocked(Uri uri) {
    return members.get(key(uri));
  }

  /** Under the lock: whether {@code p} is a member now. */
  boolean containsLocked(DefaultParticipant p) {
    return members.get(key(p.uri())) == p;
  }

  /**
   * Under the lock: the member who wrote a relayed message: known, or added now as CONNECTED
   * (the roster has not listed it yet, but it is in the conference since it writes).
   */
  DefaultParticipant senderLocked(Uri uri) {
    DefaultParticipant p = memberLocked(uri);
    if (p != null || members.size() >= MAX_MEMBERS) {
      return p != null ? p : DefaultParticipant.invitee(session, uri);
    }
    p = DefaultParticipant.invitee(session, uri);
    addLocked(p);
    p.followRoster(ParticipantState.CONNECTED, ParticipantStateChangeReason.NORMAL, 0);
    rosterChangedLocked();
    return p;
  }

  /** Under the lock: {@code p} (IDLE, we are about to ask the focus to dial out) becomes a member. */
  void dialingLocked(DefaultParticipant p) {
    addLocked(p);
  }

  private void addLocked(DefaultParticipant p) {
    members.put(key(p.uri()), p);
    session.endpoint.deliver(session.listeners, l -> l.onParticipantAdded(session, p));
  }

  /**
   * Under the lock: {@code p} is DISCONNECTED with {@code reason} and {@code statusCode} and
   * leaves the collection; a dial-out still waiting fails with {@code connectionFailure} (when
   * not null).
   */
  void removeLocked(DefaultParticipant p, ParticipantStateChangeReason reason, int statusCode,
      Throwable connectionFailure) {
    p.disconnect(reason, statusCode, null);
    if (connectionFailure != null) {
      p.connectionFailed(connectionFailure); // nothing when it connected before
    }
    if (members.remove(key(p.uri()), p)) {
      session.endpoint.deliver(session.listeners, l -> l.onParticipantRemoved(session, p));
    }
  }

  /**
   * Under the lock: applies a roster notification: a full one replaces the list (members it does
   * not name leave), a partial one updates the users it names. Users DISCONNECTED leave; we are
   * skipped. Listeners hear the participant events, then {@code onRosterChanged}.
   */
  void applyLocked(List<Entry> entries, boolean full) {
    if (session.isTerminated()) {
      return;
    }
    Set<String> named = new HashSet<>();
    for (Entry e : entries) {
      if (isSelf(e.uri())) {
        continue;
      }
      String k = key(e.uri());
      named.add(k);
      DefaultParticipant p = members.get(k);
      if (e.state() == ParticipantState.DISCONNECTED) {
        if (p != null) {
          removeLocked(p, ParticipantStateChangeReason.REMOTE_HANGUP, 0, left(p));
        }
        continue;
      }
      if (p == null) {
        if (members.size() >= MAX_MEMBERS) {
          continue;
        }
        p = DefaultParticipant.invitee(session, e.uri(), e.displayName());
        addLocked(p);
      }
      p.followRoster(e.state(), ParticipantStateChangeReason.NORMAL, 0);
    }
    if (full) {
      for (DefaultParticipant p : new ArrayList<>(members.values())) {
        if (!named.contains(key(p.uri())) && p.state() != ParticipantState.CONNECTING) {
          removeLocked(p, ParticipantStateChangeReason.REMOTE_HANGUP, 0, left(p));
        }
      }
    }
    rosterChangedLocked();
  }

  private static SessionException left(DefaultParticipant p) {
    return new SessionException(p.uri() + " left the conference before joining it", 0);
  }

  private void rosterChangedLocked() {
    session.endpoint.deliver(session.listeners, l -> {
      if (l instanceof ConferenceSession.Listener c) {
        c.onRosterChanged(session);
      }
    });
  }

  /**
   * Outside the lock, once the session is in the conference: subscribes to the conference's
   * roster (RFC 4575, {@code Event: conference}).
   */
  void subscribe() {
    // the subscription needs RFC 6665 subscriptions in parley-dialog; until then the members are
    // those we dial out and those who write
  }

  /** Under the lock: the session ended; every member is DISCONNECTED and leaves. */
  void endedLocked() {
    for (DefaultParticipant p : new ArrayList<>(members.values())) {
      removeLocked(p, ParticipantStateChangeReason.NORMAL, 0, null);
    }
  }
}
