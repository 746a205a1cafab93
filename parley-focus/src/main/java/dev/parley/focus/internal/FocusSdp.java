package dev.parley.focus.internal;

import dev.parley.sdp.Attribute;
import dev.parley.sdp.Connection;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.Origin;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.SipUri;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The focus's side of offer/answer (RFC 3264) for a participant's leg: session IM over SIP
 * ({@code m=message <port> sip <uri>}, as Parley's IM sessions offer it) is taken; every other
 * line is answered with port 0 until the leg's audio joins the mixer.
 *
 * <p>Stateless and thread-safe.
 */
final class FocusSdp {
  private FocusSdp() {}

  /** What an offer asks for that the focus takes. */
  record Wanted(boolean im, boolean audio) {
    boolean any() {
      return im || audio;
    }
  }

  /** The lines of {@code offer} the focus would take. */
  static Wanted wanted(SessionDescription offer) {
    boolean im = false;
    for (MediaDescription m : offer.media()) {
      if (isSipMessage(m)) {
        im = true;
      }
    }
    return new Wanted(im, false);
  }

  /**
   * The answer to {@code offer} from the focus at {@code contact} (its host and port), for the
   * conference {@code conference}, with the o= line {@code origin}: one line per offered line,
   * in order (RFC 3264 §6).
   */
  static SessionDescription answer(Origin origin, SessionDescription offer, SipUri contact,
      SipUri conference) {
    return answer(origin, offer, contact, conference, -1, null);
  }

  /** As {@link #answer(Origin, SessionDescription, SipUri, SipUri)}, with {@code audio} for line {@code audioIndex}. */
  static SessionDescription answer(Origin origin, SessionDescription offer, SipUri contact,
      SipUri conference, int audioIndex, MediaDescription audio) {
    SessionDescription.Builder b = skeleton(origin, contact);
    int port = sipPort(contact);
    for (int i = 0; i < offer.media().size(); i++) {
      MediaDescription m = offer.media().get(i);
      b.addMedia(i == audioIndex ? audio : isSipMessage(m) ? message(port, conference)
          : MediaDescription.builder(m.media(), 0, m.proto()).formats(m.formats()).build());
    }
    return b.build();
  }

  /** The focus's offer (an INVITE without SDP, or a dial-out): session IM. */
  static SessionDescription offer(Origin origin, SipUri contact, SipUri conference) {
    return offer(origin, contact, conference, null);
  }

  /** The focus's offer with session IM and, when not null, {@code audio} as its second line. */
  static SessionDescription offer(Origin origin, SipUri contact, SipUri conference,
      MediaDescription audio) {
    SessionDescription.Builder b = skeleton(origin, contact).addMedia(message(sipPort(contact), conference));
    if (audio != null) {
      b.addMedia(audio);
    }
    return b.build();
  }

  private static boolean isSipMessage(MediaDescription m) {
    return !m.isDisabled() && m.media().equals(MediaDescription.MESSAGE)
        && m.proto().equalsIgnoreCase(MediaDescription.SIP);
  }

  private static int sipPort(SipUri contact) {
    return contact.port() > 0 ? contact.port() : 5060;
  }

  private static MediaDescription message(int port, SipUri conference) {
    return MediaDescription.builder(MediaDescription.MESSAGE, port, MediaDescription.SIP)
        .addFormat(conference.toString())
        .addAttribute(Attribute.of("accept-types", "text/plain text/html message/cpim"))
        .build();
  }

  /**
   * A fresh o= line for the first SDP of a dialog, at {@code host}: a random session id, and the
   * same number as its version (below 2^62: room for every later version, RFC 4566 §5.2).
   */
  static Origin freshOrigin(String host) {
    long id = ThreadLocalRandom.current().nextLong(1, 1L << 62);
    return Origin.builder().username("-").sessionId(id).sessionVersion(id).address(host).build();
  }

  private static SessionDescription.Builder skeleton(Origin origin, SipUri contact) {
    return SessionDescription.builder().origin(origin).connection(Connection.of(contact.host()));
  }
}
