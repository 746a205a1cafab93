package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.Lexer;
import dev.parley.sip.internal.UriParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parses one SIP message (RFC 3261 §7) from bytes: the start line, the header fields and the body.
 *
 * <p>Framing is eager, typed headers are lazy: {@link #parse} checks the start line, splits and
 * unfolds the header fields and applies Content-Length; each header becomes a typed value on first
 * access through the returned {@link SipMessage}. The input is one datagram or one message already
 * framed by a stream decoder: bytes beyond Content-Length are ignored (RFC 3261 §18.3) and, when
 * Content-Length is absent, the body is the rest of the input.
 *
 * <p>Every failure is a {@link SipParseException} with line, column and the status code to answer.
 * A parser is immutable and thread-safe.
 */
public final class SipParser {
  private static final SipParser DEFAULT = builder().build();

  private final ParserConfig config;
  private final CompliancePolicy policy;
  private final boolean validate;

  private SipParser(Builder b) {
    this.config = b.config;
    this.policy = b.policy;
    this.validate = b.validate;
  }

  /** A parser with the default limits and the STRICT policy, reading headers lazily. */
  public static SipParser create() {
    return DEFAULT;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The limits in force. */
  public ParserConfig config() {
    return config;
  }

  /** The compliance policy in force. */
  public CompliancePolicy policy() {
    return policy;
  }

  /**
   * Parses a whole byte array as one message.
   *
   * @throws SipParseException if the bytes are not a message this parser accepts
   */
  public SipMessage parse(byte[] data) {
    return parse(data, 0, data.length);
  }

  /** Parses text (encoded as UTF-8) as one message. */
  public SipMessage parse(String text) {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses {@code length} bytes of {@code data} from {@code offset} as one message.
   *
   * @throws SipParseException if the bytes are not a message this parser accepts
   */
  public SipMessage parse(byte[] data, int offset, int length) {
    Objects.requireNonNull(data, "data");
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length > config.maxMessageSize()) {
      throw new SipParseException("message of " + length + " bytes exceeds the limit of "
          + config.maxMessageSize(), 1, 1, 513);
    }
    Leniency leniency = new Leniency(policy);
    int limit = offset + length;
    int p = offset;
    // RFC 3261 §7.5: CRLF before the start line is ignored.
    while (p < limit && (data[p] == '\r' || data[p] == '\n')) {
      p++;
    }
    if (p == limit) {
      throw new SipParseException("empty message", 1, 1, 400);
    }
    int headEnd = -1;
    int bodyStart = limit;
    int maxHead = Math.min(limit, p + config.maxHeaderSectionSize());
    for (int i = p; i < maxHead; i++) {
      if (data[i] != '\n') {
        continue;
      }
      if (i + 1 < limit && data[i + 1] == '\n') {
        headEnd = i + 1;
        bodyStart = i + 2;
        break;
      }
      if (i + 2 < limit && data[i + 1] == '\r' && data[i + 2] == '\n') {
        headEnd = i + 1;
        bodyStart = i + 3;
        break;
      }
    }
    if (headEnd < 0) {
      if (maxHead < limit) {
        throw new SipParseException("header section exceeds the limit of "
            + config.maxHeaderSectionSize() + " bytes", 1, 1, 513);
      }
      if (!policy.allows(Violation.MISSING_HEADER_TERMINATOR)) {
        int lines = 1;
        for (int i = p; i < limit; i++) {
          lines += data[i] == '\n' ? 1 : 0;
        }
        throw new SipParseException(Violation.MISSING_HEADER_TERMINATOR.description() + " ("
            + Violation.MISSING_HEADER_TERMINATOR.reference() + ")", lines, 1, 400);
      }
      leniency.violate(Violation.MISSING_HEADER_TERMINATOR, 0);
      headEnd = limit;
      bodyStart = limit;
    }
    String head = new String(data, p, headEnd - p, StandardCharsets.UTF_8);
    SipMessage message = new Framer(head, leniency).frame(data, bodyStart, limit);
    return validate ? message.validate() : message;
  }

  /** Splits one header section into start line and fields; one per parse, not thread-safe. */
  private final class Framer {
    private final String text;
    private final Leniency leniency;
    private int line = 1;
    private int pos;

    Framer(String text, Leniency leniency) {
      this.text = text;
      this.leniency = leniency;
    }

    /** The end of the current line's content; advances nothing. Reports bare LF and stray CR. */
    private int lineEnd(int from) {
      int lf = text.indexOf('\n', from);
      int end = lf < 0 ? text.length() : lf;
      int contentEnd = end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
      if (lf >= 0 && contentEnd == end) {
        leniency.violate(Violation.BARE_LINE_FEED, from);
      }
      int cr = text.indexOf('\r', from);
      if (cr >= 0 && cr < contentEnd) {
        throw new SipParseException("carriage return inside a line", line, cr - from + 1, 400);
      }
      if (contentEnd - from > config.maxLineLength()) {
        throw new SipParseException("line longer than " + config.maxLineLength() + " characters",
            line, 1, 513);
      }
      return contentEnd;
    }

    private int nextLine(int contentEnd) {
      int lf = text.indexOf('\n', contentEnd);
      return lf < 0 ? text.length() : lf + 1;
    }

    SipMessage frame(byte[] data, int bodyStart, int limit) {
      int end = lineEnd(0);
      String startLine = text.substring(0, end);
      pos = nextLine(end);
      line = 2;
      Headers headers = fields();
      byte[] body = body(headers, data, bodyStart, limit);
      if (startLine.regionMatches(true, 0, "SIP/", 0, 4)) {
        return statusLine(startLine, headers, body);
      }
      return requestLine(startLine, headers, body);
    }

    private SipParseException error(String reason, int column) {
      return new SipParseException(reason, line, column + 1, 400);
    }

    /** message-header = field-name HCOLON field-value CRLF, with LWS folding (§7.3.1). */
    private Headers fields() {
      Headers.Builder b = Headers.builder();
      String name = null;
      HeaderName headerName = null;
      StringBuilder folded = null;
      String value = null;
      int valueLine = 0;
      int valueColumn = 0;
      int count = 0;
      while (pos < text.length()) {
        int start = pos;
        int end = lineEnd(start);
        char c0 = text.charAt(start);
        if (c0 == ' ' || c0 == '\t') {
          if (name == null) {
            throw error("header section starts with a continuation line", 0);
          }
          String more = text.substring(start, end).strip();
          if (folded == null) {
            folded = new StringBuilder(value.length() + more.length() + 1).append(value);
          }
          if (!more.isEmpty()) {
            if (folded.length() > 0) {
              folded.append(' ');
            }
            folded.append(more);
          }
        } else {
          if (name != null) {
            b.addParsed(name, headerName, folded != null ? folded.toString() : value, valueLine, valueColumn);
          }
          if (++count > config.maxHeaderCount()) {
            throw new SipParseException("more than " + config.maxHeaderCount() + " header fields",
                line, 1, 513);
          }
          int i = start;
          while (i < end && Chars.is(text.charAt(i), Chars.TOKEN)) {
            i++;
          }
          if (i == start) {
            throw error("expected a header name, found " + Lexer.describe(c0), 0);
          }
          name = text.substring(start, i);
          while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
          }
          if (i == end || text.charAt(i) != ':') {
            throw error("expected ':' after header name " + name
                + (i == end ? "" : ", found " + Lexer.describe(text.charAt(i))), i - start);
          }
          i++;
          while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
          }
          int ve = end;
          while (ve > i && (text.charAt(ve - 1) == ' ' || text.charAt(ve - 1) == '\t')) {
            ve--;
          }
          headerName = HeaderName.ofToken(name);
          value = text.substring(i, ve);
          folded = null;
          valueLine = line;
          valueColumn = i - start + 1;
        }
        pos = nextLine(end);
        line++;
      }
      if (name != null) {
        b.addParsed(name, headerName, folded != null ? folded.toString() : value, valueLine, valueColumn);
      }
      return b.build();
    }

    /** The body per Content-Length (RFC 3261 §18.3, §20.14), or the rest when it is absent. */
    private byte[] body(Headers headers, byte[] data, int bodyStart, int limit) {
      int available = limit - bodyStart;
      long length = -1;
      for (int i = headers.indexOf(HeaderName.CONTENT_LENGTH, 0); i >= 0;
          i = headers.indexOf(HeaderName.CONTENT_LENGTH, i + 1)) {
        String v = headers.value(i);
        boolean digits = !v.isEmpty();
        for (int k = 0; k < v.length() && digits; k++) {
          digits = v.charAt(k) >= '0' && v.charAt(k) <= '9';
        }
        long n = digits ? Lexer.parseDigits(v, 0, v.length()) : -1;
        if (n < 0 || n > Integer.MAX_VALUE) {
          throw new SipParseException("Content-Length is not a number of bytes: " + v,
              headers.line(i), headers.column(i), 400);
        }
        if (length >= 0 && n != length) {
          throw new SipParseException("conflicting Content-Length headers: " + length + " and " + n,
              headers.line(i), headers.column(i), 400);
        }
        length = n;
        if (n > available) {
          throw new SipParseException("Content-Length " + n + " is larger than the " + available
              + " bytes that follow the header section", headers.line(i), headers.column(i), 400);
        }
      }
      if (length < 0) {
        length = available;
      }
      return length == 0 ? new byte[0] : Arrays.copyOfRange(data, bodyStart, bodyStart + (int) length);
    }

    /** Request-Line = Method SP Request-URI SP SIP-Version CRLF. */
    private SipRequest requestLine(String s, Headers headers, byte[] body) {
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
      return new SipRequest(method, uri, headers, body, policy, leniency.found(), this.line);
    }

    /** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF. */
    private SipResponse statusLine(String s, Headers headers, byte[] body) {
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
      return new SipResponse(code, reason, headers, body, policy, leniency.found(), line);
    }

    /** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is spoken (505 otherwise). */
    private void version(String v, int column) {
      if (v.equalsIgnoreCase(SipMessage.SIP_2_0)) {
        return;
      }
      boolean looksLikeSip = v.length() > 4 && v.regionMatches(true, 0, "SIP/", 0, 4);
      throw new SipParseException(looksLikeSip
          ? "SIP version " + v + " is not supported (only SIP/2.0)"
          : "expected SIP/2.0, found \"" + v + "\"", 1, column + 1, looksLikeSip ? 505 : 400);
    }
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  /** Builds a {@link SipParser}; not thread-safe. */
  public static final class Builder {
    private ParserConfig config = ParserConfig.DEFAULT;
    private CompliancePolicy policy = CompliancePolicy.STRICT;
    private boolean validate;

    private Builder() {}

    public Builder config(ParserConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    public Builder policy(CompliancePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Whether {@code parse} also runs {@link SipMessage#validate()} (default false: lazy). */
    public Builder validate(boolean validate) {
      this.validate = validate;
      return this;
    }

    public SipParser build() {
      return new SipParser(this);
    }
  }
}
