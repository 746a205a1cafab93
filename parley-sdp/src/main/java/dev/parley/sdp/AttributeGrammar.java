package dev.parley.sdp;

import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;

/**
 * The grammars of the attribute values Parley types, one method per rule. Every method reads a
 * whole value and throws {@link ValueSyntaxException} where it goes wrong. Stateless.
 */
final class AttributeGrammar {
  private AttributeGrammar() {}

  /**
   * {@code rtpmap-value = payload-type SP encoding-name "/" clock-rate ["/" encoding-params]}
   * (RFC 8866 §6.6). A missing clock rate gives {@link Rtpmap#clockRate()} 0.
   */
  static Rtpmap rtpmap(ValueReader r) {
    int pt = (int) r.number("payload type", 127);
    r.sp("encoding name");
    String name = r.token("encoding name");
    long clockRate = 0;
    String params = null;
    if (r.consume('/')) {
      clockRate = r.number("clock rate", Integer.MAX_VALUE);
      if (clockRate == 0) {
        throw r.errorAt("clock rate must be positive", r.position() - 1);
      }
      if (r.consume('/')) {
        params = r.nonWs("encoding parameters");
      }
    }
    r.end("rtpmap value");
    return Rtpmap.of(pt, name, (int) clockRate, params);
  }

  /** {@code fmtp-value = fmt SP format-specific-params} (RFC 8866 §6.15). */
  static Fmtp fmtp(ValueReader r) {
    String format = r.nonWs("format");
    r.sp("format parameters");
    if (r.atEndIgnoringTrailingSpaces()) {
      throw r.error("expected format parameters, found end of line");
    }
    return Fmtp.of(format, r.rest());
  }

  /** {@code ptime-value = non-zero-int-or-real} (RFC 8866 §6.4, §6.5). */
  static double packetTime(ValueReader r, String what) {
    int start = r.position();
    long whole = r.number(what, 1_000_000_000L);
    double value = whole;
    if (r.consume('.')) {
      int fracStart = r.position();
      long frac = r.number(what + " fraction", 999_999_999L);
      value += frac / Math.pow(10, r.position() - fracStart);
    }
    if (value <= 0) {
      throw r.errorAt(what + " must be positive", start);
    }
    r.end(what);
    return value;
  }

  /** {@code rtcp-attribute = port [SP nettype SP addrtype SP connection-address]} (RFC 3605 §2.1). */
  static Rtcp rtcp(ValueReader r) {
    int port = (int) r.number("RTCP port", 65535);
    if (r.atEndIgnoringTrailingSpaces()) {
      r.end("RTCP port");
      return Rtcp.of(port);
    }
    r.sp("network type");
    String netType = r.token("network type");
    r.sp("address type");
    String addrType = r.token("address type");
    r.sp("address");
    String address = r.nonWs("address");
    r.end("RTCP address");
    return Rtcp.of(port, netType, addrType, address);
  }
}
