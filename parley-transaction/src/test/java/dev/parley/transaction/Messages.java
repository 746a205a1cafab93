package dev.parley.transaction;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.util.concurrent.atomic.AtomicLong;

/** Requests and responses for the transaction tests. */
final class Messages {
  private static final AtomicLong SEQ = new AtomicLong();

  private Messages() {}

  /** A request as a UAC core builds it, without Via (the layer adds it). */
  static SipRequest request(SipMethod method) {
    long n = SEQ.incrementAndGet();
    return request(method, "call-" + n + "@test", "from" + n, 1);
  }

  static SipRequest request(SipMethod method, String callId, String fromTag, long cseq) {
    return SipRequest.builder(method, Uri.parse("sip:bob@192.0.2.20"))
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, "<sip:alice@192.0.2.10>;tag=" + fromTag)
        .header(HeaderName.TO, "<sip:bob@192.0.2.20>")
        .header(HeaderName.CALL_ID, callId)
        .header(HeaderName.CSEQ, cseq + " " + method)
        .header(HeaderName.ROUTE, "<sip:proxy.example.com;lr>")
        .build();
  }

  /** A request as it arrives from a peer: with a top Via carrying {@code branch}. */
  static SipRequest incoming(SipMethod method, String branch) {
    long n = SEQ.incrementAndGet();
    return incoming(method, branch, "call-" + n + "@peer", "ft" + n, 1);
  }

  static SipRequest incoming(SipMethod method, String branch, String callId, String fromTag, long cseq) {
    return withVia(request(method, callId, fromTag, cseq),
        "SIP/2.0/UDP 192.0.2.10:5060" + (branch == null ? "" : ";branch=" + branch));
  }

  static SipRequest withVia(SipRequest request, String via) {
    return request.toBuilder().addFirstHeader(HeaderName.VIA, via).build();
  }

  /** The response a UAS or the test writes for {@code request}. */
  static SipResponse response(SipRequest request, int status) {
    return response(request, status, status == 100 ? null : "uas-tag");
  }

  static SipResponse response(SipRequest request, int status, String toTag) {
    SipResponse.Builder b = SipResponse.builder(status);
    for (String via : request.headers().values(HeaderName.VIA)) {
      b.header(HeaderName.VIA, via);
    }
    b.header(HeaderName.FROM, request.headers().get(HeaderName.FROM));
    String to = request.headers().get(HeaderName.TO);
    if (toTag != null && request.to().tag() == null) {
      to = to + ";tag=" + toTag;
    }
    b.header(HeaderName.TO, to);
    b.header(HeaderName.CALL_ID, request.headers().get(HeaderName.CALL_ID));
    b.header(HeaderName.CSEQ, request.headers().get(HeaderName.CSEQ));
    return b.build();
  }

  /** The ACK for a 2xx (RFC 3261 §13.2.2.4): a new transaction, its own branch. */
  static SipRequest ackFor2xx(SipRequest invite, SipResponse ok) {
    return SipRequest.builder(SipMethod.ACK, Uri.parse("sip:bob@192.0.2.20"))
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, invite.headers().get(HeaderName.FROM))
        .header(HeaderName.TO, ok.headers().get(HeaderName.TO))
        .header(HeaderName.CALL_ID, invite.callId())
        .header(HeaderName.CSEQ, invite.cseq().sequence() + " ACK")
        .build();
  }

  /** The ACK a peer sends for a non-2xx (§17.1.1.3): the INVITE's top Via. */
  static SipRequest ackForNon2xx(SipRequest invite, SipResponse response) {
    return SipRequest.builder(SipMethod.ACK, invite.requestUri())
        .header(HeaderName.VIA, invite.topVia().toString())
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, invite.headers().get(HeaderName.FROM))
        .header(HeaderName.TO, response.headers().get(HeaderName.TO))
        .header(HeaderName.CALL_ID, invite.callId())
        .header(HeaderName.CSEQ, invite.cseq().sequence() + " ACK")
        .build();
  }

  /** The CANCEL a peer sends for {@code invite} (§9.1). */
  static SipRequest cancelFor(SipRequest invite) {
    return SipRequest.builder(SipMethod.CANCEL, invite.requestUri())
        .header(HeaderName.VIA, invite.topVia().toString())
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.FROM, invite.headers().get(HeaderName.FROM))
        .header(HeaderName.TO, invite.headers().get(HeaderName.TO))
        .header(HeaderName.CALL_ID, invite.callId())
        .header(HeaderName.CSEQ, invite.cseq().sequence() + " CANCEL")
        .build();
  }

  static SipUri uri(String text) {
    return SipUri.parse(text);
  }
}
