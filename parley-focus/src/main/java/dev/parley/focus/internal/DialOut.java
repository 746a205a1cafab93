package dev.parley.focus.internal;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.dialog.Subscription;
import dev.parley.dialog.UserAgent;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.Outbound;
import dev.parley.focus.ParticipantStatus;
import dev.parley.media.RtpSocket;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Replaces;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dial-out and removal by REFER (RFC 4579 §5.5, RFC 3515): a participant's REFER with
 * {@code Refer-To: <sip:carol@DOMAIN>} makes the focus invite carol ({@code isfocus}, the
 * conference's conversation ID, {@code Referred-By} naming who asked, a {@code Replaces} carried
 * over from the Refer-To for an escalation) and report the progress as sipfrag NOTIFYs; the
 * organizer's REFER with {@code ;method=BYE} ends that participant's leg. Only participants may
 * REFER; dial-out goes to users of the domain unless configured otherwise, a bounded number at
 * a time.
 *
 * <p>Thread-safe; runs on event loops and never blocks.
 */
final class DialOut {
  private static final Logger log = LoggerFactory.getLogger(DialOut.class);

  /** The implicit subscription's listener: its end needs nothing from us. */
  private static final Subscription.Listener QUIET = new Subscription.Listener() {};

  private final FocusCore core;
  private final String domain;
  private final FocusConfig config;

  DialOut(FocusCore core, String domain, FocusConfig config) {
    this.core = core;
    this.domain = domain;
    this.config = config;
  }

  /**
   * A REFER from {@code requester} (a participant's AOR, checked by the caller) in
   * {@code conference}.
   */
  void refer(Conference conference, SipUri requester, ServerTransaction tx, SipRequest refer) {
    UserAgent agent = core.agent();
    Address referTo;
    try {
      referTo = refer.header(Header.REFER_TO);
    } catch (RuntimeException e) {
      referTo = null;
    }
    if (referTo == null || !(referTo.uri() instanceof SipUri target)) {
      tx.respond(refer.response(400, Tags.random())
          .reasonPhrase("Bad Request (Refer-To: a sip: URI is needed)").build());
      return;
    }
    if ("BYE".equalsIgnoreCase(target.method())) {
      remove(conference, requester, tx, refer, target);
      return;
    }
    if (target.method() != null && !"INVITE".equalsIgnoreCase(target.method())) {
      tx.respond(refer.response(501, Tags.random())
          .reasonPhrase("Not Implemented (Refer-To method " + target.method() + ")").build());
      return;
    }
    String targetUser = target.userDecoded();
    if (targetUser != null && (targetUser.equals(config.factoryUser())
        || targetUser.startsWith(dev.parley.focus.Focus.CONFERENCE_PREFIX))) {
      tx.respond(refer.response(403, Tags.random())
          .reasonPhrase("Forbidden (the focus does not dial a conference)").build());
      return;
    }
    if (!config.dialOutExternal() && !target.host().equalsIgnoreCase(domain)) {
      tx.respond(refer.response(403, Tags.random())
          .reasonPhrase("Forbidden (the focus dials out to users of " + domain + " only)").build());
      return;
    }
    Outbound outbound = core.outbound();
    if (outbound == null) {
      tx.respond(refer.response(501, Tags.random())
          .reasonPhrase("Not Implemented (this focus has no way out)").build());
      return;
    }
    SipUri aor = SipUri.builder().user(target.user()).host(target.host().toLowerCase(Locale.ROOT))
        .build();
    if (conference.dialingOut() >= config.maxDialOuts()) {
      tx.respond(refer.response(503, Tags.random())
          .reasonPhrase("Service Unavailable (too many dial-outs pending)")
          .header(HeaderName.RETRY_AFTER, "10").build());
      return;
    }
    conference.invited(aor); // may dial in by invitation too (a second device, a call back)
    if (conference.hasParticipant(aor)) {
      Subscription sub = agent.acceptRefer(tx, refer, core.contactOf(conference,
          tx.flow().transport()), QUIET);
      sub.notifyProgress(200, "OK");
      return;
    }
    // someone of another domain the focus called is a guest: it may not ask for dial-outs
    boolean ofDomain = target.host().equalsIgnoreCase(domain);
    Leg leg = conference.add(aor, referTo.displayName(), ofDomain, ParticipantStatus.DIALING_OUT,
        config.maxParticipants());
    if (leg == null) {
      tx.respond(refer.response(503, Tags.random())
          .reasonPhrase("Service Unavailable (the conference is full)")
          .header(HeaderName.RETRY_AFTER, "30").build());
      return;
    }
    leg.dialedOut = true;
    leg.im = true;
    Subscription progress = agent.acceptRefer(tx, refer,
        core.contactOf(conference, tx.flow().transport()), QUIET);
    progress.notifyProgress(100, "Trying");
    conference.roster.changed(leg);
    // Referred-By is who asked, as the server authenticated them: never what the REFER claims
    Address referredBy = Address.of(requester);
    FocusMedia media = core.media();
    if (media == null) {
      invite(conference, leg, target, referredBy, progress, outbound, null);
      return;
    }
    media.open().whenComplete((socket, error) -> {
      if (error != null) {
        log.warn("{} dials out to {} without audio: no RTP port ({})", conference.uri, target,
            error.toString());
      }
      try {
        invite(conference, leg, target, referredBy, progress, outbound, socket);
      } catch (RuntimeException e) {
        log.warn("{} could not dial out to {}", conference.uri, target, e);
        if (socket != null) {
          socket.close();
        }
        progress.notifyProgress(500, "Server Internal Error");
        core.left(conference, leg);
      }
    });
  }

