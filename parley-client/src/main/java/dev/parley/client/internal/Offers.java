package dev.parley.client.internal;

import dev.parley.client.SessionType;
import dev.parley.media.AudioOffers;
import dev.parley.sdp.Attribute;
import dev.parley.sdp.Connection;
import dev.parley.sdp.Direction;
import dev.parley.sdp.Fmtp;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.Origin;
import dev.parley.sdp.Rtpmap;
import dev.parley.sdp.SessionDescription;
import dev.parley.sdp.SessionOutline;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Session types and their SDP (RFC 3264 offer/answer, RFC 8866): recognising the type of an
 * incoming INVITE, and writing the offer or answer of the IM and application types. Audio sessions
 * write theirs with parley-media's {@code AudioOffers} on a real RTP socket
 * ({@link SessionAudio}); the audio lines written here (port 9, the discard port, as RFC 8840
 * does for ICE placeholders) only serve the classification of offers.
 */
final class Offers {
  /** Audio codecs we offer and accept: PCMU 0, PCMA 8, telephone-event 101 (RFC 4733). */
  private static final int PCMU = 0;
  private static final int PCMA = 8;
  private static final int DTMF = 101;
  /** The discard port: a placeholder until the media layer binds real RTP sockets. */
  static final int PLACEHOLDER_PORT = 9;

  private Offers() {}

