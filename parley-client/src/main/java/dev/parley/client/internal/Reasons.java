package dev.parley.client.internal;

import dev.parley.client.RejectReason;
import dev.parley.sip.Header;
import dev.parley.sip.Reason;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code Reason} header (RFC 3326) we write on BYE and CANCEL, and the one we read. */
final class Reasons {
  private static final Logger LOG = LoggerFactory.getLogger(Reasons.class);

  private Reasons() {}

  /**
   * {@code SIP;cause=CODE;text="PHRASE"} for {@code reason}'s status code (RFC 3326 §2: the
   * status code that would have been sent), or null for none.
   */
  static Reason of(RejectReason reason) {
    if (reason == null || reason == RejectReason.NOT_SPECIFIED) {
      return null;
    }
    int code = reason.statusCode();
    return Reason.sip(code, SipStatus.of(code).reasonPhrase());
  }

  /**
   * The Reason header of {@code message}: the {@code SIP} value if there is one (RFC 3326 allows
   * one per protocol), else the first; null when absent or unreadable.
   */
  static Reason of(SipMessage message) {
    if (message == null) {
      return null;
    }
    List<Reason> all;
    try {
      all = message.headers(Header.REASON);
    } catch (RuntimeException e) {
      LOG.debug("unreadable Reason header: {}", e.getMessage());
      return null;
    }
    for (Reason r : all) {
      if (r.protocol().equalsIgnoreCase("SIP")) {
        return r;
      }
    }
    return all.isEmpty() ? null : all.get(0);
  }

  /** The SIP cause of {@code reason} (a status code), or 0. */
  static int sipCause(Reason reason) {
    return reason != null && reason.protocol().equalsIgnoreCase("SIP") && reason.cause() > 0
        ? reason.cause() : 0;
  }
}
