package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.Lexer;
import dev.parley.sip.internal.UriParser;

/**
 * The start line of a message in the general grammar (RFC 3261 §7.1, §7.2), read from its text
 * with the repairs a {@link CompliancePolicy} allows: what {@link SipParser} falls back to when
 * the usual start line cannot be read straight from the bytes, and where it reports what is wrong.
 * Stateless; {@code lines} is the message's count of start and header lines, for the message,
 * and {@code wireStart} where it starts in its bytes (for {@link SipMessage#verbatimBytes()}).
 */
final class StartLineGrammar {
  private StartLineGrammar() {}

  /** Request-Line = Method SP Request-URI SP SIP-Version CRLF. */
  static SipRequest requestLine(String s, Headers headers, Body body, CompliancePolicy policy,
      Leniency leniency, int lines, int wireStart) {
    int line = 1;
    int n = s.length();
    int i = 0;
    while (i < n && Chars.is(s.charAt(i), Chars.TOKEN)) {
      i++;
    }
    if (i == 0) {
      throw new SipParseException("start line is neither a request nor a status line",
          line, 1, 400);
    }
    SipMethod method = SipMethod.of(s.substring(0, i));
    if (i == n || !(s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      throw new SipParseException("expected SP after the method"
          + (i < n ? ", found " + Lexer.describe(s.charAt(i)) : ""), line, i + 1, 400);
    }
    int v = n;
    while (v > i && (s.charAt(v - 1) == ' ' || s.charAt(v - 1) == '\t')) {
      v--;
    }
    if (v < n) {
      leniency.violate(Violation.EXTRA_WHITESPACE_IN_START_LINE, v);
    }
    int vs = v;
    while (vs > i && s.charAt(vs - 1) != ' ' && s.charAt(vs - 1) != '\t') {
      vs--;
    }
    int us = i + 1;
    int ue = vs - 1;
    if (ue <= us) {
      throw new SipParseException(
          "request line must be Method SP Request-URI SP SIP-Version", line, i + 1, 400);
    }
    version(s.substring(vs, v), vs);
    if (s.charAt(i) != ' ' || s.charAt(ue) != ' ' || isWsp(s.charAt(us)) || isWsp(s.charAt(ue - 1))) {
      leniency.violate(Violation.EXTRA_WHITESPACE_IN_START_LINE, us);
      while (us < ue && isWsp(s.charAt(us))) {
        us++;
      }
      while (ue > us && isWsp(s.charAt(ue - 1))) {
        ue--;
      }
    }
    String uriText = s.substring(us, ue);
    if (uriText.indexOf(' ') >= 0 || uriText.indexOf('\t') >= 0) {
      leniency.violate(Violation.WHITESPACE_IN_REQUEST_URI, us);
      uriText = uriText.replace(" ", "").replace("\t", "");
    }
    if (uriText.length() > 1 && uriText.charAt(0) == '<' && uriText.charAt(uriText.length() - 1) == '>') {
      leniency.violate(Violation.ANGLE_BRACKETS_IN_REQUEST_URI, us);
      uriText = uriText.substring(1, uriText.length() - 1);
      us++;
    }
    Uri uri;
    try {
      uri = UriParser.parse(uriText, 0, uriText.length(), leniency);
    } catch (SipParseException e) {
      throw new SipParseException("Request-URI: " + e.reason(), line, us + e.column(), 400);
    }
    if (uri instanceof SipUri sip && !sip.headers().isEmpty()) {
      leniency.violate(Violation.HEADERS_IN_REQUEST_URI, us);
      uri = sip.toBuilder().headers(UriHeaders.EMPTY).build();
    }
    return new SipRequest(method, uri, headers, body, policy, leniency.found(), lines, wireStart);
  }

  /** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF. */
  static SipResponse statusLine(String s, Headers headers, Body body, CompliancePolicy policy,
      Leniency leniency, int lines, int wireStart) {
    int n = s.length();
    int i = 0;
    while (i < n && !isWsp(s.charAt(i))) {
      i++;
    }
    version(s.substring(0, i), 0);
    int codeStart = i + 1;
    if (i < n && (s.charAt(i) != ' ' || (codeStart < n && isWsp(s.charAt(codeStart))))) {
      leniency.violate(Violation.EXTRA_WHITESPACE_IN_START_LINE, i);
      while (codeStart < n && isWsp(s.charAt(codeStart))) {
        codeStart++;
      }
    }
    codeStart = Math.min(codeStart, n);
    int ce = codeStart;
    while (ce < n && s.charAt(ce) >= '0' && s.charAt(ce) <= '9') {
      ce++;
    }
    if (ce - codeStart != 3) {
      throw new SipParseException("status code must be three digits: "
          + s.substring(codeStart, ce), 1, codeStart + 1, 400);
    }
    int code = Integer.parseInt(s, codeStart, ce, 10);
    if (code < 100 || code > 699) {
      throw new SipParseException("status code out of range (100..699): " + code, 1, codeStart + 1, 400);
    }
    String reason;
    if (ce == n) {
      leniency.violate(Violation.MISSING_SPACE_AFTER_STATUS_CODE, ce);
      reason = "";
    } else if (s.charAt(ce) != ' ') {
      throw new SipParseException("expected SP after the status code, found "
          + Lexer.describe(s.charAt(ce)), 1, ce + 1, 400);
    } else {
      reason = s.substring(ce + 1);
      for (int k = 0; k < reason.length(); k++) {
        char c = reason.charAt(k);
        if (c < 0x20 && c != '\t' || c == 0x7F) {
          throw new SipParseException("control character in the reason phrase", 1, ce + 2 + k, 400);
        }
      }
    }
    return new SipResponse(code, reason, headers, body, policy, leniency.found(), lines,
        wireStart);
  }

  /** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is spoken (505 otherwise). */
  private static void version(String v, int column) {
    if (v.equalsIgnoreCase(SipMessage.SIP_2_0)) {
      return;
    }
    boolean looksLikeSip = v.length() > 4 && v.regionMatches(true, 0, "SIP/", 0, 4);
    throw new SipParseException(looksLikeSip
        ? "SIP version " + v + " is not supported (only SIP/2.0)"
        : "expected SIP/2.0, found \"" + v + "\"", 1, column + 1, looksLikeSip ? 505 : 400);
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }
}
