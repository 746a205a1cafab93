package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;

/**
 * The grammars of the session description's field values that make a typed value (RFC 8866 §9):
 * origin, connection, bandwidth and media, one method per rule, as {@link AttributeGrammar} holds those
 * of the attribute values. Every method reads a whole value and throws
 * {@link ValueSyntaxException} where it goes wrong; {@link DescriptionParser} places the error on
 * its line and notes the extra spaces the reader tolerated. Stateless.
 */
final class FieldGrammar {
  private FieldGrammar() {}

  /**
   * {@code origin-field = %s"o" "=" username SP sess-id SP sess-version SP nettype SP addrtype SP
   * unicast-address CRLF} (RFC 8866 §5.2): the value after {@code o=}.
   */
  static Origin origin(ValueReader r) {
    String username = r.nonWs("username");
    r.sp("session id");
    String id = r.digitString("session id");
    r.sp("session version");
    String version = r.digitString("session version");
    r.sp("network type");
    String netType = r.token("network type");
    r.sp("address type");
    String addrType = r.token("address type");
    r.sp("unicast address");
    String address = r.nonWs("unicast address");
    r.end("unicast address");
    return Origin.builder().username(username).sessionId(id).sessionVersion(version)
        .netType(netType).addrType(addrType).address(address).build();
  }

  /**
   * {@code connection-field = %s"c" "=" nettype SP addrtype SP connection-address CRLF}, with
   * {@code IP4-multicast = m1 3("." decimal-uchar) "/" ttl ["/" numaddr]} and {@code
   * IP6-multicast = IP6-address ["/" numaddr]} (RFC 8866 §5.7): the value after {@code c=}.
   */
  static Connection connection(ValueReader r) {
    String netType = r.token("network type");
    r.sp("address type");
    String addrType = r.token("address type");
    r.sp("connection address");
    int addrStart = r.position();
    String address = r.nonWs("connection address");
    r.end("connection address");
    Connection.Builder b = Connection.builder().netType(netType).addrType(addrType);
    boolean ip4 = "IP4".equals(addrType);
    boolean ip6 = "IP6".equals(addrType);
    int slash = address.indexOf('/');
    if ((!ip4 && !ip6) || slash < 0) {
      return b.address(address).build();
    }
    if (slash == 0) {
      throw r.errorAt("empty address before '/'", addrStart);
    }
    b.address(address.substring(0, slash));
    int second = address.indexOf('/', slash + 1);
    int firstEnd = second < 0 ? address.length() : second;
    if (ip6) {
      if (second >= 0) {
        throw r.errorAt("IP6 multicast takes only /<number of addresses>, no TTL (RFC 8866 §5.7)",
            addrStart + second);
      }
      b.numberOfAddresses(slashNumber(address, slash + 1, firstEnd, 1, 65535,
          "number of addresses", addrStart));
      return b.build();
    }
    b.ttl(slashNumber(address, slash + 1, firstEnd, 0, 255, "TTL", addrStart));
    if (second >= 0) {
      int third = address.indexOf('/', second + 1);
      if (third >= 0) {
        throw r.errorAt("IP4 multicast takes at most /<ttl>/<number of addresses>",
            addrStart + third);
      }
      b.numberOfAddresses(slashNumber(address, second + 1, address.length(), 1, 65535,
          "number of addresses", addrStart));
    }
    return b.build();
  }

  /** The number after a '/' of a connection address, {@code s[from, to)}, within min..max. */
  private static int slashNumber(String s, int from, int to, int min, int max, String what,
      int base) {
    if (from == to) {
      throw new ValueSyntaxException("expected " + what + " after '/'", base + from, null);
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!SdpSyntax.isDigit(c)) {
        throw new ValueSyntaxException(what + " must be a number", base + i, null);
      }
      v = v * 10 + (c - '0');
      if (v > max) {
        throw new ValueSyntaxException(what + " out of range " + min + ".." + max, base + from,
            null);
      }
    }
    if (v < min) {
      throw new ValueSyntaxException(what + " out of range " + min + ".." + max, base + from, null);
    }
    return (int) v;
  }

  /**
   * {@code bandwidth-field = %s"b" "=" bwtype ":" bandwidth CRLF} (RFC 8866 §5.8): the value
   * after {@code b=}.
   */
  static Bandwidth bandwidth(ValueReader r) {
    String type = r.token("bandwidth type");
    r.expect(':', "':' after the bandwidth type");
    long bw = r.number("bandwidth", Long.MAX_VALUE);
    r.end("bandwidth");
    return Bandwidth.of(type, bw);
  }

  /**
   * {@code media-field = %s"m" "=" media SP port ["/" integer] SP proto 1*(SP fmt) CRLF} (RFC 8866
   * §5.14): the value after {@code m=}, as the builder of its media description. Formats are
   * taken as non-whitespace strings, wider than {@code fmt = token}, so that
   * {@code m=message <port> sip <uri>} parses.
   */
  static MediaDescription.Builder media(ValueReader r) {
    String type = r.token("media type");
    r.sp("port");
    int port = (int) r.number("port", 65535);
    int count = -1;
    if (r.consume('/')) {
      int at = r.position();
      count = (int) r.number("number of ports", 65535);
      if (count == 0) {
        throw r.errorAt("number of ports must be at least 1", at);
      }
    }
    r.sp("protocol");
    int protoAt = r.position();
    String proto = r.nonWs("protocol");
    if (!SdpSyntax.isProto(proto)) {
      throw r.errorAt("protocol must be token *(\"/\" token), such as RTP/AVP: "
          + SdpSyntax.quote(proto), protoAt);
    }
    MediaDescription.Builder b = MediaDescription.builder(type, port, proto);
    if (count > 0) {
      b.numberOfPorts(count);
    }
    do {
      r.sp("format");
      b.addFormat(r.nonWs("format"));
    } while (!r.atEndIgnoringTrailingSpaces());
    r.end("formats");
    return b;
  }
}
