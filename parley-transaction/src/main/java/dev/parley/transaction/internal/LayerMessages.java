package dev.parley.transaction.internal;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;

/**
 * The requests the transaction layer writes on its own: the ACK for a non-2xx final response
 * (RFC 3261 §17.1.1.3) and the CANCEL (§9.1). Its responses (100 Trying, 200 to a CANCEL, 481,
 * 482, 503, §8.2.6) the request makes itself ({@link SipRequest#response(int, String)}).
 */
final class LayerMessages {
  private static final String MAX_FORWARDS = "70";

  private LayerMessages() {}

  /**
   * The ACK for a non-2xx final response (§17.1.1.3): the INVITE's Request-URI, Call-ID, From,
   * CSeq number and Route, its top Via only, and the response's To (with the UAS's tag).
   */
  static SipRequest ackFor(SipRequest invite, SipResponse response) {
    SipRequest.Builder b = SipRequest.builder(SipMethod.ACK, invite.requestUri())
        .header(HeaderName.VIA, invite.topVia().toString())
        .header(HeaderName.MAX_FORWARDS, MAX_FORWARDS);
    copy(invite, b, HeaderName.FROM);
    b.header(HeaderName.TO, response.headers().get(HeaderName.TO));
    copy(invite, b, HeaderName.CALL_ID);
    b.header(HeaderName.CSEQ, invite.cseq().sequence() + " " + SipMethod.ACK);
    for (String route : invite.headers().values(HeaderName.ROUTE)) {
      b.header(HeaderName.ROUTE, route);
    }
    return b.build();
  }

  /**
   * The CANCEL for an INVITE (§9.1): same Request-URI, Call-ID, To, From and Route, CSeq number
   * with method CANCEL, and a single Via equal to the INVITE's top Via (so the same branch).
   */
  static SipRequest cancelFor(SipRequest invite, String reason) {
    SipRequest.Builder b = SipRequest.builder(SipMethod.CANCEL, invite.requestUri())
        .header(HeaderName.VIA, invite.topVia().toString())
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

  private static void copy(SipRequest from, SipRequest.Builder to, HeaderName name) {
    String v = from.headers().get(name);
    if (v != null) {
      to.header(name, v);
    }
  }
}
