package dev.parley.focus.internal;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.Subscription;
import dev.parley.dialog.UserAgent;
import dev.parley.focus.ConferenceView;
import dev.parley.focus.Focus;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.Outbound;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Scheduler;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The focus's user agent handler ({@code docs/conferences.md}): an INVITE to the factory URI
 * creates a conference and joins its creator, one to a conference URI joins it; BYE leaves; a
 * session MESSAGE is relayed to the others ({@link ImRelay}). Who sent a request (the user the
 * server authenticated, if any) comes with it through {@link #admit}.
 *
 * <p>Handler methods run on event loops and never block; conference state is guarded by each
 * {@link Conference}'s lock.
 */
public final class FocusCore implements UserAgent.Handler {
  private static final Logger log = LoggerFactory.getLogger(FocusCore.class);
  /** The answer to a request for a user of ours that is no conference, nor the factory. */
  static final String NO_CONFERENCE = "Not Found (no such conference)";
  /** Roster subscriptions: an hour by default and at most, a minute at least. */
  private static final Subscription.Expiry ROSTER_EXPIRY = new Subscription.Expiry(3600, 60, 3600);

  private final String domain;
  private final FocusConfig config;
  private final Scheduler timers;
  private final ConferenceTable conferences;
  private final Map<dev.parley.dialog.DialogId, Conference> byDialog = new ConcurrentHashMap<>();
  /** Who sent the request being handed to the user agent now (see {@link #admit}). */
  private final Map<ServerTransaction, String> admissions = new ConcurrentHashMap<>();
  private final ImRelay relay;
  private final DialOut dialOut;
  private final Joining joining;
  private volatile UserAgent agent;
  private volatile Outbound outbound;
  private volatile FocusMedia media;
  private volatile Scheduler.Timer sweep;
  private volatile boolean closed;

  /**
   * @param domain the SIP domain conference URIs are in
   * @param timers where idle conferences are ended
   */
  public FocusCore(String domain, FocusConfig config, Scheduler timers) {
    this.domain = domain;
    this.config = config;
    this.timers = timers;
    this.conferences = new ConferenceTable(domain, config);
    this.relay = new ImRelay(config.relayTimeout());
    this.dialOut = new DialOut(this, domain, config);
    this.joining = new Joining(this, domain, config, conferences);
    if (!config.mediaTimeout().isZero()) {
      scheduleMediaSweep();
    }
  }

  /** Every tenth of the media timeout (at least 1 s): legs silent too long are ended. */
  private void scheduleMediaSweep() {
    long period = Math.max(1000, config.mediaTimeout().toMillis() / 10);
    sweep = timers.schedule(() -> {
      if (closed) {
        return;
      }
      try {
        sweepSilentLegs();
      } finally {
        scheduleMediaSweep();
      }
    }, period, TimeUnit.MILLISECONDS);
  }

  private void sweepSilentLegs() {
    long now = timers.nowMillis();
    for (Conference c : conferences.all()) {
      for (Leg leg : c.silentFor(now, config.mediaTimeout().toMillis())) {
        log.info("{} sent no RTP for {} s in {}: ending its leg", leg.aor,
            config.mediaTimeout().toSeconds(), c.uri);
        Dialog d = leg.dialog;
        if (byDialog.remove(d.id()) != null) { // not ended by its own BYE meanwhile
          left(c, leg);
          agent.bye(d);
        }
      }
    }
  }

  /** How the focus reaches people it dials out to; none: REFER gets 501. */
  public void outbound(Outbound outbound) {
    this.outbound = outbound;
  }

  /** The focus's audio: RTP ports and mixing; none: audio lines are refused (port 0). */
  public void media(dev.parley.media.MediaNetworkConfig network, int mixThreads) {
    this.media = new FocusMedia(network, mixThreads);
  }

  /** The focus's audio, or null when it mixes none. */
  FocusMedia media() {
    return media;
  }

  Outbound outbound() {
    return outbound;
  }

  UserAgent agent() {
    return agent;
  }

  /** The user agent this handler answers for (set once, right after it is built). */
  public void attach(UserAgent agent) {
    this.agent = agent;
    relay.attach(agent);
  }

  /**
   * Hands {@code request} to the user agent, remembering who sent it for the handler methods it
   * calls at once ({@code authenticatedUser} null: nobody the server vouches for).
   */
  public void admit(ServerTransaction tx, SipRequest request, String authenticatedUser) {
    admissions.put(tx, authenticatedUser == null ? "" : authenticatedUser);
    try {
      agent.onRequest(tx, request);
    } finally {
      admissions.remove(tx);
    }
  }

  /** The user the server authenticated as the sender of {@code tx}'s request, "" for none. */
  String admitted(ServerTransaction tx) {
    return admissions.getOrDefault(tx, "");
  }

  /** From now on requests in dialog {@code id} are {@code conference}'s. */
  void track(dev.parley.dialog.DialogId id, Conference conference) {
    byDialog.put(id, conference);
  }

  /** Forgets dialog {@code id}; false when it was not known (ended meanwhile). */
  boolean untrack(dev.parley.dialog.DialogId id) {
    return byDialog.remove(id) != null;
  }

  // ------------------------------------------------------------------------------------------
  // Joining (see Joining)

  @Override
  public void onInvite(IncomingInvite invite) {
    joining.onInvite(invite);
  }

  /** {@code leg}'s dialog is confirmed: it is in, and the roster says so. */
  void connected(Conference conference, Leg leg, Dialog dialog) {
    byDialog.put(dialog.id(), conference);
    conference.connected(leg, dialog);
    conference.roster.changed(leg);
    if (conference.isEnded()) {
      agent.bye(dialog); // the conference ended while this leg was being set up
    }
  }

  /** Our Contact in {@code conference}'s dialogs over {@code transport}, with {@code isfocus}. */
  Address contactOf(Conference conference, Transport transport) {
    SipUri base = (SipUri) agent.contact(transport).uri();
    SipUri uri = base.toBuilder().user(Focus.CONFERENCE_PREFIX + conference.id).build();
    return Address.builder(uri).parameter("isfocus", null).build();
  }

  @Override
  public void onReInvite(Dialog dialog, IncomingInvite invite) {
    Conference conference = byDialog.get(dialog.id());
    if (conference == null) {
      invite.reject(481);
      return;
    }
    SipRequest request = invite.request();
    SipUri contact = (SipUri) (dialog.localContact() != null ? dialog.localContact().uri()
        : agent.contact(invite.transaction().flow().transport()).uri());
    SessionDescription answer;
    Leg leg = conference.legOf(dialog.id());
    dev.parley.media.MixerParticipant mix = leg == null ? null : conference.audioOf(leg);
    // RFC 3264 §8: the o= line of our last SDP in the dialog, its version up by one
    dev.parley.sdp.Origin origin = leg == null ? FocusSdp.freshOrigin(contact.host())
        : leg.nextOrigin(contact.host());
    if (request.bodyLength() == 0) { // an offerless re-INVITE: offer what the leg has
      answer = FocusSdp.offer(origin, contact, conference.uri,
          mix == null ? null : media.offerLine(mix.socket(), contact.host()));
    } else {
      try {
        SessionDescription offer = SessionDescription.parse(request.body());
        int line = mix == null ? -1 : media.audioLine(offer);
        answer = line < 0 ? FocusSdp.answer(origin, offer, contact, conference.uri)
            : FocusSdp.answer(origin, offer, contact, conference.uri, line,
                media.answerLine(offer, line, mix.socket(), contact.host()));
        if (line >= 0) {
          media.update(conference, leg, answer, offer, line);
          conference.roster.changed(leg);
        }
      } catch (RuntimeException e) {
        invite.reject(request.response(400, invite.localTag())
            .reasonPhrase("Bad Request (malformed SDP: " + Joining.oneLine(e.getMessage()) + ")").build());
        return;
      }
    }
    if (leg != null) {
      leg.sent(origin);
    }
    invite.accept(MediaType.APPLICATION_SDP, answer.toString().getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------------------------------
  // Requests inside a participant's dialog, and leaving

  @Override
  public void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
    Conference conference = byDialog.get(dialog.id());
    Leg leg = conference == null ? null : conference.legOf(dialog.id());
    if (leg == null) {
      tx.respond(request.response(481).build());
      return;
    }
    if (request.method().equals(SipMethod.MESSAGE)) {
      relay.relay(conference, leg, tx, request);
    } else if (request.method().equals(SipMethod.REFER)) {
      if (leg.authenticated) {
        dialOut.refer(conference, leg.aor, tx, request);
      } else { // a guest: no calls placed on the server's behalf
        tx.respond(request.response(403)
            .reasonPhrase("Forbidden (guests may not ask the focus to dial out)").build());
      }
    } else if (request.method().equals(SipMethod.SUBSCRIBE)) {
      subscribe(conference, leg.aor, tx, request);
    } else {
      tx.respond(request.response(200).build());
    }
  }

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    SipMethod method = request.method();
    String target = ((SipUri) request.requestUri()).userDecoded();
    boolean known = target.equals(config.factoryUser()) || conferences.contains(
        target.substring(Math.min(target.length(), Focus.CONFERENCE_PREFIX.length())));
    if (!known) {
      tx.respond(request.response(404, Tags.random()).reasonPhrase(NO_CONFERENCE).build());
    } else if (method.equals(SipMethod.SUBSCRIBE) || method.equals(SipMethod.REFER)) {
      Conference conference = target.equals(config.factoryUser()) ? null
          : conferences.get(target.substring(Focus.CONFERENCE_PREFIX.length()));
      String user = admissions.getOrDefault(tx, "");
      SipUri who = user.isEmpty() ? null : SipUri.builder().user(user).host(domain).build();
      if (conference == null) {
        tx.respond(request.response(404, Tags.random()).reasonPhrase(NO_CONFERENCE).build());
      } else if (who == null || !conference.hasParticipant(who)) {
        tx.respond(request.response(403, Tags.random())
            .reasonPhrase("Forbidden (participants of the conference only)").build());
      } else if (method.equals(SipMethod.REFER)) {
        dialOut.refer(conference, who, tx, request);
      } else {
        subscribe(conference, who, tx, request);
      }
    } else if (method.equals(SipMethod.OPTIONS)) {
      tx.respond(request.response(200, Tags.random()).header(HeaderName.ALLOW, Focus.ALLOW)
          .header(HeaderName.ACCEPT, "application/sdp").build());
    } else {
      tx.respond(request.response(405, Tags.random()).header(HeaderName.ALLOW, Focus.ALLOW)
          .build());
    }
  }

  @Override
  public void onDialogEnded(Dialog dialog, SipRequest bye) {
    Conference conference = byDialog.remove(dialog.id());
    if (conference == null) {
      return;
    }
    Leg leg = conference.legOf(dialog.id());
    if (leg != null) {
      left(conference, leg);
    }
  }

  /** A roster subscription (RFC 4575) from {@code who}, a participant. */
  private void subscribe(Conference conference, SipUri who, ServerTransaction tx,
      SipRequest request) {
    String event = request.headers().get(HeaderName.EVENT);
    String pkg = event == null ? "" : event.split(";", 2)[0].trim();
    if (!pkg.equalsIgnoreCase("conference")) {
      tx.respond(request.response(489, Tags.random()).header(HeaderName.ALLOW_EVENTS, "conference")
          .build());
      return;
    }
    if (!conference.roster.reserve(config.maxSubscriptions())) {
      tx.respond(request.response(503, Tags.random())
          .reasonPhrase("Service Unavailable (too many roster subscriptions)")
          .header(HeaderName.RETRY_AFTER, "60").build());
      return;
    }
    Subscription subscription = null;
    try {
      subscription = agent.acceptSubscription(tx, request, ROSTER_EXPIRY,
          contactOf(conference, tx.flow().transport()), new Subscription.Listener() {
            @Override
            public void onSubscribe(Subscription s, SipRequest refresh) {
              conference.roster.refreshed(s);
            }

            @Override
            public void onEnded(Subscription s, String reason) {
              conference.roster.ended(s);
            }
          });
    } finally {
      if (subscription == null || !subscription.isActive()) {
        conference.roster.release(); // refused by the dialog layer (bad Expires...), or failed
      }
    }
    if (subscription != null && subscription.isActive()
        && !conference.roster.watch(subscription, who)) {
      subscription.terminate("noresource"); // the conference ended meanwhile
    }
  }

  /** {@code leg} is gone; the conference ends when it was the last and the idle time is zero. */
  void left(Conference conference, Leg leg) {
    log.debug("{} left {}", leg.aor, conference.uri);
    boolean empty = conference.remove(leg, timers.nowMillis());
    conference.roster.changed(leg);
    if (!conference.hasParticipant(leg.aor)) {
      conference.roster.forget(leg.aor); // its roster subscriptions end with its last leg
    }
    if (empty) {
      endIfEmpty(conference);
    }
  }

  void endIfEmpty(Conference conference) {
    long idle = config.idleTimeout().toMillis();
    if (idle == 0) {
      ended(conference, conference.endIfIdle(timers.nowMillis(), 0));
    } else {
      conference.idleTimer(timers.schedule(
          () -> ended(conference, conference.endIfIdle(timers.nowMillis(), idle)),
          idle, TimeUnit.MILLISECONDS));
    }
  }

  private void ended(Conference conference, boolean endedNow) {
    if (endedNow) {
      conferences.remove(conference);
      conference.roster.closeAll();
      log.info("conference {} ended", conference.uri);
    }
  }


  // ------------------------------------------------------------------------------------------
  // For the facade

  /** Snapshots of every conference. */
  public List<ConferenceView> views() {
    List<ConferenceView> out = new ArrayList<>();
    for (Conference c : conferences.all()) {
      out.add(c.view(c.roster.size()));
    }
    return out;
  }

  /** Whether {@code id} is the dialog of one of the conferences' legs. */
  public boolean hasDialog(dev.parley.dialog.DialogId id) {
    return byDialog.containsKey(id);
  }

  /** Whether a conference with this id exists (the part after {@code conf-}). */
  public boolean exists(String id) {
    return conferences.contains(id);
  }

  /** Ends every conference: BYE on each leg, best effort (the server is stopping). */
  public void close() {
    closed = true;
    Scheduler.Timer t = sweep;
    if (t != null) {
      t.cancel();
    }
    try {
      closeConferences();
    } finally {
      FocusMedia m = media;
      if (m != null) {
        m.close();
      }
    }
  }

  /** Ends every conference, waiting up to 2 s for the BYEs' answers (close is not on a loop). */
  private void closeConferences() {
    List<java.util.concurrent.CompletableFuture<?>> byes = new ArrayList<>();
    closeAll(byes);
    try {
      java.util.concurrent.CompletableFuture.allOf(
          byes.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
          .get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.debug("not every participant answered the focus's BYE: {}", e.toString());
    }
  }

  private void closeAll(List<java.util.concurrent.CompletableFuture<?>> byes) {
    for (Conference c : conferences.all()) {
      if (c.end()) {
        c.roster.closeAll();
        for (Dialog d : c.dialogs()) {
          byes.add(agent.bye(d));
        }
      }
    }
    conferences.clear();
    byDialog.clear();
  }
}
