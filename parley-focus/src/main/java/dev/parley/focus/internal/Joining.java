package dev.parley.focus.internal;

import dev.parley.dialog.IncomingInvite;
import dev.parley.focus.Focus;
import dev.parley.focus.FocusConfig;
import dev.parley.focus.ParticipantStatus;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant dialling in ({@code docs/conferences.md}): the INVITE's checks (its SDP, who may
 * create or join), the conference it creates or joins, the leg it gets, and the focus's SDP
 * answer, with audio when the focus mixes it. Used by {@link FocusCore}, whose state (the
 * conferences, the dialogs of their legs) it works on.
 */
final class Joining {
  /** FocusCore's logger, as before this class was split out of it. */
  private static final Logger log = LoggerFactory.getLogger(FocusCore.class);

  private final FocusCore core;
  private final String domain;
  private final FocusConfig config;
  private final ConferenceTable conferences;

  Joining(FocusCore core, String domain, FocusConfig config, ConferenceTable conferences) {
    this.core = core;
    this.domain = domain;
    this.config = config;
    this.conferences = conferences;
  }

  void onInvite(IncomingInvite invite) {
    SipRequest request = invite.request();
    String user = core.admitted(invite.transaction());
    boolean authenticated = !user.isEmpty();
    String target = ((SipUri) request.requestUri()).userDecoded();
    SessionDescription offer = null;
    if (request.bodyLength() > 0) {
      MediaType ct = request.contentType();
      if (ct == null || !ct.is(MediaType.APPLICATION_SDP)) {
        reject(invite, 415, null);
        return;
      }
      try {
        offer = SessionDescription.parse(request.body());
      } catch (RuntimeException e) {
        reject(invite, 400, "Bad Request (malformed SDP: " + oneLine(e.getMessage()) + ")");
        return;
      }
    }
    FocusMedia audio = core.media();
    int audioLine = offer == null || audio == null ? -1 : audio.audioLine(offer);
    if (offer != null && !FocusSdp.wanted(offer).im() && audioLine < 0) {
      reject(invite, 488, "Not Acceptable Here (the focus takes session IM, m=message sip"
          + (audio == null ? ")" : ", and audio in PCMU, PCMA or Opus)"));
      return;
    }
    SipUri aor = Leg.aorOf(request.from(), authenticated ? user : null, domain);
    Conference conference;
    boolean created = false;
    if (target.equals(config.factoryUser())) {
      if (!authenticated) {
        reject(invite, 403, "Forbidden (only users of " + domain + " create conferences)");
        return;
      }
      ConferenceTable.Creation made = conferences.create(
          request.headers().get(HeaderName.MS_CONVERSATION_ID), aor);
      conference = made.conference();
      if (conference == null) {
        SipResponse.Builder refusal = request.response(made.status(), invite.localTag())
            .reasonPhrase(made.reason());
        if (made.status() == 503) {
          refusal.header(HeaderName.RETRY_AFTER, "60");
        }
        invite.reject(refusal.build());
        return;
      }
      log.info("conference {} created by {} (conversation {})", conference.uri, aor,
          conference.conversationId);
      created = true;
    } else {
      conference = conferences.get(target.substring(Focus.CONFERENCE_PREFIX.length()));
      if (conference == null || conference.isEnded()) {
        reject(invite, 404, FocusCore.NO_CONFERENCE);
        return;
      }
      if (!authenticated && !config.guests()) {
        reject(invite, 403, "Forbidden (this conference is for users of " + domain + ")");
        return;
      }
      if (config.dialIn() == FocusConfig.DialIn.INVITATION && !conference.isInvited(aor)) {
        reject(invite, 403, "Forbidden (this conference is by invitation only)");
        return;
      }
    }
    Leg leg = conference.add(aor, request.from().displayName(), authenticated,
        ParticipantStatus.DIALING_IN, config.maxParticipants());
    if (leg == null) {
      invite.reject(request.response(503, invite.localTag())
          .reasonPhrase("Service Unavailable (the conference is full)")
          .header(HeaderName.RETRY_AFTER, "30").build());
      if (created) {
        core.endIfEmpty(conference);
      }
      return;
    }
    leg.im = offer == null || FocusSdp.wanted(offer).im();
    invite.contact(core.contactOf(conference, invite.transaction().flow().transport()));
    log.debug("{} joins {}", aor, conference.uri);
    if (audioLine < 0) {
      answer(invite, conference, leg, offer, -1, null);
      return;
    }
    SessionDescription audioOffer = offer;
    audio.open().whenComplete((socket, error) -> {
      if (error != null) {
        log.warn("{} joins {} without audio: no RTP port ({})", aor, conference.uri,
            error.toString());
        answer(invite, conference, leg, audioOffer, -1, null);
      } else if (invite.isAnswered()) { // cancelled while the ports were being opened
        socket.close();
        core.left(conference, leg);
      } else {
        answer(invite, conference, leg, audioOffer, audioLine, socket);
      }
    });
  }

  /**
   * Accepts {@code invite} with our answer ({@code offer} null: our offer), audio on
   * {@code socket} for line {@code audioLine} when it is not -1.
   */
  private void answer(IncomingInvite invite, Conference conference, Leg leg,
      SessionDescription offer, int audioLine, dev.parley.media.RtpSocket socket) {
    SipUri contact = (SipUri) core.contactOf(conference, invite.transaction().flow().transport())
        .uri();
    SessionDescription answer;
    dev.parley.sdp.Origin origin = leg.nextOrigin(contact.host());
    try {
      if (offer == null) {
        answer = FocusSdp.offer(origin, contact, conference.uri);
      } else if (audioLine < 0) {
        answer = FocusSdp.answer(origin, offer, contact, conference.uri);
      } else {
        answer = FocusSdp.answer(origin, offer, contact, conference.uri, audioLine,
            core.media().answerLine(offer, audioLine, socket, contact.host()));
        core.media().join(conference, leg, socket, answer, offer, audioLine);
      }
    } catch (RuntimeException e) {
      if (socket != null) {
        socket.close();
      }
      core.left(conference, leg);
      reject(invite, 488, "Not Acceptable Here (" + oneLine(e.getMessage()) + ")");
      return;
    }
    // the dialog is known from our 2xx on: a BYE that overtakes the ACK still finds its leg
    dev.parley.dialog.DialogId id = new dev.parley.dialog.DialogId(invite.request().callId(),
        invite.localTag(), invite.request().from().tag());
    synchronized (conference) {
      leg.dialogId = id;
    }
    core.track(id, conference);
    leg.sent(origin);
    invite.accept(MediaType.APPLICATION_SDP, answer.toString().getBytes(StandardCharsets.UTF_8))
        .whenComplete((dialog, error) -> {
          if (error != null) {
            if (core.untrack(id)) {
              core.left(conference, leg);
            }
            return;
          }
          if (core.hasDialog(id)) { // not ended by a BYE before the ACK
            core.connected(conference, leg, dialog);
          }
        });
  }

  private static void reject(IncomingInvite invite, int status, String reason) {
    SipResponse.Builder r = invite.request().response(status, invite.localTag());
    if (reason != null) {
      r.reasonPhrase(reason);
    }
    invite.reject(r.build());
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replace('\r', ' ').replace('\n', ' ');
    return t.length() > 80 ? t.substring(0, 80) : t;
  }}