  private void invite(Conference conference, Leg leg, SipUri target, Address referredBy,
      Subscription progress, Outbound outbound, RtpSocket socket) {
    UserAgent agent = core.agent();
    Replaces replaces = null;
    try {
      replaces = Replaces.from(target);
    } catch (RuntimeException e) {
      log.debug("ignoring a malformed Replaces in Refer-To {}: {}", target, e.toString());
    }
    SipUri requestUri = target.toBuilder().headers(dev.parley.sip.UriHeaders.EMPTY)
        .removeParameter("method").build();
    Transport transport = outbound.hop().transport();
    Address contact = core.contactOf(conference, transport);
    Address from = Address.builder(conference.uri).tag(Tags.random()).build();
    SipRequest.Builder b = agent.newRequest(SipMethod.INVITE, requestUri, from,
            Address.of(requestUri), transport)
        .setHeader(HeaderName.CONTACT, contact.toString())
        .header(HeaderName.MS_CONVERSATION_ID, conference.conversationId)
        .header(HeaderName.REFERRED_BY, referredBy.toString());
    if (replaces != null) {
      b.header(HeaderName.REPLACES, replaces.toString());
    }
    FocusMedia media = core.media();
    String host = ((SipUri) contact.uri()).host();
    SessionDescription offer = FocusSdp.offer(leg.nextOrigin(host), (SipUri) contact.uri(),
        conference.uri, socket == null ? null : media.offerLine(socket, host));
    leg.sent(offer.origin());
    SipRequest draft = b.body(MediaType.APPLICATION_SDP,
        offer.toString().getBytes(StandardCharsets.UTF_8)).build();
    SipRequest invite = draft.toBuilder().header(HeaderName.ROUTE, outbound.route(
        draft.callId(), draft.from().tag(), requestUri).toString()).build();
    log.debug("{} dials out to {} for {}", conference.uri, requestUri, referredBy);
    OutgoingInvite call = agent.invite(invite, outbound.hop(), provisional -> {
      int code = provisional.statusCode();
      if (code >= 180 && code < 200 && conference.alerting(leg)) {
        conference.roster.changed(leg);
        progress.notifyProgress(code, provisional.reasonPhrase());
      }
    });
    call.dialog().whenComplete((dialog, error) -> {
      if (error != null) {
        if (socket != null) {
          socket.close();
        }
        SipFailure failure = SipFailure.of(error);
        SipResponse answer = failure == null ? null : failure.response();
        progress.notifyProgress(answer != null ? answer.statusCode() : SipFailure.statusOf(error),
            answer != null ? answer.reasonPhrase() : "Failed");
        core.left(conference, leg);
        return;
      }
      if (socket != null) {
        joinAudio(conference, leg, socket, offer, call.answer());
      }
      core.connected(conference, leg, dialog);
      progress.notifyProgress(200, "OK");
    });
  }

  /** The dial-out's answer decides its audio: joined to the mix, or the socket closed. */
  private void joinAudio(Conference conference, Leg leg, RtpSocket socket,
      SessionDescription offer, SipResponse ok) {
    try {
      SessionDescription answer = SessionDescription.parse(ok.body());
      core.media().join(conference, leg, socket, offer, answer, true, 1);
    } catch (RuntimeException e) {
      log.debug("{}'s answer gives no audio: {}", leg.aor, e.toString());
      socket.close();
    }
  }

  /** The organizer ends {@code target}'s leg (REFER with {@code method=BYE}). */
  private void remove(Conference conference, SipUri requester, ServerTransaction tx,
      SipRequest refer, SipUri target) {
    if (!conference.organizer.equivalentTo(requester)) {
      tx.respond(refer.response(403, Tags.random())
          .reasonPhrase("Forbidden (only the organizer removes participants)").build());
      return;
    }
    SipUri aor = SipUri.builder().user(target.user()).host(target.host()).build();
    Dialog dialog = conference.dialogOf(aor);
    if (dialog == null) {
      tx.respond(refer.response(404, Tags.random())
          .reasonPhrase("Not Found (no such participant)").build());
      return;
    }
    Subscription progress = core.agent().acceptRefer(tx, refer,
        core.contactOf(conference, tx.flow().transport()), QUIET);
    core.agent().bye(dialog).whenComplete((r, e) ->
        progress.notifyProgress(r != null ? r.statusCode() : SipFailure.statusOf(e),
            r != null ? r.reasonPhrase() : "Failed"));
  }
}
