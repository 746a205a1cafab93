package dev.parley.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fields a response needs (RFC 3261 §8.2.6.2: every Via, From, To, Call-ID, CSeq), read from
 * the bytes of a request that did not parse, with a forgiving line scanner: the start line only
 * has to say it is a request other than ACK, folded lines are joined, names are read in either
 * form (compact too), and the values are copied as written, never parsed. Backs
 * {@link SipRequest#responseToUnparsed}.
 *
 * <p>Stateless and thread-safe.
 */
final class UnparsedRequest {
  private UnparsedRequest() {}

  /** See {@link SipRequest#responseToUnparsed}. */
  static SipResponse.Builder response(byte[] wire, int status, String toTag) {
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
        continue; // not a header name: this line tells nothing a response needs
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
    SipResponse.Builder b = SipResponse.builder(status);
    for (String via : vias) {
      b.header(HeaderName.VIA, via);
    }
    b.header(HeaderName.FROM, from);
    b.header(HeaderName.TO, status == 100 || toTag == null || hasTag(to) ? to : to + ";tag=" + toTag);
    b.header(HeaderName.CALL_ID, callId);
    b.header(HeaderName.CSEQ, cseq);
    return b;
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

  /** Whether a To value as written seems to carry a tag (after its URI, if bracketed). */
  private static boolean hasTag(String to) {
    String v = to.toLowerCase(Locale.ROOT);
    int after = Math.max(v.lastIndexOf('>'), 0);
    return v.indexOf(";tag=", after) >= 0 || v.indexOf("; tag=", after) >= 0;
  }
}