  /** The SDP answer in {@code ok}, the 2xx to our INVITE (may be null), or null. */
  static SessionDescription answerIn(SipResponse ok) {
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

  /**
   * What an incoming INVITE is.
   *
   * @param type the session type, or null when we cannot handle it
   * @param rejectStatus the status to reject with when {@code type} is null (415 or 488)
   * @param sdp the parsed offer, or null: not parsed yet ({@code offerBody} set) or no offer
   * @param offerBody the SDP offer's bytes when it was classified from its outline and not
   *     parsed yet, else null
   */
  record Classification(SessionType type, int rejectStatus, SessionDescription sdp,
      byte[] offerBody) {
    Classification(SessionType type, int rejectStatus, SessionDescription sdp) {
      this(type, rejectStatus, sdp, null);
    }

    /** Whether the INVITE carries an SDP offer (parsed or not yet). */
    boolean hasOffer() {
      return sdp != null || offerBody != null;
    }

    /**
     * The SDP offer, parsed now if it was classified from its outline (which accepts only what
     * the parser accepts), or null when there is none.
     */
    SessionDescription offer() {
      return sdp != null ? sdp : offerBody != null ? SessionDescription.parse(offerBody) : null;
    }
  }

  /**
   * Recognises an INVITE (DESIGN.md §1, session types): an audio line counts when {@code audio}
   * would take it (a codec in common), so the classification matches the answer. An SDP offer in
   * the plain form is classified from its {@link SessionOutline} (one pass over its lines, the
   * model left unbuilt until the application accepts); any other is parsed, as the outline
   * promises the same verdict.
   */
  static Classification classify(SipRequest invite, Set<String> applicationTypes,
      AudioOffers audio) {
    boolean focus = false;
    for (Address contact : invite.contacts()) {
      if (!contact.isWildcard() && (contact.parameters().contains("isfocus")
          || contact.uri() instanceof SipUri u && u.parameters().contains("isfocus"))) {
        focus = true;
      }
    }
    MediaType ct = invite.contentType();
    if (ct == null || invite.bodyLength() == 0) {
      return focus ? new Classification(SessionType.CONFERENCE, 0, null)
          : new Classification(null, 488, null); // an offerless INVITE: not supported yet
    }
    if (ct.is(MediaType.APPLICATION_SDP)) {
      byte[] body = invite.body();
      SessionOutline outline = SessionOutline.read(body);
      if (outline != null) {
        if (focus) {
          return new Classification(SessionType.CONFERENCE, 0, null, body);
        }
        SessionType type = sessionType(outline, audio);
        return new Classification(type, type == null ? 488 : 0, null, body);
      }
      return classifyParsed(body, focus, audio);
    }
    if (applicationTypes.contains(key(ct))) {
      return new Classification(SessionType.APPLICATION, 0, null);
    }
    return new Classification(focus ? SessionType.CONFERENCE : null, 415, null);
  }

  /** {@link #classify} of an SDP offer that is not in the outline's plain form: parsed. */
  static Classification classifyParsed(byte[] body, boolean focus, AudioOffers audio) {
    SessionDescription sdp;
    try {
      sdp = SessionDescription.parse(body);
    } catch (RuntimeException e) {
      return new Classification(null, 400, null);
    }
    if (focus) {
      return new Classification(SessionType.CONFERENCE, 0, sdp);
    }
    boolean av = false;
    boolean im = false;
    boolean app = false;
    for (int i = 0; i < sdp.media().size(); i++) {
      MediaDescription m = sdp.media().get(i);
      boolean taken = m.media().equals(MediaDescription.AUDIO) ? audio.accepts(sdp, i)
          : !m.isDisabled() && !answerLine(sdp, m, 5060, null).isDisabled();
      if (!taken) {
        continue; // a line we would reject (no common codec, MSRP, unknown media) counts for nothing
      }
      switch (m.media()) {
        case MediaDescription.AUDIO, MediaDescription.VIDEO -> av = true;
        case MediaDescription.MESSAGE -> im = true;
        case MediaDescription.APPLICATION -> app = true;
        default -> { }
      }
    }
    SessionType type = av ? SessionType.AUDIO_VIDEO : im ? SessionType.INSTANT_MESSAGING
        : app ? SessionType.APPLICATION : null;
    return new Classification(type, type == null ? 488 : 0, sdp);
  }

  /**
   * The session type of an offer read as an outline, as {@link #classifyParsed} decides it from
   * the model: audio lines {@code audio} takes, IM over SIP and application lines not disabled
   * (which {@link #answerLine} takes), nothing else; null when no line is taken.
   */
  private static SessionType sessionType(SessionOutline outline, AudioOffers audio) {
    boolean av = false;
    boolean im = false;
    boolean app = false;
    for (int i = 0; i < outline.size(); i++) {
      String media = outline.media(i);
      if (media.equals(MediaDescription.AUDIO)) {
        av |= audio.accepts(media, outline.port(i), outline.proto(i),
            outline.formatsWithRtpmap(i));
      } else if (!outline.isDisabled(i)) {
        if (media.equals(MediaDescription.MESSAGE)) {
          im |= outline.proto(i).equalsIgnoreCase(MediaDescription.SIP);
        } else if (media.equals(MediaDescription.APPLICATION)) {
          app = true;
        }
      }
    }
    return av ? SessionType.AUDIO_VIDEO : im ? SessionType.INSTANT_MESSAGING
        : app ? SessionType.APPLICATION : null;
  }

  static String key(MediaType t) {
    return (t.type() + "/" + t.subtype()).toLowerCase(Locale.ROOT);
  }

  /** Our offer for a new session of {@code type}, from {@code contact} (host and port). */
  static SessionDescription offer(SessionType type, SipUri contact, SipUri aor) {
    SessionDescription.Builder b = skeleton(contact);
    int sipPort = contact.port() > 0 ? contact.port() : 5060;
    switch (type) {
      case INSTANT_MESSAGING -> b.addMedia(message(sipPort, aor));
      case APPLICATION -> b.addMedia(MediaDescription.builder(MediaDescription.APPLICATION, sipPort,
          MediaDescription.SIP).addFormat(aor.toString()).build());
      default -> b.addMedia(audio(PLACEHOLDER_PORT, List.of(PCMU, PCMA, DTMF), Direction.SENDRECV));
    }
    return b.build();
  }

  /**
   * Our answer to {@code offer} (RFC 3264 §6): one m= line per offered line, in order; lines we
   * cannot take are answered with port 0.
   */
  static SessionDescription answer(SessionDescription offer, SipUri contact, SipUri aor) {
    SessionDescription.Builder b = skeleton(contact);
    int sipPort = contact.port() > 0 ? contact.port() : 5060;
    for (MediaDescription m : offer.media()) {
      b.addMedia(answerLine(offer, m, sipPort, aor));
    }
    return b.build();
  }

  /**
   * Our answer to a focus's offer (a conference invitation accepted without audio): its
   * instant-messaging lines are taken, every other line gets port 0.
   */
  static SessionDescription answerMessagesOnly(SessionDescription offer, SipUri contact,
      SipUri aor) {
    SessionDescription.Builder b = skeleton(contact);
    int sipPort = contact.port() > 0 ? contact.port() : 5060;
    for (MediaDescription m : offer.media()) {
      boolean message = !m.isDisabled() && m.media().equals(MediaDescription.MESSAGE)
          && m.proto().equalsIgnoreCase(MediaDescription.SIP);
      b.addMedia(message ? message(sipPort, aor)
          : MediaDescription.builder(m.media(), 0, m.proto()).formats(m.formats()).build());
    }
    return b.build();
  }

  /**
   * Our answer to one offered line (RFC 3264 §6.1): IM over SIP and application lines are taken
   * as offered; audio keeps the offered PCMU, PCMA and telephone-event payload types in the
   * offer's order, with the direction reversed (sendonly answered recvonly, and so on); anything
   * else (video, MSRP, no common codec) is rejected with port 0. {@code aor} null: only asks
   * whether the line would be taken.
   */
  private static MediaDescription answerLine(SessionDescription offer, MediaDescription m,
      int sipPort, SipUri aor) {
    if (!m.isDisabled()) {
      if (m.media().equals(MediaDescription.MESSAGE)
          && m.proto().equalsIgnoreCase(MediaDescription.SIP)) {
        return aor == null ? m : message(sipPort, aor);
      }
      if (m.media().equals(MediaDescription.APPLICATION)) {
        return MediaDescription.builder(m.media(), sipPort, m.proto()).formats(m.formats()).build();
      }
      if (m.media().equals(MediaDescription.AUDIO) && m.isRtp()) {
        List<Integer> common = new ArrayList<>();
        boolean voice = false;
        for (Rtpmap r : m.formatsWithRtpmap()) {
          String name = r.encodingName();
          if ((name.equalsIgnoreCase("PCMU") || name.equalsIgnoreCase("PCMA"))
              && r.clockRate() == 8000) {
            common.add(r.payloadType());
            voice = true;
          } else if (name.equalsIgnoreCase("telephone-event") && r.clockRate() == 8000) {
            common.add(r.payloadType());
          }
        }
        if (voice) {
          return audio(PLACEHOLDER_PORT, common, offer.direction(m).reverse(), m);
        }
      }
    }
    return MediaDescription.builder(m.media(), 0, m.proto()).formats(m.formats()).build();
  }

  private static SessionDescription.Builder skeleton(SipUri contact) {
    long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    return SessionDescription.builder()
        .origin(Origin.builder().username("-").sessionId(id).sessionVersion(id)
            .address(contact.host()).build())
        .connection(Connection.of(contact.host()));
  }

  /** Our {@code m=message} line (IM over SIP) for {@code aor}, on the port of {@code contact}. */
  static MediaDescription messageLine(SipUri contact, SipUri aor) {
    return message(contact.port() > 0 ? contact.port() : 5060, aor);
  }

  /** Whether {@code m} is a line of IM over SIP ({@code m=message PORT sip URI}), not disabled. */
  static boolean isMessageLine(MediaDescription m) {
    return !m.isDisabled() && m.media().equals(MediaDescription.MESSAGE)
        && m.proto().equalsIgnoreCase(MediaDescription.SIP);
  }

  private static MediaDescription message(int port, SipUri aor) {
    return MediaDescription.builder(MediaDescription.MESSAGE, port, MediaDescription.SIP)
        .addFormat(aor.toString())
        .addAttribute(Attribute.of("accept-types", "text/plain text/html"))
        .build();
  }

  private static MediaDescription audio(int port, List<Integer> pts, Direction direction) {
    return audio(port, pts, direction, null);
  }

  private static MediaDescription audio(int port, List<Integer> pts, Direction direction,
      MediaDescription offered) {
    MediaDescription.Builder b = MediaDescription.builder(MediaDescription.AUDIO, port,
        MediaDescription.RTP_AVP);
    for (int pt : pts) {
      b.addFormat(pt);
      Rtpmap r = offered == null ? null : offered.formatsWithRtpmap().stream()
          .filter(x -> x.payloadType() == pt).findFirst().orElse(null);
      String name = r != null ? r.encodingName() : pt == PCMU ? "PCMU" : pt == PCMA ? "PCMA"
          : "telephone-event";
      b.addRtpmap(Rtpmap.of(pt, name, 8000));
      if (name.equalsIgnoreCase("telephone-event")) {
        b.addFmtp(Fmtp.of(pt, "0-15"));
      }
    }
    return b.direction(direction).build();
  }
}
