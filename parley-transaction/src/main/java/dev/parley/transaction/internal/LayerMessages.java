package dev.parley.transaction.internal;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;

/**
 * The requests the transaction layer writes on its own, the ACK for a non-2xx final response
 * (RFC 3261 §17.1.1.3) and the CANCEL (§9.1), and the Via it puts on those it sends. Its
 * responses (100 Trying, 200 to a CANCEL, 481, 482, 503, §8.2.6) the request makes itself
 * ({@link SipRequest#response(int, String)}).
 */
final class LayerMessages {
  private static final String MAX_FORWARDS = "70";

  private LayerMessages() {}

  /**
   * The ACK for a non-2xx final response (§17.1.1.3): the INVITE's Request-URI, Call-ID, From,
   * CSeq number and Route, its top Via only, and the response's To (with the UAS's tag). Made by
   * the INVITE ({@link SipRequest#ackFor}) from its fields, the bytes the builder would write.
   */
  static SipRequest ackFor(SipRequest invite, SipResponse response) {
    return invite.ackFor(response, ownTopVia(invite));
  }

  /**
   * {@code ack}, made by {@link #ackFor} for the same INVITE, as {@link #ackFor} makes it for
   * {@code response}: with the response's To (the same ACK when the To is the same).
   */
  static SipRequest ackWithTo(SipRequest ack, SipResponse response) {
    String to = response.headers().get(HeaderName.TO);
    return to.equals(ack.headers().get(HeaderName.TO)) ? ack : ack.withHeaderSet(HeaderName.TO, to);
  }

  /**
   * The CANCEL for an INVITE (§9.1): same Request-URI, Call-ID, To, From and Route, CSeq number
   * with method CANCEL, and a single Via equal to the INVITE's top Via (so the same branch).
   */
  static SipRequest cancelFor(SipRequest invite, String reason) {
    SipRequest.Builder b = SipRequest.builder(SipMethod.CANCEL, invite.requestUri())
        .header(HeaderName.VIA, ownTopVia(invite))
        .header(HeaderName.MAX_FORWARDS, MAX_FORWARDS);
    copy(invite, b, HeaderName.FROM);
    copy(invite, b, HeaderName.TO);
    copy(invite, b, HeaderName.CALL_ID);
    b.header(HeaderName.CSEQ, invite.cseq().sequence() + " " + SipMethod.CANCEL);
    for (String route : invite.headers().values(HeaderName.ROUTE)) {
      b.header(HeaderName.ROUTE, route);
    }
    if (reason != null) {
      b.header(HeaderName.REASON, reason);
    }
    return b.build();
  }

  /**
   * The text of our Via (§8.1.1.7, rport of RFC 3581) on a request the layer sends, as a {@link
   * dev.parley.sip.Via} built from these (our token, address and branch) prints itself, and as
   * the one parsed from it does: made without the object.
   */
  static String ownViaText(String viaToken, String hostText, int port, String branch) {
    return "SIP/2.0/" + viaToken + " " + hostText + ":" + port + ";branch=" + branch + ";rport";
  }

  /**
   * {@code request} with {@code via} (our Via's text) as its first field (§8.1.1.7): a built
   * request is edited (one copy of its fields); anything else is built again, STRICT and with
   * Content-Length the body's length, as before.
   */
  static SipRequest withFirstVia(SipRequest request, String via) {
    dev.parley.sip.Headers h = request.headers();
    int cl = h.indexOf(HeaderName.CONTENT_LENGTH, 0);
    if (request.policy() == dev.parley.sip.CompliancePolicy.STRICT && request.violations().isEmpty()
        && cl >= 0 && h.indexOf(HeaderName.CONTENT_LENGTH, cl + 1) < 0
        && h.value(cl).equals(Integer.toString(request.bodyLength()))) {
      return request.withFirstHeader(HeaderName.VIA, via);
    }
    return request.toBuilder().addFirstHeader(HeaderName.VIA, via).build();
  }

  /**
   * The text of the top Via of {@code invite}, a request this layer sent: the first field, which
   * {@link #ownViaText} wrote (one value), read without parsing it; that
   * text is the one its parsed {@link dev.parley.sip.Via}'s {@code toString()} gives, which the
   * ACK and the CANCEL copy. Parsed and written again as before: a request without a Via
   * first, and a Via with an IPv6 zone ({@code %lo}, a link-local listen point), which the Via
   * grammar refuses (the parse throws, as it did).
   */
  static String ownTopVia(SipRequest invite) {
    dev.parley.sip.Headers h = invite.headers();
    if (h.size() > 0 && h.headerName(0).equals(HeaderName.VIA)) {
      String text = h.value(0);
      if (text.indexOf('%') < 0) {
        return text;
      }
    }
    return invite.topVia().toString();
  }

  private static void copy(SipRequest from, SipRequest.Builder to, HeaderName name) {
    String v = from.headers().get(name);
    if (v != null) {
      to.header(name, v);
    }
  }
}
