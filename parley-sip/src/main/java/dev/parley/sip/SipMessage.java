package dev.parley.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A SIP message (RFC 3261 §7): a start line, header fields and a body.
 *
 * <p>A parsed message keeps its header values as text and turns each into a typed value on first
 * access ({@link #header(Header)}, {@link #vias()}, {@link #from()}...), under the
 * {@link CompliancePolicy} it was parsed with; a value that does not match its grammar throws
 * {@link SipParseException} at that access, with its line and column. {@link #validate()} reads
 * every known header at once. Messages are immutable; the lazily parsed values are cached in a
 * thread-safe way, so a message may be shared between threads.
 */
public abstract sealed class SipMessage permits SipRequest, SipResponse {
  /** The only protocol version Parley speaks. */
  public static final String SIP_2_0 = "SIP/2.0";

  private final Headers headers;
  private final Body body;
  private final CompliancePolicy policy;
  /**
   * The typed values read so far, by field index (null: not parsed yet); made on the first typed
   * read, since many messages are never read typed (a built message only encoded and sent, a
   * parse that only checks the bytes). Written without a lock, as its elements are: two threads
   * racing may each make one, and the values of the one that loses are only parsed again. Read
   * and written by {@link TypedReads}; carried over by {@link SipRequest#withReceived}'s copy.
   */
  Object[] typed;
  private final int endLine;
  /**
   * Where this message starts in the bytes it was parsed from (its body's source array), or -1
   * for a message built or made by changing another: see {@link #verbatimBytes()}.
   */
  private final int wireStart;
  /**
   * The violations found so far, or null for none (most messages): so that making a message
   * without violations does no volatile write (a full fence on x86, once per parse).
   */
  private volatile Set<Violation> violations;

  SipMessage(Headers headers, Body body, CompliancePolicy policy, Set<Violation> violations,
      int endLine, int wireStart) {
    this.endLine = endLine;
    this.wireStart = wireStart;
    this.headers = headers;
    this.body = body;
    this.policy = policy;
    if (!violations.isEmpty()) {
      this.violations = Collections.unmodifiableSet(EnumSet.copyOf(violations));
    }
  }

  /** Whether this is a request. */
  public abstract boolean isRequest();

  /** Whether this is a response. */
  public final boolean isResponse() {
    return !isRequest();
  }

  /** The start line without its CRLF. */
  public abstract String startLine();

  /** The header fields as text. */
  public final Headers headers() {
    return headers;
  }

  /** A copy of the body (empty when there is none). */
  public final byte[] body() {
    return body.copy();
  }

  /** The body's length in bytes. */
  public final int bodyLength() {
    return body.length();
  }

  /** The body decoded as UTF-8. */
  public final String bodyAsString() {
    return body.utf8();
  }

  /** The policy this message was parsed with (STRICT for built messages). */
  public final CompliancePolicy policy() {
    return policy;
  }

  /**
   * The violations repaired so far: those of the start line and framing, plus those of every
   * header read since. Call {@link #validate()} first to see them all.
   */
  public final Set<Violation> violations() {
    Set<Violation> found = violations;
    return found == null ? Set.of() : found;
  }

  /**
   * The first value of a typed header, or null when absent.
   *
   * @throws SipParseException if the field does not match the header's grammar
   */
  public final <T> T header(Header<T> header) {
    return TypedReads.first(this, header);
  }

  /**
   * Every value of a typed header, across all its fields, in order.
   *
   * @throws SipParseException if a field does not match the header's grammar
   */
  public final <T> List<T> headers(Header<T> header) {
    return TypedReads.all(this, header);
  }

  /**
   * Drops the typed header values parsed so far and, for a parsed message, the header values
   * decoded from its bytes: the message keeps only what it needs to decode them again, on the
   * next access, to equal values with the same violations. For a holder that keeps a message for
   * long but reads it rarely (a server transaction absorbing retransmissions for 32 s). The
   * message's value does not change; safe while other threads read it (a race only parses the
   * same text twice, like the caching itself).
   */
  public final void dropParsedValues() {
    typed = null;
    headers.forgetDecoded();
  }

  final synchronized void addViolations(Set<Violation> found) {
    EnumSet<Violation> all = EnumSet.noneOf(Violation.class);
    all.addAll(violations());
    all.addAll(found);
    violations = Collections.unmodifiableSet(all);
  }

  /** All Via values, topmost first. */
  public final List<Via> vias() {
    return headers(Header.VIA);
  }

  /** The topmost Via, or null. */
  public final Via topVia() {
    return header(Header.VIA);
  }

  /** From, or null when absent. */
  public final Address from() {
    return header(Header.FROM);
  }

  /** To, or null when absent. */
  public final Address to() {
    return header(Header.TO);
  }

  /** Call-ID, or null when absent. */
  public final String callId() {
    return header(Header.CALL_ID);
  }

  /** CSeq, or null when absent. */
  public final CSeq cseq() {
    return header(Header.CSEQ);
  }

  /** Max-Forwards, or -1 when absent. */
  public final int maxForwards() {
    Integer v = header(Header.MAX_FORWARDS);
    return v == null ? -1 : v;
  }

  /** Route values in order. */
  public final List<Address> routes() {
    return headers(Header.ROUTE);
  }

  /** Record-Route values in order. */
  public final List<Address> recordRoutes() {
    return headers(Header.RECORD_ROUTE);
  }

  /** Contact values in order ({@link Address#WILDCARD} for {@code Contact: *}). */
  public final List<Address> contacts() {
    return headers(Header.CONTACT);
  }

  /** Content-Type, or null when absent. */
  public final MediaType contentType() {
    return header(Header.CONTENT_TYPE);
  }

  /** Expires, or -1 when absent. */
  public final long expires() {
    Long v = header(Header.EXPIRES);
    return v == null ? -1 : v;
  }

  /**
   * The first header that may appear only once ({@link Header#isSingleton()}: To, From, Call-ID,
   * CSeq, Max-Forwards, Content-Type, Content-Length, Expires...) but appears more than once, or
   * null. Which of two To fields counts is anybody's guess (a registrar and a proxy could each
   * read a different one), so RFC 4475 §3.1.2.19 (multi01) answers such a request 400. Reads the
   * header names only, never a value: cheap enough for every request received.
   */
  public final HeaderName repeatedSingletonHeader() {
    for (Header<?> h : Header.ALL) {
      if (h.isSingleton()) {
        int first = headers.indexOf(h.name(), 0);
        if (first >= 0 && headers.nextIndexOf(h.name(), first) >= 0) {
          return h.name();
        }
      }
    }
    return null;
  }

  /**
   * A copy of this message with its top Via value replaced by {@code via}, as a request moved
   * from UDP to TCP names its new transport (RFC 3261 §18.1.1). The edit is spliced into the
   * header text: the first Via field keeps its name as written, its place and the values after
   * its first; every other field keeps its spelling, place and value, and nothing is parsed
   * again. The copy keeps this message's compliance policy and the violations found so far.
   *
   * @throws NullPointerException if {@code via} is null
   * @throws IllegalStateException if this message has no Via
   */
  public abstract SipMessage withTopVia(Via via);

  /**
   * A copy of this message with a field named {@code name} inserted before all others, as a
   * client transaction or a proxy pushes its Via (RFC 3261 §8.1.1.7, §16.6 step 8): every other
   * field keeps its spelling, place and value (a parsed message's values not read yet stay
   * bytes), nothing is parsed again, and the copy keeps this message's compliance policy and the
   * violations found so far. One copy of the field table where {@code toBuilder()
   * .addFirstHeader(name, value).build()} copies and decodes every field; the two are equal when
   * this message's only Content-Length is its body's length (which {@code build()} sets).
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code value} contains a line break, or {@code name} is
   *     Content-Length (it follows the body)
   */
  public abstract SipMessage withFirstHeader(HeaderName name, String value);

  /**
   * A copy of this message with the value of the field at {@code index} of {@link #headers()}
   * replaced by {@code value} (surrounding whitespace stripped, as a builder keeps it), as a proxy
   * rewrites its own Record-Route in a response (RFC 3261 §16.7 step 4): the field keeps its name
   * as written and its place, every other field its spelling, place and value; nothing is parsed
   * again, and the copy keeps this message's compliance policy and the violations found so far.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not a field's
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} contains a line break, or the field is
   *     Content-Length (it follows the body)
   */
  public abstract SipMessage withHeaderValue(int index, String value);

  /** A copy of this message with {@code headers}: same start line, body, policy and violations. */
  abstract SipMessage withHeaders(Headers headers);

  final Body bodyRange() {
    return body;
  }

  final int endLine() {
    return endLine;
  }

  /**
   * Reads every header Parley knows and checks the message as a whole: the mandatory headers of
   * RFC 3261 §8.1.1 are present, headers that may appear once do, the Contact parameters are in
   * range, and (for a request) the CSeq method equals the request method.
   *
   * @return this message
   * @throws SipParseException at the first problem
   */
  public SipMessage validate() {
    checkMandatoryPresent();
    for (Header<?> h : Header.ALL) {
      int first = headers.indexOf(h.name(), 0);
      if (first < 0) {
        continue;
      }
      int second = headers.nextIndexOf(h.name(), first);
      if (h.isSingleton() && second >= 0) {
        throw new SipParseException(
            "duplicate " + h.name() + " header (it may appear only once)",
            headers.line(second), headers.column(second), 400);
      }
      headers(h);
    }
    for (int i = headers.indexOf(HeaderName.CONTACT, 0); i >= 0;
        i = headers.nextIndexOf(HeaderName.CONTACT, i)) {
      try {
        for (Address a : TypedReads.field(this, i, Header.CONTACT)) {
          a.expires();
          a.q();
        }
      } catch (SipParseException e) {
        throw new SipParseException("Contact: " + e.reason(), headers.line(i), headers.column(i), 400);
      }
    }
    return this;
  }

  /** The headers every message has (RFC 3261 §8.1.1): To, From, CSeq, Call-ID and Via. */
  private static final HeaderName[] MANDATORY = {
      HeaderName.TO, HeaderName.FROM, HeaderName.CSEQ, HeaderName.CALL_ID, HeaderName.VIA};

  /**
   * Fails unless To, From, CSeq, Call-ID and Via are all present (RFC 3261 §8.1.1); reads the
   * header names only.
   *
   * @throws SipParseException (400) naming the first one missing
   */
  final void checkMandatoryPresent() {
    for (HeaderName mandatory : MANDATORY) {
      if (!headers.contains(mandatory)) {
        throw new SipParseException("missing mandatory header " + mandatory, endLine, 1, 400);
      }
    }
  }

  /**
   * The bytes this message was parsed from, exactly as received: from its start line to the end
   * of its body (without the CRLFs a sender may put before the start line, nor the bytes of a
   * datagram beyond its Content-Length), as a read-only view of the message's own storage, or
   * null when this message was not parsed from bytes as it is: built, or made by changing a
   * parsed message ({@link #withTopVia}, {@link SipRequest#withReceived} when it adds to the Via,
   * {@link SipResponse#withoutTopVia}...). Parsing them again under {@link #policy()} gives a
   * message equal to this one; {@link #encode()} may differ from them (it writes the start line
   * and the fields in their canonical form). For a holder that keeps a received message as bytes
   * without encoding it again. A new view per call: its position and limit are the caller's.
   */
  public final ByteBuffer verbatimBytes() {
    if (wireStart < 0) {
      return null;
    }
    int end = body.offset() + body.length();
    return ByteBuffer.wrap(body.source(), wireStart, end - wireStart).slice().asReadOnlyBuffer();
  }

  /** Where this message starts in its body's source array, or -1 (see {@link #verbatimBytes()}). */
  final int wireStart() {
    return wireStart;
  }

  /** Whether this message was parsed from bytes as it is ({@link #verbatimBytes()} not null). */
  final boolean isVerbatim() {
    return wireStart >= 0;
  }

  /** Whether {@link #writeStartLine} writes the start line for {@link #encode}, else its text. */
  abstract boolean writesStartLine();

  /** The length of {@link #startLine()}, when {@link #writesStartLine()}. */
  abstract int startLineLength();

  /**
   * Writes {@link #startLine()} from the start of {@code out} as ASCII, when {@link
   * #writesStartLine()}: the index after it, or -1 when a character is not ASCII.
   */
  abstract int writeStartLine(byte[] out);

  /** The message in wire form: start line, header fields, empty line, body. */
  public final byte[] encode() {
    // Usually every character is ASCII: write them straight into an array of the exact size
    // (one copy, no StringBuilder, no String); else fall back to text encoded as UTF-8.
    // the start line written from its parts, without making its text (when they are at hand)
    String start = writesStartLine() ? null : startLine();
    int startLength = start == null ? startLineLength() : start.length();
    byte[] out = new byte[startLength + 2 + HeaderWire.asciiLength(headers) + 2 + body.length()];
    int p = start == null ? writeStartLine(out) : HeaderWire.writeAscii(start, out, 0);
    if (p >= 0) {
      out[p++] = '\r';
      out[p++] = '\n';
      p = HeaderWire.writeAscii(headers, out, p);
    }
    if (p < 0) {
      byte[] head = headText().getBytes(StandardCharsets.UTF_8);
      out = Arrays.copyOf(head, head.length + body.length());
      p = head.length;
    } else {
      out[p++] = '\r';
      out[p++] = '\n';
    }
    body.copyTo(out, p);
    return out;
  }

  private String headText() {
    StringBuilder sb = new StringBuilder(512);
    sb.append(startLine()).append("\r\n");
    headers.appendTo(sb);
    sb.append("\r\n");
    return sb.toString();
  }

  /** The wire form as text, with the body decoded as UTF-8. */
  @Override
  public final String toString() {
    return headText() + bodyAsString();
  }

  final boolean sameContent(SipMessage m) {
    return headers.equals(m.headers) && body.sameBytes(m.body);
  }

  final int contentHash() {
    return headers.hashCode() * 31 + body.bytesHash();
  }

  /** Common parts of the request and response builders; not thread-safe. */
  public abstract static sealed class Builder<B extends Builder<B>>
      permits SipRequest.Builder, SipResponse.Builder {
    final Headers.Builder headers;
    /** Immutable: a copy of the bytes given, or the body of the message this builder copies. */
    Body body = Body.EMPTY;

    Builder(Headers.Builder headers) {
      this.headers = headers;
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Appends a header field. */
    public B header(HeaderName name, String value) {
      headers.add(name, value);
      return self();
    }

    /** Appends a header field with a typed value written in wire form. */
    public B header(HeaderName name, Object value) {
      headers.add(name, String.valueOf(value));
      return self();
    }

    /** Replaces every field of {@code name} with one. */
    public B setHeader(HeaderName name, String value) {
      beforeEdit();
      headers.set(name, value);
      return self();
    }

    /** Inserts a header field before all others. */
    public B addFirstHeader(HeaderName name, String value) {
      beforeEdit();
      headers.addFirst(name, value);
      return self();
    }

    /** Removes every field of {@code name}. */
    public B removeHeader(HeaderName name) {
      beforeEdit();
      headers.remove(name);
      return self();
    }

    /** The body; Content-Length is set to its length by {@code build()}. */
    public B body(byte[] body) {
      this.body = body == null ? Body.EMPTY : Body.of(body.clone());
      return self();
    }

    /** The body of a message being copied ({@code toBuilder}): shared, both are immutable. */
    B body(Body body) {
      this.body = body;
      return self();
    }

    /** A body with its Content-Type. */
    public B body(MediaType type, byte[] body) {
      headers.set(HeaderName.CONTENT_TYPE, type.toString());
      return body(body);
    }

    /** A text body encoded as UTF-8, with its Content-Type. */
    public B body(MediaType type, String body) {
      return body(type, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Called before an edit that may touch fields already given (set, insert, remove): a builder
     * holding fields outside {@link #headers} writes them into it. Nothing by default.
     */
    void beforeEdit() {}

    Headers buildHeaders() {
      int length = body.length();
      headers.set(HeaderName.CONTENT_LENGTH, length == 0 ? "0" : Integer.toString(length));
      return headers.build();
    }
  }
}
