package dev.parley.transport.internal;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The stateless answer to a request that failed to parse: 400 Bad Request (or 505/513 when the
 * parser says so) carrying the request's Via, From, To, Call-ID and CSeq as they were written
 * (RFC 3261 §8.2.6.2), and a Warning with the reason. The fields are read from the raw bytes with
 * a forgiving line scanner, since the message as a whole did not parse.
 *
 * <p>Stateless and thread-safe.
 */
public final class BadRequest {
  private BadRequest() {}

  /**
   * The response to send for {@code wire}, or null when it cannot or must not be answered: a
   * response, an ACK, or a request missing one of the five headers a response needs.
   */
  public static SipResponse responseTo(byte[] wire, SipParseException cause) {
    String text = head(wire);
    int p = 0;
    while (p < text.length() && (text.charAt(p) == '\r' || text.charAt(p) == '\n')) {
      p++;
    }
    int eol = lineEnd(text, p);
    String startLine = text.substring(p, eol).strip();
    if (startLine.isEmpty() || startLine.regionMatches(true, 0, "SIP/", 0, 4)
        || startLine.regionMatches(true, 0, "ACK ", 0, 4)) {
      return null;
    }
    List<String> vias = new ArrayList<>(2);
    String from = null;
    String to = null;
    String callId = null;
    String cseq = null;
    for (String field : fields(text, nextLine(text, eol))) {
      int colon = field.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      HeaderName name;
      try {
        name = HeaderName.of(field.substring(0, colon).strip());
      } catch (IllegalArgumentException e) {
        continue;
      }
      String value = field.substring(colon + 1).strip();
      if (value.isEmpty()) {
        continue;
      }
      if (name.equals(HeaderName.VIA)) {
        vias.add(value);
      } else if (name.equals(HeaderName.FROM) && from == null) {
        from = value;
      } else if (name.equals(HeaderName.TO) && to == null) {
        to = value;
      } else if (name.equals(HeaderName.CALL_ID) && callId == null) {
        callId = value;
      } else if (name.equals(HeaderName.CSEQ) && cseq == null) {
        cseq = value;
      }
    }
    if (vias.isEmpty() || from == null || to == null || callId == null || cseq == null) {
      return null;
    }
    int code = cause.statusCode() == 505 || cause.statusCode() == 513 ? cause.statusCode() : 400;
    SipResponse.Builder b = SipResponse.builder(code);
    for (String via : vias) {
      b.header(HeaderName.VIA, via);
    }
    b.header(HeaderName.FROM, from);
    b.header(HeaderName.TO, hasTag(to) ? to : to + ";tag=" + Long.toHexString(
        ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    b.header(HeaderName.CALL_ID, callId);
    b.header(HeaderName.CSEQ, cseq);
    b.header(HeaderName.WARNING, "399 parley \"" + quotable(cause.getMessage()) + "\"");
    return b.build();
  }

  /** The header section (or everything) decoded as UTF-8. */
  private static String head(byte[] wire) {
    int end = wire.length;
    for (int i = 0; i + 1 < wire.length; i++) {
      if (wire[i] == '\n' && (wire[i + 1] == '\n'
          || (wire[i + 1] == '\r' && i + 2 < wire.length && wire[i + 2] == '\n'))) {
        end = i + 1;
        break;
      }
    }
    return new String(wire, 0, end, StandardCharsets.UTF_8);
  }

  /** The header fields from {@code from}, with folded lines joined by a space. */
  private static List<String> fields(String text, int from) {
    List<String> out = new ArrayList<>(16);
    StringBuilder current = null;
    for (int p = from; p < text.length(); ) {
      int eol = lineEnd(text, p);
      String line = text.substring(p, eol);
      if (line.isBlank()) {
        break;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        current.append(' ').append(line.strip());
      } else {
        if (current != null) {
          out.add(current.toString());
        }
        current = new StringBuilder(line);
      }
      p = nextLine(text, eol);
    }
    if (current != null) {
      out.add(current.toString());
    }
    return out;
  }

  private static int lineEnd(String text, int from) {
    int lf = text.indexOf('\n', from);
    int end = lf < 0 ? text.length() : lf;
    int cr = text.indexOf('\r', from);
    return cr >= 0 && cr < end ? cr : end;
  }

  private static int nextLine(String text, int lineEnd) {
    int lf = text.indexOf('\n', lineEnd);
    return lf < 0 ? text.length() : lf + 1;
  }

  private static boolean hasTag(String to) {
    String v = to.toLowerCase(Locale.ROOT);
    int after = Math.max(v.lastIndexOf('>'), 0);
    return v.indexOf(";tag=", after) >= 0 || v.indexOf("; tag=", after) >= 0;
  }

  /** Text safe inside a quoted-string: no quotes, backslashes or control characters. */
  private static String quotable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7F || c == '"' || c == '\\' ? '\'' : c);
    }
    return sb.toString();
  }
}
