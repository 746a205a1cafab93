package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.Lexer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

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
  /**
   * Whether the start line may be read by {@link WireGrammar} and the usual header names matched
   * eight octets at a time (off only in tests, which compare with the general code).
   */
  private final boolean wireGrammar;

  private SipParser(Builder b) {
    this.config = b.config;
    this.policy = b.policy;
    this.validate = b.validate;
    this.wireGrammar = b.wireGrammar;
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
   * Parses a whole byte array as one message. The message keeps {@code data} as its storage (its
   * header values and body are read from it lazily, uncopied): the caller hands the array over
   * and must not modify it afterwards. Use {@link #parse(byte[], int, int)} to parse a copy.
   *
   * @throws SipParseException if the bytes are not a message this parser accepts
   */
  public SipMessage parse(byte[] data) {
    Objects.requireNonNull(data, "data");
    return parseOwned(data);
  }

  /** Parses text (encoded as UTF-8) as one message. */
  public SipMessage parse(String text) {
    return parseOwned(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses {@code length} bytes of {@code data} from {@code offset} as one message; the message
   * keeps its own copy of those bytes, so {@code data} may be reused at once.
   *
   * @throws SipParseException if the bytes are not a message this parser accepts
   */
  public SipMessage parse(byte[] data, int offset, int length) {
    Objects.requireNonNull(data, "data");
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length > config.maxMessageSize()) {
      throw tooLarge(length);
    }
    return parseOwned(Arrays.copyOfRange(data, offset, offset + length));
  }

  private SipParseException tooLarge(int length) {
    return new SipParseException("message of " + length + " bytes exceeds the limit of "
        + config.maxMessageSize(), 1, 1, 513);
  }

  /** Parses {@code bytes}, which the message will own: header values and the body stay in it. */
  private SipMessage parseOwned(byte[] bytes) {
    if (bytes.length > config.maxMessageSize()) {
      throw tooLarge(bytes.length);
    }
    int limit = bytes.length;
    int p = 0;
    // RFC 3261 §7.5: CRLF before the start line is ignored.
    while (p < limit && (bytes[p] == '\r' || bytes[p] == '\n')) {
      p++;
    }
    if (p == limit) {
      throw new SipParseException("empty message", 1, 1, 400);
    }
    SipMessage message = new Framer(bytes, p, limit).frame();
    return validate ? message.validate() : message;
  }

  /** Eight octets of a byte array as one long, for {@link #octetsBelow14}. */
  private static final VarHandle OCTETS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * The octets of {@code x} below 14 (0x00..0x0D: LF, CR, HTAB and other controls), each flagged
   * by its high bit, with the "has less than" test of Sean Anderson's Bit Twiddling Hacks: zero
   * exactly when there is none, and the lowest flag (the first octet, little-endian) is exact;
   * flags above it may be false. Octets 0x80..0xFF are never the lowest flag.
   */
  private static long octetsBelow14(long x) {
    return (x - 0x0E0E_0E0E_0E0E_0E0EL) & ~x & 0x8080_8080_8080_8080L;
  }

  /** Splits one header section into start line and fields; one per parse, not thread-safe. */
  private final class Framer {
    private final byte[] b;
    private final int end;
    private final int headStart;
    /** Created at the first violation: most messages have none. */
    private Leniency leniency;
    private int line = 1;
    private int pos;
    /** Where the line after the one {@link #lineEnd} read last starts. */
    private int next;
    /** Where the body starts: after the empty line, or the end when there is none. */
    private int bodyStart = -1;

    Framer(byte[] b, int start, int end) {
      this.b = b;
      this.pos = start;
      this.headStart = start;
      this.end = end;
    }

    private Leniency leniency() {
      if (leniency == null) {
        leniency = new Leniency(policy);
      }
      return leniency;
    }

    private Set<Violation> violations() {
      return leniency == null ? Set.of() : leniency.found();
    }

    /** The end of the content of the line starting at {@code from}; reports bare LF and stray CR. */
    private int lineEnd(int from) {
      int i = from;
      while (i < end) {
        if (i + 8 <= end) {
          // Eight octets at a time while none is a control below 14 (LF, CR, HTAB...), then
          // straight to the first one.
          long below = octetsBelow14((long) OCTETS.get(b, i));
          if (below == 0) {
            i += 8;
            continue;
          }
          i += Long.numberOfTrailingZeros(below) >>> 3;
        } else if ((b[i] & 0xFF) > '\r') {
          i++;
          continue;
        }
        int c = b[i];
        if (c == '\n') {
          break;
        }
        if (c == '\r') {
          if (!(i + 1 < end && b[i + 1] == '\n')) {
            throw new SipParseException("carriage return inside a line", line, i - from + 1, 400);
          }
          i++; // CR LF: the line ends at this LF (no second look at it)
          break;
        }
        i++;
      }
      next = i < end ? i + 1 : i;
      int contentEnd = i > from && i < end && b[i - 1] == '\r' ? i - 1 : i;
      if (i < end && contentEnd == i) {
        leniency().violate(Violation.BARE_LINE_FEED, from);
      }
      if (contentEnd - from > config.maxLineLength()) {
        throw new SipParseException("line longer than " + config.maxLineLength() + " characters",
            line, 1, 513);
      }
      return contentEnd;
    }


    SipMessage frame() {
      int start = pos;
      int e = lineEnd(start);
      pos = next;
      line = 2;
      if (e == start && pos >= end) {
        throw new SipParseException("empty message", 1, 1, 400);
      }
      Headers headers = fields();
      int limit = end;
      int bodyLength = bodyLength(headers, bodyStart, limit);
      Body body = new Body(b, bodyStart, bodyLength);
      boolean status = e - start >= 4 && (b[start] | 0x20) == 's' && (b[start + 1] | 0x20) == 'i'
          && (b[start + 2] | 0x20) == 'p' && b[start + 3] == '/';
      SipMessage fast = !wireGrammar ? null
          : status ? usualStatusLine(start, e, headers, body)
          : usualRequestLine(start, e, headers, body);
      if (fast != null) {
        return fast;
      }
      String startLine = new String(b, start, e - start, StandardCharsets.UTF_8);
      if (startLine.regionMatches(true, 0, "SIP/", 0, 4)) {
        return StartLineGrammar.statusLine(startLine, headers, body, policy, leniency(),
            line, headStart);
      }
      return StartLineGrammar.requestLine(startLine, headers, body, policy, leniency(), line,
          headStart);
    }

    /**
     * The usual Request-Line read from the bytes: a known method, single spaces, a SIP URI the
     * {@link WireGrammar} takes and SIP/2.0; null for anything else, which
     * {@link StartLineGrammar#requestLine} then reads (and reports).
     */
    private SipRequest usualRequestLine(int start, int e, Headers headers, Body body) {
      int i = start;
      while (i < e && Chars.isOctet(b[i], Chars.TOKEN)) {
        i++;
      }
      int vs = e - SipMessage.SIP_2_0.length();
      if (i == start || i == e || b[i] != ' ' || vs - 1 <= i + 1 || b[vs - 1] != ' '
          || !isSip20(vs)) {
        return null;
      }
      SipMethod method = WireTokens.knownMethod(b, start, i);
      SipUri uri = method == null ? null : WireGrammar.sipUri(b, i + 1, vs - 1);
      return uri == null ? null
          : new SipRequest(method, uri, headers, body, policy, violations(), this.line, headStart);
    }

    /**
     * The usual Status-Line read from the bytes: SIP/2.0, single spaces, three digits and a
     * reason phrase without control characters; null for anything else
     * ({@link StartLineGrammar#statusLine}).
     */
    private SipResponse usualStatusLine(int start, int e, Headers headers, Body body) {
      int cs = start + SipMessage.SIP_2_0.length() + 1;
      if (e - cs < 4 || !isSip20(start) || b[cs - 1] != ' ' || b[cs + 3] != ' ') {
        return null;
      }
      int code = 0;
      for (int k = cs; k < cs + 3; k++) {
        if (b[k] < '0' || b[k] > '9') {
          return null;
        }
        code = code * 10 + b[k] - '0';
      }
      if (code < 100 || code > 699) {
        return null;
      }
      for (int k = cs + 4; k < e; k++) {
        if (b[k] >= 0 && b[k] < 0x20 && b[k] != '\t' || b[k] == 0x7F) {
          return null;
        }
      }
      String reason = new String(b, cs + 4, e - cs - 4, StandardCharsets.UTF_8);
      return new SipResponse(code, reason, headers, body, policy, violations(), line,
          headStart);
    }

    /** Whether "SIP/2.0" in any case starts at {@code from}. */
    private boolean isSip20(int from) {
      String v = SipMessage.SIP_2_0;
      for (int k = 0; k < v.length(); k++) {
        int c = b[from + k];
        if ((c >= 'a' && c <= 'z' ? c - 32 : c) != v.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    private SipParseException error(String reason, int column) {
      return new SipParseException(reason, line, column + 1, 400);
    }

    private String text(int from, int to) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** message-header = field-name HCOLON field-value CRLF, with LWS folding (§7.3.1). */
    private Headers fields() {
      ParsedHeaders h = new ParsedHeaders(b, headStart);
      String name = null;
      HeaderName headerName = null;
      StringBuilder folded = null;
      int valueStart = 0;
      int valueEnd = 0;
      while (true) {
        if (pos >= end) {
          missingTerminator();
          break;
        }
        int start = pos;
        int e = lineEnd(start);
        if (e == start) {
          bodyStart = next; // the empty line that ends the header section (§7)
          break;
        }
        if (e - headStart > config.maxHeaderSectionSize()) {
          throw new SipParseException("header section exceeds the limit of "
              + config.maxHeaderSectionSize() + " bytes", line, 1, 513);
        }
        byte c0 = b[start];
        if (c0 == ' ' || c0 == '\t') {
          if (name == null) {
            throw error("header section starts with a continuation line", 0);
          }
          int ms = start;
          int me = e;
          while (ms < me && (b[ms] == ' ' || b[ms] == '\t')) {
            ms++;
          }
          while (me > ms && (b[me - 1] == ' ' || b[me - 1] == '\t')) {
            me--;
          }
          if (folded == null) {
            folded = new StringBuilder(valueEnd - valueStart + me - ms + 1)
                .append(text(valueStart, valueEnd));
          }
          if (me > ms) {
            if (folded.length() > 0) {
              folded.append(' ');
            }
            folded.append(text(ms, me));
          }
        } else {
          if (name != null) {
            h.add(name, headerName, valueStart, valueEnd,
                folded != null ? folded.toString() : null);
          }
          if (h.size() >= config.maxHeaderCount()) {
            throw new SipParseException("more than " + config.maxHeaderCount() + " header fields",
                line, 1, 513);
          }
          // The usual case first: a known name in its canonical spelling, then ':' at once.
          headerName = wireGrammar ? HeaderNameMatcher.matchWithColon(b, start, e) : null;
          int i;
          if (headerName != null) {
            name = headerName.name();
            i = start + name.length() + 1;
          } else {
            i = headerName(start, e);
            headerName = this.headerName;
            name = this.name;
          }
          while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
          }
          int ve = e;
          while (ve > i && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
          }
          valueStart = i;
          valueEnd = ve;
          folded = null;
        }
        pos = next;
        line++;
      }
      if (name != null) {
        h.add(name, headerName, valueStart, valueEnd,
            folded != null ? folded.toString() : null);
      }
      return h.build();
    }

    /** The name read by {@link #headerName(int, int)}, as written and as a header name. */
    private String name;
    private HeaderName headerName;

    /**
     * field-name HCOLON of the line {@code b[start, e)} in any spelling, into {@link #name} and
     * {@link #headerName}; returns the index after the colon.
     */
    private int headerName(int start, int e) {
      int i = start;
      while (i < e && Chars.is(b[i] & 0xFF, Chars.TOKEN)) {
        i++;
      }
      if (i == start) {
        throw error("expected a header name, found " + Lexer.describe((char) (b[start] & 0xFF)), 0);
      }
      headerName = HeaderNameMatcher.lookupCanonical(b, start, i);
      if (headerName != null) {
        name = headerName.name();
      } else {
        headerName = HeaderNameMatcher.lookup(b, start, i);
        name = HeaderNameMatcher.spelling(headerName, b, start, i);
        if (headerName == null) {
          headerName = HeaderName.ofToken(name);
        }
      }
      while (i < e && (b[i] == ' ' || b[i] == '\t')) {
        i++;
      }
      if (i == e || b[i] != ':') {
        throw error("expected ':' after header name " + name
            + (i == e ? "" : ", found " + Lexer.describe((char) (b[i] & 0xFF))), i - start);
      }
      return i + 1;
    }

    /** End of input before the empty line: refused, or repaired under a policy that allows it. */
    private void missingTerminator() {
      if (!policy.allows(Violation.MISSING_HEADER_TERMINATOR)) {
        throw new SipParseException(Violation.MISSING_HEADER_TERMINATOR.description() + " ("
            + Violation.MISSING_HEADER_TERMINATOR.reference() + ")", line, 1, 400);
      }
      leniency().violate(Violation.MISSING_HEADER_TERMINATOR, 0);
      bodyStart = end;
    }

    /** The body's length per Content-Length (RFC 3261 §18.3, §20.14), or the rest when absent. */
    private int bodyLength(Headers headers, int bodyStart, int limit) {
      int available = limit - bodyStart;
      long length = -1;
      for (int i = headers.indexOf(HeaderName.CONTENT_LENGTH, 0); i >= 0;
          i = headers.nextIndexOf(HeaderName.CONTENT_LENGTH, i)) {
        long n = contentLength(headers, i);
        if (n < 0 || n > Integer.MAX_VALUE) {
          throw new SipParseException("Content-Length is not a number of bytes: "
              + headers.value(i), headers.line(i), headers.column(i), 400);
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
      return length < 0 ? available : (int) length;
    }

    /**
     * Content-Length = 1*DIGIT: the value of the field at {@code i}, read from the bytes when it
     * is still there; -1 when it is not digits or exceeds 2^53.
     */
    private long contentLength(Headers headers, int i) {
      int from = headers.sourceStart(i);
      if (from < 0) {
        String v = headers.value(i);
        boolean digits = !v.isEmpty();
        for (int k = 0; k < v.length() && digits; k++) {
          digits = v.charAt(k) >= '0' && v.charAt(k) <= '9';
        }
        return digits ? Lexer.parseDigits(v, 0, v.length()) : -1;
      }
      int to = headers.sourceEnd(i);
      long n = 0;
      for (int k = from; k < to; k++) {
        if (b[k] < '0' || b[k] > '9') {
          return -1;
        }
        n = n * 10 + (b[k] - '0');
        if (n > (1L << 53)) {
          return -1;
        }
      }
      return from == to ? -1 : n;
    }
  }

  /** Builds a {@link SipParser}; not thread-safe. */
  public static final class Builder {
    private ParserConfig config = ParserConfig.DEFAULT;
    private CompliancePolicy policy = CompliancePolicy.STRICT;
    private boolean validate;
    private boolean wireGrammar = true;

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

    /**
     * Whether the usual start lines are read straight from the bytes and the usual header names
     * matched as words (default true); false reads every start line with the String grammar and
     * every name octet by octet, for tests that compare the two.
     */
    Builder wireGrammar(boolean wireGrammar) {
      this.wireGrammar = wireGrammar;
      return this;
    }

    public SipParser build() {
      return new SipParser(this);
    }
  }
}
