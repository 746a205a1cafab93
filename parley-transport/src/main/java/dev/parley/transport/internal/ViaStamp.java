package dev.parley.transport.internal;

import dev.parley.sip.HeaderName;
import dev.parley.sip.Headers;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Via;
import io.netty.util.NetUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites the top Via of a message: {@code received} and {@code rport} on an inbound request
 * (RFC 3261 §18.2.1, RFC 3581 §4), and the transport when a request moves from UDP to TCP
 * (RFC 3261 §18.1.1).
 *
 * <p>The rewritten message is the original's wire form with only the first Via value replaced,
 * parsed again by the layer's parser: every other header keeps its spelling, position and
 * value, and the message keeps its compliance policy. Stateless and thread-safe.
 */
public final class ViaStamp {
  private ViaStamp() {}

  /**
   * The request with {@code received} (when the sent-by host is not the packet's source address,
   * or when {@code rport} is asked for) and {@code rport} (when present and empty) added to its
   * top Via; the same request when neither applies or it has no Via.
   *
   * @throws SipParseException if the top Via does not parse
   */
  public static SipRequest received(SipRequest request, InetSocketAddress source, SipParser parser) {
    Via top = request.topVia();
    if (top == null) {
      return request;
    }
    InetAddress ip = source.getAddress();
    boolean fillRport = top.hasRport() && top.rport() < 0;
    if (!fillRport && isAddressOf(top.host(), ip)) {
      return request;
    }
    Via.Builder b = top.toBuilder().parameter("received", NetUtil.toAddressString(ip, false));
    if (fillRport) {
      b.parameter("rport", Integer.toString(source.getPort()));
    }
    return (SipRequest) replaceTopVia(request, b.build(), parser);
  }

  /** Whether {@code host} (a Via sent-by host, IPv6 in brackets) is the IP literal of {@code ip}. */
  public static boolean isAddressOf(String host, InetAddress ip) {
    String literal = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    return bytes != null && Arrays.equals(bytes, ip.getAddress());
  }

  /**
   * The message with its first Via value replaced by {@code via}, parsed again with
   * {@code parser}.
   *
   * @throws IllegalArgumentException if the message has no Via
   * @throws SipParseException if the result does not parse (it parsed before, so it should)
   */
  public static SipMessage replaceTopVia(SipMessage message, Via via, SipParser parser) {
    Headers headers = message.headers();
    int first = headers.indexOf(HeaderName.VIA, 0);
    if (first < 0) {
      throw new IllegalArgumentException("message has no Via");
    }
    StringBuilder head = new StringBuilder(512).append(message.startLine()).append("\r\n");
    for (int i = 0; i < headers.size(); i++) {
      String value = headers.value(i);
      if (i == first) {
        value = via + value.substring(firstElementEnd(value));
      }
      head.append(headers.name(i)).append(": ").append(value).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + message.bodyLength());
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(message.body());
    return parser.parse(out.toByteArray());
  }

  /**
   * The response without its top Via value, edited on the header fields' text (a proxy forwarding
   * it upstream, RFC 3261 §16.7 step 3): the first Via field loses its first value, up to its
   * first comma outside quotes; the other Via values stay as they came, in order, nothing is
   * parsed again.
   */
  public static SipResponse withoutTopVia(SipResponse response) {
    Headers h = response.headers();
    List<String> kept = new ArrayList<>(4);
    boolean first = true;
    for (int i = h.indexOf(HeaderName.VIA, 0); i >= 0; i = h.indexOf(HeaderName.VIA, i + 1)) {
      String value = h.value(i);
      if (first) {
        first = false;
        int end = firstElementEnd(value);
        value = end >= value.length() ? "" : value.substring(end + 1).strip();
        if (value.isEmpty()) {
          continue;
        }
      }
      kept.add(value);
    }
    SipResponse.Builder b = response.toBuilder().removeHeader(HeaderName.VIA);
    for (int i = kept.size() - 1; i >= 0; i--) {
      b.addFirstHeader(HeaderName.VIA, kept.get(i));
    }
    return b.build();
  }

  /** Where the first element of a list value ends: its top-level comma, or the end. */
  private static int firstElementEnd(String value) {
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        return i;
      }
    }
    return value.length();
  }
}
