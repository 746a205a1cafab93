package dev.parley.dialog;

import dev.parley.sip.HeaderName;
import dev.parley.sip.Headers;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds responses to requests the way RFC 3261 §8.2.6 asks: Via, From, Call-ID and CSeq copied,
 * To copied with a tag added when the request had none (except for 100), Record-Route copied on
 * responses that can create a dialog (§12.1.1).
 */
public final class Responses {
  private Responses() {}

  /** A response builder for {@code request} with {@code status}; {@code toTag} is used if To has no tag. */
  public static SipResponse.Builder to(SipRequest request, int status, String toTag) {
    SipResponse.Builder b = SipResponse.builder(status);
    Headers h = request.headers();
    for (int i = 0; i < h.size(); i++) {
      HeaderName name = h.headerName(i);
      if (name.equals(HeaderName.VIA) || name.equals(HeaderName.FROM)
          || name.equals(HeaderName.CALL_ID) || name.equals(HeaderName.CSEQ)) {
        b.header(name, h.value(i));
      } else if (name.equals(HeaderName.TO)) {
        String value = h.value(i);
        if (status > 100 && toTag != null && request.to().tag() == null) {
          value = request.to().withTag(toTag).toString();
        }
        b.header(name, value);
      } else if (name.equals(HeaderName.RECORD_ROUTE) && status > 100 && status < 300) {
        b.header(name, h.value(i));
      }
    }
    return b;
  }

  /** A response with the standard reason phrase and no To tag change beyond {@code toTag}. */
  public static SipResponse simple(SipRequest request, int status, String toTag) {
    return to(request, status, toTag).build();
  }

  /** A response with a status from {@link SipStatus}. */
  public static SipResponse simple(SipRequest request, SipStatus status, String toTag) {
    return simple(request, status.code(), toTag);
  }

  /** A random tag, branch suffix or Call-ID part: 16 hex digits. */
  public static String randomToken() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
