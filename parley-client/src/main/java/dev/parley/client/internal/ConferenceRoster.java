package dev.parley.client.internal;

import dev.parley.client.ConferenceSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.SessionException;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.SubscriptionState;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.sip.body.EndpointStatus;
import dev.parley.sip.body.MediaStatus;
import dev.parley.sip.Uri;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
   * @param disconnection when DISCONNECTED, how (its endpoint's {@code disconnection-method}:
   *     {@code departed}, {@code booted}, {@code failed}, {@code busy}), or null
   * @param audio its endpoint's audio as {@link #audioOf} reads it
   */
  record Entry(Uri uri, String displayName, ParticipantState state, String disconnection,
      ConferenceSession.AudioState audio) {}

  /** The Expires of our SUBSCRIBE (the contract's default and maximum). */
  static final long EXPIRES_SECONDS = 3600;
  private static final Logger LOG = LoggerFactory.getLogger(ConferenceRoster.class);

  private final DefaultConferenceSession session;
  private final Map<String, DefaultParticipant> members = new LinkedHashMap<>();
  /** The conference state the NOTIFYs describe (RFC 4575 §4.6 merge). */
  private final dev.parley.sip.body.ConferenceRoster merged = new dev.parley.sip.body.ConferenceRoster();
  private boolean subscribing;
  private OutgoingSubscription subscription;
  /**
   * Which roster subscription is ours: one more for each new one. A subscription's NOTIFYs and
   * end count only while its generation is the current one: after a new subscription, the old
   * one's late NOTIFYs (its versions are its own, RFC 4575 §4.6; a focus answers the unsubscribe
   * with its full state) must not be merged into the new one's state.
   */
  private long generation;
  /** When the roster was last subscribed again (the scheduler's millis), or -1. */
  private long lastResubscribe = -1;
  /** A new subscription put off by {@link #RESUBSCRIBE_MILLIS}, or null. */
  private dev.parley.transport.Scheduler.Timer pendingResubscribe;
  /** The least time between two new roster subscriptions. */
  static final long RESUBSCRIBE_MILLIS = 5000;
  /**
   * How long a dial-out of ours that the roster has never listed stays a member while full
   * states leave it out (64*T1 of RFC 3261): the focus's report that it joined travels in another
   * dialog than the roster, and a roster NOTIFY made before it joined may arrive after the report.
   */
  static final long LISTING_GRACE_MILLIS = 32_000;
  /**
   * Our dial-outs the roster has not listed yet, with when each was asked for (the scheduler's
   * millis); at most one per member (each leaves with its member).
   */
  private final Map<DefaultParticipant, Long> unlisted = new IdentityHashMap<>();
  /** The members' audio as the roster last gave it (members it never described have none). */
  private final Map<DefaultParticipant, ConferenceSession.AudioState> audio =
      new IdentityHashMap<>();

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

  /** Under the lock: {@code p}'s audio as the roster gives it; NONE when it is no member. */
  ConferenceSession.AudioState audioLocked(DefaultParticipant p) {
    return audio.getOrDefault(p, ConferenceSession.AudioState.NONE);
  }

  /** Under the lock: whether {@code p} is a member now. */
  boolean containsLocked(DefaultParticipant p) {
    return members.get(key(p.uri())) == p;
  }

  /**
   * Under the lock: the member who wrote a relayed message of {@code type}: known, or added now
   * as CONNECTED (the roster has not listed it yet, but it is in the conference since it
   * writes). Our own address of record never joins (another device of ours, or an echo): its
   * message comes from a participant outside the collection. An is-composing indication is a
   * member's state, so one from our own address or from someone the roster does not list gives
   * null: it is ignored.
   */
  DefaultParticipant senderLocked(Uri uri, MediaType type) {
    DefaultParticipant p = memberLocked(uri);
    if (p != null) {
      return p;
    }
    if (DefaultInstantMessagingSession.isComposingType(type)) {
      return null;
    }
    if (isSelf(uri) || members.size() >= MAX_MEMBERS) {
      return DefaultParticipant.invitee(session, uri); // outside the collection
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
    unlisted.put(p, session.scheduler().nowMillis());
  }

  /**
   * Under the lock: whether {@code p} is our dial-out that the roster has not listed yet, asked
   * for less than {@value #LISTING_GRACE_MILLIS} ms ago: a full state that leaves it out may have
   * been made before it joined.
   */
  private boolean awaitingListingLocked(DefaultParticipant p) {
    Long since = unlisted.get(p);
    return since != null && session.scheduler().nowMillis() - since < LISTING_GRACE_MILLIS;
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
    unlisted.remove(p);
    audio.remove(p);
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
        if (p != null && p.state() == ParticipantState.CONNECTING
            && session.referrals.dialingLocked(p)) {
          // our own dial-out not yet in: the focus's report of its INVITE gives the outcome (the
          // roster's NOTIFY may overtake it), for a short while at most
          session.referrals.rosterDisconnectedLocked(p, e.disconnection());
        } else if (p != null) {
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
      } else {
        session.referrals.rosterListedLocked(p); // listed again after a disconnected entry
        unlisted.remove(p); // listed: from now on, a full state that leaves it out means it left
      }
      audio.put(p, e.audio()); // no state change of its own: onRosterChanged tells it
      if (p.state() != e.state()) { // the same state keeps its reason (RINGING) and raises nothing
        p.followRoster(e.state(), ParticipantStateChangeReason.NORMAL, 0);
      }
    }
    if (full) {
      for (DefaultParticipant p : new ArrayList<>(members.values())) {
        // a member the full state leaves out is gone, unless it is our own dial-out that the
        // focus has not listed yet: waiting for its REFER report (which decides), or reported
        // joined by it (this state may be older than the join); someone else's failed one goes
        if (!named.contains(key(p.uri())) && !(p.state() == ParticipantState.CONNECTING
            && session.dialingOutLocked(p)) && !awaitingListingLocked(p)) {
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
   * roster (RFC 4575 over RFC 6665): SUBSCRIBE to the conference URI (through the server when
   * there is one) with {@code Event: conference}; each NOTIFY's conference-info is merged
   * (versions in order, partial on full) and the merged state applied as the full list.
   */
  void subscribe() {
    SipUri target;
    SipUri requestUri;
    long gen;
    synchronized (session.endpoint.lock) {
      target = session.conferenceUriLocked();
      if (session.isTerminated() || target == null || subscribing) {
        return;
      }
      subscribing = true;
      gen = ++generation;
      // through the server, the conference URI finds the focus; without one (peer-to-peer),
      // the focus's Contact is where it answers
      requestUri = target;
      DefaultParticipant focus = session.connectedFocusLocked();
      if (session.endpoint.config.server() == null && focus != null
          && focus.dialogLocked().remoteTarget() instanceof SipUri contact) {
        requestUri = contact;
      }
    }
    DefaultEndpoint endpoint = session.endpoint;
    SipUri uri = requestUri;
    endpoint.hopFor(uri).whenComplete((hop, error) -> {
      if (error != null) {
        LOG.info("no roster for {}: cannot reach it: {}", target, error.getMessage());
        failed(gen, "no route");
        return;
      }
      OutgoingSubscription sub;
      try {
        SipRequest subscribe = endpoint.ua.newRequest(SipMethod.SUBSCRIBE, uri,
                endpoint.from(), Address.of(target), hop.transport())
            .header(HeaderName.EVENT, "conference")
            .header(HeaderName.ACCEPT, ConferenceInfo.CONTENT_TYPE)
            .header(HeaderName.EXPIRES, Long.toString(EXPIRES_SECONDS)).build();
        session.claimTrace(subscribe.callId());
        sub = endpoint.ua.subscribe(subscribe, hop, new OutgoingSubscription.Listener() {
          @Override
          public void onNotify(OutgoingSubscription s, SipRequest notify, SubscriptionState st) {
            notified(gen, notify);
          }

          @Override
          public void onTerminated(OutgoingSubscription s, String reason) {
            LOG.debug("roster subscription of {} ended: {}", target, reason);
            boolean ours;
            synchronized (endpoint.lock) {
              ours = generation == gen;
            }
            if (ours && !"noresource".equals(reason)) {
              resubscribe("its end (" + reason + ")"); // still in the conference: keep a roster
            }
          }
        });
      } catch (RuntimeException e) {
        LOG.info("no roster for {}: {}", target, e.getMessage());
        failed(gen, e.getMessage());
        return;
      }
      boolean ended;
      boolean replaced;
      synchronized (endpoint.lock) {
        ended = session.isTerminated();
        replaced = generation != gen; // a new one was asked for while this one was being made
        if (!replaced) {
          subscription = sub;
        }
      }
      if (ended || replaced) {
        sub.unsubscribe();
      }
    });
  }

  /**
   * The subscription of {@code gen} could not be made: not subscribing any more, and a new one is
   * tried (at most once every {@value #RESUBSCRIBE_MILLIS} ms) while we are in the conference.
   */
  private void failed(long gen, String why) {
    synchronized (session.endpoint.lock) {
      if (generation != gen) {
        return;
      }
      subscribing = false;
    }
    resubscribe(why);
  }

  /** A NOTIFY of the roster subscription of {@code gen} (on an event loop). */
  private void notified(long gen, SipRequest notify) {
    if (notify.bodyLength() == 0) {
      return;
    }
    ConferenceInfo info;
    try {
      info = ConferenceInfo.parse(notify.body());
    } catch (RuntimeException e) {
      LOG.info("unreadable conference-info from the focus, ignored: {}", e.getMessage());
      return;
    }
    boolean resubscribe = false;
    synchronized (session.endpoint.lock) {
      if (gen != generation) {
        LOG.debug("roster of {}: a NOTIFY of a replaced subscription, ignored", session);
        return;
      }
      dev.parley.sip.body.ConferenceRoster.Outcome outcome = merged.apply(info);
      if (outcome == dev.parley.sip.body.ConferenceRoster.Outcome.GAP
          || outcome == dev.parley.sip.body.ConferenceRoster.Outcome.AWAITING_FULL) {
        resubscribe = true; // a version went missing: a new subscription brings the full state
      } else if (outcome == dev.parley.sip.body.ConferenceRoster.Outcome.APPLIED) {
        if (merged.current().users().size() > 2 * MAX_MEMBERS) {
          LOG.info("the roster of {} names more than {} users: ignored", session.conferenceUriLocked(),
              2 * MAX_MEMBERS);
          merged.reset(); // bounded: a focus cannot grow it without end
        } else {
          applyLocked(entries(merged.current()), true);
        }
      }
    }
    session.endpoint.kick();
    if (resubscribe) {
      resubscribe("a version gap");
    }
  }

  /**
   * Ends the roster subscription and makes a new one (whose first NOTIFY is the full state): after
   * a version gap, or when the focus ended it while we are still in the conference. At most once
   * every {@value #RESUBSCRIBE_MILLIS} ms, so a focus that keeps refusing costs little.
   */
  private void resubscribe(String why) {
    OutgoingSubscription old;
    synchronized (session.endpoint.lock) {
      if (session.isTerminated()) {
        return;
      }
      long now = session.scheduler().nowMillis();
      if (lastResubscribe >= 0 && now - lastResubscribe < RESUBSCRIBE_MILLIS) {
        // too soon after the last one: put off, not dropped (the merged roster waits for a full
        // state that only a new subscription brings; dropped, it would stay as it is for good)
        if (pendingResubscribe == null) {
          pendingResubscribe = session.scheduler().schedule(() -> {
            synchronized (session.endpoint.lock) {
              pendingResubscribe = null;
            }
            resubscribe(why);
          }, RESUBSCRIBE_MILLIS - (now - lastResubscribe), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return;
      }
      lastResubscribe = now;
      old = subscription;
      subscription = null;
      subscribing = false;
      generation++; // from now on the old subscription's NOTIFYs and end are not ours
      merged.reset();
    }
    LOG.debug("roster of {}: subscribing again after {}", session, why);
    if (old != null && !old.terminated().isDone()) {
      old.unsubscribe();
    }
    subscribe();
  }

  /**
   * The users of a conference-info document as entries (a user without a SIP URI is skipped).
   * A user with several endpoints is as its first one not disconnected (one that left may be
   * kept beside one dialled again), else as its first.
   */
  private static List<Entry> entries(ConferenceInfo info) {
    List<Entry> out = new ArrayList<>();
    for (ConferenceInfo.User u : info.users()) {
      Uri uri;
      try {
        uri = SipUri.parse(u.entity());
      } catch (RuntimeException e) {
        continue;
      }
      ConferenceInfo.Endpoint endpoint = null;
      for (ConferenceInfo.Endpoint candidate : u.endpoints()) {
        if (endpoint == null || candidate.status() != EndpointStatus.DISCONNECTED) {
          endpoint = candidate;
        }
        if (endpoint.status() != EndpointStatus.DISCONNECTED) {
          break;
        }
      }
      EndpointStatus status = endpoint == null ? null : endpoint.status();
      ParticipantState state = u.state() == ConferenceInfo.State.DELETED
          ? ParticipantState.DISCONNECTED : stateOf(status);
      String disconnection = state == ParticipantState.DISCONNECTED && endpoint != null
          ? endpoint.disconnectionMethod() : null;
      out.add(new Entry(uri, u.displayText(), state, disconnection,
          state == ParticipantState.CONNECTED ? audioOf(endpoint) : ConferenceSession.AudioState.NONE));
    }
    return out;
  }

  /**
   * An endpoint's audio: {@code muted-via-focus} and {@code on-hold} as its status says, else its
   * first audio media's status (RFC 4575 5.7.8, the participant's SDP direction from its side):
   * {@code recvonly} MUTED (it listens only), {@code sendonly} or {@code inactive} ON_HOLD,
   * {@code sendrecv} (or none given) CONNECTED; NONE without an audio media.
   */
  static ConferenceSession.AudioState audioOf(ConferenceInfo.Endpoint endpoint) {
    if (endpoint == null) {
      return ConferenceSession.AudioState.NONE;
    }
    if (endpoint.status() == EndpointStatus.MUTED_VIA_FOCUS) {
      return ConferenceSession.AudioState.MUTED_BY_FOCUS;
    }
    if (endpoint.status() == EndpointStatus.ON_HOLD) {
      return ConferenceSession.AudioState.ON_HOLD;
    }
    for (ConferenceInfo.Media m : endpoint.media()) {
      if ("audio".equalsIgnoreCase(m.type())) {
        MediaStatus s = m.status();
        return s == null || s == MediaStatus.SENDRECV ? ConferenceSession.AudioState.CONNECTED
            : s == MediaStatus.RECVONLY ? ConferenceSession.AudioState.MUTED
            : ConferenceSession.AudioState.ON_HOLD;
      }
    }
    return ConferenceSession.AudioState.NONE;
  }

  /** The contract's mapping of an endpoint status to our states (none: CONNECTED). */
  static ParticipantState stateOf(EndpointStatus status) {
    if (status == null) {
      return ParticipantState.CONNECTED;
    }
    return switch (status) {
      case PENDING, DIALING_OUT, DIALING_IN, ALERTING -> ParticipantState.CONNECTING;
      case CONNECTED, ON_HOLD, MUTED_VIA_FOCUS -> ParticipantState.CONNECTED;
      case DISCONNECTING -> ParticipantState.DISCONNECTING;
      case DISCONNECTED -> ParticipantState.DISCONNECTED;
    };
  }

  /** Under the lock: the session ended; every member is DISCONNECTED and leaves. */
  void endedLocked() {
    OutgoingSubscription sub = subscription;
    subscription = null;
    if (sub != null) {
      session.endpoint.afterUnlock(sub::unsubscribe);
    }
    if (pendingResubscribe != null) {
      pendingResubscribe.cancel();
      pendingResubscribe = null;
    }
    for (DefaultParticipant p : new ArrayList<>(members.values())) {
      removeLocked(p, ParticipantStateChangeReason.NORMAL, 0, null);
    }
  }
}
