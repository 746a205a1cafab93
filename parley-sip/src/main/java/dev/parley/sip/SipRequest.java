package dev.parley.sip;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;

/**
 * A SIP request (RFC 3261 §7.1): method, Request-URI, header fields and body.
 *
 * <p>Immutable and thread-safe; build with {@link #builder(SipMethod, Uri)} or parse with
 * {@link SipParser}.
 */
public final class SipRequest extends SipMessage {
  private final SipMethod method;
  private final Uri requestUri;
  /**
   * Whether {@link #checkMandatoryHeaders()} passed: a cache of a fact about immutable content
   * (a race only checks twice); carried only to the copy {@link #withReceived} makes.
   */
  private boolean mandatoryChecked;
  /**
   * Whether this request is {@link #withReceived}'s copy of a request parsed from bytes (or of
   * such a copy): see {@link #isStampedParse()}. Set once, before the copy is returned.
   */
  private boolean stampedParse;
  /**
   * For a stamped parse whose received top Via field was one line: where the received message
   * starts in its body's source array (see {@link #receivedBytes()}); else -1. Set once, before
   * {@link #withReceived}'s copy is returned.
   */
  private int receivedStart = -1;

  /** A request built, or made by changing another: it has no {@link #verbatimBytes()}. */
  SipRequest(SipMethod method, Uri requestUri, Headers headers, Body body,
      CompliancePolicy policy, Set<Violation> violations, int endLine) {
    this(method, requestUri, headers, body, policy, violations, endLine, -1);
  }

  /** A request parsed from bytes, starting at {@code wireStart} in its body's source array. */
  SipRequest(SipMethod method, Uri requestUri, Headers headers, Body body,
      CompliancePolicy policy, Set<Violation> violations, int endLine, int wireStart) {
    super(headers, body, policy, violations, endLine, wireStart);
    this.method = method;
    this.requestUri = requestUri;
  }

  /** A builder for a request of {@code method} to {@code requestUri}. */
  public static Builder builder(SipMethod method, Uri requestUri) {
    return new Builder(method, requestUri, Headers.builder());
  }

  /** A builder holding this request. */
  public Builder toBuilder() {
    return new Builder(method, requestUri, headers().toBuilder()).body(bodyRange());
  }

  /** The method. */
  public SipMethod method() {
    return method;
  }

  /** The Request-URI. */
  public Uri requestUri() {
    return requestUri;
  }

  @Override
  public boolean isRequest() {
    return true;
  }

  @Override
  public String startLine() {
    return method + " " + requestUri + " " + SIP_2_0;
  }

  /** A SIP URI keeps its text: the start line is written from the method and that text. */
  @Override
  boolean writesStartLine() {
    return requestUri instanceof SipUri;
  }

  @Override
  int startLineLength() {
    return method.name().length() + 1 + requestUri.toString().length() + 1 + SIP_2_0.length();
  }

  @Override
  int writeStartLine(byte[] out) {
    int p = HeaderWire.writeAscii(method.name(), out, 0);
    if (p < 0) {
      return -1;
    }
    out[p++] = ' ';
    p = HeaderWire.writeAscii(requestUri.toString(), out, p);
    if (p < 0) {
      return -1;
    }
    out[p++] = ' ';
    return HeaderWire.writeAscii(SIP_2_0, out, p);
  }

  @Override
  public SipRequest withTopVia(Via via) {
    return withHeaders(HeaderEdits.withTopVia(headers(), via));
  }

  /**
   * This request as a server transport receives it from {@code source} (RFC 3261 §18.2.1, RFC 3581
   * §4): its top Via gets {@code received} with the source address when the {@code sent-by} host
   * is not that address, when {@code rport} is asked for, or when the sender wrote a
   * {@code received} of its own (replaced), and an empty {@code rport} gets the source port. A copy made as {@link #withTopVia} makes it, or this request when neither applies
   * or it has no Via. An IPv6 {@code received} is written without brackets, as RFC 5952 writes it.
   *
   * @throws NullPointerException if {@code source} is null
   * @throws IllegalArgumentException if {@code source} is unresolved
   * @throws SipParseException if the top Via does not match its grammar
   */
  public SipRequest withReceived(InetSocketAddress source) {
    Objects.requireNonNull(source, "source");
    InetAddress ip = source.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException("source is unresolved: " + source);
    }
    Via top = topVia();
    if (top == null) {
      return this;
    }
    boolean fillRport = top.hasRport() && top.rport() < 0;
    IpLiterals.SourceText text = IpLiterals.sourceText(source);
    // a received the sender wrote itself is replaced by the true source: responses may be sent
    // there (§18.2.2), and it must not be a third party of the sender's choosing
    if (!fillRport && top.received() == null
        && (top.host().equals(text.ip()) || IpLiterals.isLiteralOf(top.host(), ip))) {
      return this;
    }
    // the params set as Via.Builder#parameter sets them: received replaced or appended, then
    // the empty rport filled in its place
    Via via = top.withParameters(
        top.parameters().withReceived(text.ip(), fillRport ? text.port() : null));
    SipRequest stamped = withHeaders(stampedHeaders(via));
    stamped.mandatoryChecked = mandatoryChecked; // only the top Via changed, to a Via built from it
    stamped.typed = typedWithTopVia(via);
    stamped.stampedParse = stampedParse || isVerbatim();
    stamped.receivedStart = receivedStart >= 0 ? receivedStart : splicedStart();
    return stamped;
  }

  /**
   * Where this request starts in its source array when it is a parse not changed since whose
   * first Via field's value is one line of those bytes (so that {@link #receivedBytes()} of its
   * stamped copy can mark it); else -1.
   */
  private int splicedStart() {
    Headers h = headers();
    int first = h.indexOf(HeaderName.VIA, 0);
    return isVerbatim() && h.source() == bodyRange().source() && h.sourceStart(first) >= 0
        ? wireStart() : -1;
  }

  /**
   * The bytes a {@linkplain #isStampedParse() stamped parse} was received as, before the stamp:
   * a read-only view of the request received, from its start line to the end of its body (what
   * its {@link #verbatimBytes()} was), whose position and limit mark the value of its first Via
   * field as received. This request's wire form is those bytes with the marked range replaced by
   * the UTF-8 bytes of its first Via field's value ({@code headers().value(headers()
   * .indexOf(HeaderName.VIA, 0))}, the value as stamped): they parse under {@link #policy()} to a
   * request equal to this one. Unlike {@link #encode()}, every other byte is as received (compact
   * names, whitespace, folded lines). For a holder that keeps a stamped request as its bytes
   * without encoding it (a lingering server transaction). A new view per call; its position,
   * limit and mark are the caller's.
   *
   * @return the view, or null when this request is not a stamped parse, or the top Via field it
   *     was received with was folded over several lines
   */
  public ByteBuffer receivedBytes() {
    int start = receivedStart;
    if (start < 0) {
      return null;
    }
    Headers h = headers();
    int first = h.indexOf(HeaderName.VIA, 0);
    int from = h.meta[first * 2];
    from = from >= 0 ? from : -2 - from; // the stamp made it text, at the same place
    int end = bodyRange().offset() + bodyRange().length();
    return ByteBuffer.wrap(h.source(), start, end - start).slice().asReadOnlyBuffer()
        .limit(h.meta[first * 2 + 1] - start).position(from - start);
  }

  /**
   * Whether this request is a request parsed from bytes whose only change since is the stamp
   * {@link #withReceived} put on its top Via ({@code received}, {@code rport}): the copy that
   * method made of a parsed request, or of such a copy. Its {@link #encode()} then writes the
   * fields and body it was parsed with (the top Via's value as stamped), under the same {@link
   * #policy()}, and parses back to a request equal to this one, as its bytes did: a holder that
   * keeps such a request as its encoding (a lingering server transaction) need not parse that
   * encoding to check it. False for a request parsed and not changed (it has {@link
   * #verbatimBytes()}), built, or changed in any other way.
   */
  public boolean isStampedParse() {
    return stampedParse;
  }

  /**
   * The fields with {@code via} as the top Via value, as {@link HeaderEdits#withTopVia} writes
   * it: when the fast path read the top Via field as one value (cached as the {@link Via} itself,
   * no comma after it), the field's text is {@code via}'s alone, written without decoding the
   * field's old text first.
   */
  private Headers stampedHeaders(Via via) {
    Headers h = headers();
    int first = h.indexOf(HeaderName.VIA, 0);
    Object[] cache = typed;
    return cache != null && cache.length == h.size() && cache[first] instanceof Via
        ? HeaderEdits.replaced(h, first, via.toString()) : HeaderEdits.withTopVia(h, via);
  }

  /**
   * The typed values read on this request, for its copy with {@code via} as its top Via value
   * ({@link #withReceived}): every other field is the same text at the same index, so its value
   * stands, and a top Via field that held one value gets {@code via}, the value its text was
   * written from (not parsed again for each request a transport stamps). Null, so that the copy
   * parses what it reads, when nothing was read or this request has violations.
   */
  private Object[] typedWithTopVia(Via via) {
    Object[] cache = typed;
    int first = headers().indexOf(HeaderName.VIA, 0);
    if (cache == null || first < 0 || cache.length != headers().size() || !violations().isEmpty()) {
      return null;
    }
    Object[] copy = cache.clone();
    Object top = copy[first];
    copy[first] = top instanceof Via || top instanceof java.util.List<?> l && l.size() == 1
        ? via : null;
    return copy;
  }

  /**
   * A copy of this request with {@code requestUri} as its Request-URI, as a proxy retargets a
   * request (RFC 3261 §16.6 step 2): every field as it came (spelling, place, value; a parsed
   * request's values not read yet stay bytes), the body shared, nothing parsed again; the copy
   * keeps this request's compliance policy and the violations found so far. This request when
   * {@code requestUri} is the very object it has.
   *
   * @throws NullPointerException if {@code requestUri} is null
   */
  public SipRequest withRequestUri(Uri requestUri) {
    Objects.requireNonNull(requestUri, "requestUri");
    return requestUri == this.requestUri ? this
        : new SipRequest(method, requestUri, headers(), bodyRange(), policy(), violations(), endLine());
  }

  @Override
  public SipRequest withFirstHeader(HeaderName name, String value) {
    return withHeaders(HeaderEdits.withFirst(headers(), name, value));
  }

  @Override
  public SipRequest withHeaderValue(int index, String value) {
    return withHeaders(HeaderEdits.withValue(headers(), index, value));
  }

  /**
   * A copy of this request with a field named {@code name} (its canonical spelling) and
   * {@code value} after all others, as {@link Builder#header(HeaderName, String)} appends one;
   * every other field as {@link #withFirstHeader} keeps it (one copy of the field table).
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code value} contains a line break, or {@code name} is
   *     Content-Length (it follows the body)
   */
  public SipRequest withLastHeader(HeaderName name, String value) {
    Headers h = headers();
    return withHeaders(HeaderEdits.inserted(h, h.size(), name, HeaderEdits.editable(name, value)));
  }

  /**
   * A copy of this request with every field named {@code name} replaced by one with
   * {@code value}, at the first one's place, or after all others when there is none: what
   * {@link Builder#setHeader} does, with every other field as {@link #withFirstHeader} keeps it.
   * A single field already spelled canonically keeps its place and gets the value (one copy of
   * the field table).
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code value} contains a line break, or {@code name} is
   *     Content-Length (it follows the body)
   */
  public SipRequest withHeaderSet(HeaderName name, String value) {
    String v = HeaderEdits.editable(name, value);
    Headers h = headers();
    int first = h.indexOf(name, 0);
    if (first < 0) {
      return withHeaders(HeaderEdits.inserted(h, h.size(), name, v));
    }
    if (h.nextIndexOf(name, first) < 0 && h.name(first).equals(name.name())) {
      return withHeaders(HeaderEdits.replaced(h, first, v));
    }
    return withHeaders(HeaderEdits.inserted(without(h, name), first, name, v));
  }

  /**
   * A copy of this request without any field named {@code name}, as {@link Builder#removeHeader}
   * removes them, every other field as {@link #withFirstHeader} keeps it; this request when it
   * has none.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is Content-Length (it follows the body)
   */
  public SipRequest withoutHeader(HeaderName name) {
    if (name.equals(HeaderName.CONTENT_LENGTH)) { // NullPointerException for a null name
      throw new IllegalArgumentException("Content-Length follows the body");
    }
    Headers h = headers();
    return h.contains(name) ? withHeaders(without(h, name)) : this;
  }

  /**
   * The ACK for {@code response}, a non-2xx final response to this INVITE, as its client
   * transaction sends it (RFC 3261 §17.1.1.3): this request's Request-URI; {@code via}, the text
   * of this request's top Via, as its single Via; Max-Forwards 70; this request's From, the
   * response's To (with the UAS's tag), this request's Call-ID; CSeq with this request's number
   * and method ACK; this request's Route fields, in order; Content-Length 0. The fields, their
   * canonical spellings and the bytes are those of {@link #builder} given them in that order, and
   * like a built request the ACK is STRICT with no violations; but a value copied from this
   * request that is still bytes of its parse stays those bytes (none decoded to be encoded again),
   * and the field table is made once. From and Call-ID are left out when this request has none.
   *
   * @throws NullPointerException if an argument is null, or the response has no To
   * @throws IllegalArgumentException if {@code via} contains a line break
   * @throws SipParseException if this request's CSeq does not match its grammar
   */
  public SipRequest ackFor(SipResponse response, String via) {
    String v = HeaderEdits.editable(HeaderName.VIA, via);
    String to = Objects.requireNonNull(response.headers().get(HeaderName.TO), "response To");
    String cseq = cseq().sequence() + " " + SipMethod.ACK;
    return new SipRequest(SipMethod.ACK, requestUri, HeaderEdits.ackFields(headers(), v, to, cseq),
        Body.EMPTY, CompliancePolicy.STRICT, Set.of(), 0);
  }

  private static Headers without(Headers h, HeaderName name) {
    for (int i = h.size() - 1; i >= 0; i--) {
      if (h.headerName(i).equals(name)) {
        h = HeaderEdits.removed(h, i);
      }
    }
    return h;
  }

  /**
   * This request as {@code toBuilder().build()} makes it: STRICT, no violations, the same start
   * line, fields and body, and Content-Length the body's length. When its only Content-Length
   * field is spelled canonically and already says that length, the copy shares this request's
   * field table (a parsed request's values not read yet stay bytes) instead of copying and
   * decoding every field; else it is {@code toBuilder().build()}. For a proxy that edits a
   * received request ({@link #withHeaderSet}, ...) and sends it on as one it built.
   */
  public SipRequest rebuilt() {
    Headers h = headers();
    int cl = h.indexOf(HeaderName.CONTENT_LENGTH, 0);
    if (cl >= 0 && h.nextIndexOf(HeaderName.CONTENT_LENGTH, cl) < 0
        && h.name(cl).equals(HeaderName.CONTENT_LENGTH.name())
        && h.value(cl).equals(Integer.toString(bodyLength()))) {
      return new SipRequest(method, requestUri, h, bodyRange(), CompliancePolicy.STRICT, Set.of(), 0);
    }
    return toBuilder().build();
  }

  @Override
  SipRequest withHeaders(Headers headers) {
    return new SipRequest(method, requestUri, headers, bodyRange(), policy(), violations(), endLine());
  }

  @Override
  public SipRequest validate() {
    super.validate();
    checkCSeqMethod();
    return this;
  }

  /**
   * The check of RFC 3261 §8.2 (and §16.3 step 1) that a request passes before anyone acts on it
   * or makes a transaction for it (§17.2.3 matches on these headers): Via, From, To, Call-ID and
   * CSeq are present (§8.1.1) and match their grammars, and the CSeq method is the request method
   * (§8.1.1.5). The transport layer runs it on every request it receives, the transaction layer
   * on every request handed to it; once passed, the request remembers it, so the second run
   * costs a field read. It does not ask for Max-Forwards (a proxy adds one that is missing,
   * §16.6 step 3, and a UAS has no use for it) nor read headers that may repeat once too often
   * (see {@link #repeatedSingletonHeader()}); {@link #validate()} checks everything.
   *
   * @return this request
   * @throws SipParseException at the first problem: status 400, or 501 when the CSeq method does
   *     not match a request method Parley does not know (RFC 4475 §3.1.2.18)
   */
  public SipRequest checkMandatoryHeaders() {
    if (mandatoryChecked) {
      return this;
    }
    checkMandatoryPresent();
    topVia();
    from();
    to();
    callId();
    checkCSeqMethod();
    mandatoryChecked = true;
    return this;
  }

  private void checkCSeqMethod() {
    CSeq cseq = cseq();
    if (!cseq.method().equals(method)) {
      int i = headers().indexOf(HeaderName.CSEQ, 0);
      throw new SipParseException("CSeq method " + cseq.method()
          + " does not match the request method " + method,
          headers().line(i), headers().column(i), method.isStandard() ? 400 : 501);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SipRequest r
        && r.method.equals(method)
        && r.requestUri.equals(requestUri)
        && sameContent(r);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, requestUri) * 31 + contentHash();
  }

  /**
   * A builder for a response to this request with {@code status} and its standard reason phrase,
   * made as RFC 3261 §8.2.6.2 asks: every Via (in order), From, To, Call-ID and CSeq copied; the
   * Record-Route fields copied into a 101..299 response, which may create a dialog (§12.1.1); a
   * Timestamp copied into a 100 Trying (§8.2.6.1). To keeps the tag it has; see
   * {@link #response(int, String)} to add one.
   *
   * @throws IllegalArgumentException if {@code status} is not 100..699
   */
  public SipResponse.Builder response(int status) {
    return response(status, null);
  }

  /**
   * As {@link #response(int)}, with {@code toTag} added to To if To has no tag and
   * {@code status} is above 100 (a 100 Trying carries no To tag, §8.2.6.1). A null
   * {@code toTag} adds none.
   *
   * @throws IllegalArgumentException if {@code status} is not 100..699 or {@code toTag} is not a
   *     token (§25.1)
   */
  public SipResponse.Builder response(int status, String toTag) {
    if (status < 100 || status > 699) {
      throw new IllegalArgumentException("statusCode out of range: " + status);
    }
    // room for the fields given after the copied ones (Contact, Server, Content-Length...)
    SipResponse.Builder b = new SipResponse.Builder(status, SipStatus.reasonPhraseOf(status),
        new Headers.Builder(4));
    if (toTag != null && !dev.parley.sip.internal.Chars.all(toTag,
        dev.parley.sip.internal.Chars.TOKEN)) {
      throw new IllegalArgumentException("toTag is not a token: '" + toTag + "'");
    }
    Headers h = headers();
    if (h.size() > 64) {
      return responseWithText(b, status, toTag);
    }
    // the fields copied are kept as places in ours (CopiedFields), not decoded into text
    long copied = 0;
    int toIndex = -1;
    String to = null;
    for (int i = 0; i < h.size(); i++) {
      HeaderName name = h.headerName(i);
      if (name.equals(HeaderName.VIA) || name.equals(HeaderName.FROM)
          || name.equals(HeaderName.CALL_ID) || name.equals(HeaderName.CSEQ)
          || name.equals(HeaderName.RECORD_ROUTE) && status > 100 && status < 300
          || name.equals(HeaderName.TIMESTAMP) && status == 100) { // §8.2.6.1
        copied |= 1L << i;
      } else if (name.equals(HeaderName.TO)) {
        if (status > 100 && toTag != null && to().tag() == null) {
          // after whatever parameters To has: for an addr-spec without <>, its ;parameters are
          // header parameters too (§20.10)
          toIndex = i;
          to = h.value(i) + ";tag=" + toTag;
        }
        copied |= 1L << i;
      }
    }
    // To's tag as the response's To would parse to: the one added, or the request's own (read
    // already, by the check); not known when the request's fields had violations (a strict
    // parse of the copy might differ) or it has no To
    boolean known = violations().isEmpty() && h.indexOf(HeaderName.TO, 0) >= 0;
    String tag = !known ? null : to != null ? toTag : to().tag();
    // CSeq as read already (by the check): the response's copy of the same bytes reads the same
    // when the request had no violations (a strict read of it could differ otherwise)
    int cseqIndex = h.indexOf(HeaderName.CSEQ, 0);
    Object[] cache = typed;
    CSeq cseq = cseqIndex >= 0 && cseqIndex < 64 && cache != null && violations().isEmpty()
        && h.nextIndexOf(HeaderName.CSEQ, cseqIndex) < 0 && cache[cseqIndex] instanceof CSeq c
        ? c : null;
    b.copied(new CopiedFields(h, copied, toIndex, to, known, tag, cseq, cseqIndex));
    return b;
  }

  /** {@link #response(int, String)}'s fields given to {@code b} as text (a request of over 64 fields). */
  private SipResponse.Builder responseWithText(SipResponse.Builder b, int status, String toTag) {
    Headers h = headers();
    for (int i = 0; i < h.size(); i++) {
      HeaderName name = h.headerName(i);
      if (name.equals(HeaderName.VIA) || name.equals(HeaderName.FROM)
          || name.equals(HeaderName.CALL_ID) || name.equals(HeaderName.CSEQ)
          || name.equals(HeaderName.RECORD_ROUTE) && status > 100 && status < 300
          || name.equals(HeaderName.TIMESTAMP) && status == 100) {
        b.header(name, h.value(i));
      } else if (name.equals(HeaderName.TO)) {
        boolean tagged = status > 100 && toTag != null && to().tag() == null;
        b.header(name, tagged ? h.value(i) + ";tag=" + toTag : h.value(i));
      }
    }
    return b;
  }

  /**
   * A builder for the response to a request that did not parse, made from its bytes as far as
   * they can be read (RFC 3261 §8.2.6.2): {@code status} with its standard reason phrase, and
   * every Via, From, To, Call-ID and CSeq field copied as written (spliced from the wire, never
   * parsed; compact names and folded lines are read), with {@code toTag} added to To when To
   * seems to have none and {@code status} is above 100. For the stateless 400 (or 505, 513) of a
   * transport that cannot parse what it received.
   *
   * @return the builder, or null when {@code wire} cannot or must not be answered: a response,
   *     an ACK (§17.1.1.3), or a request without one of those five headers
   * @throws NullPointerException if {@code wire} is null
   * @throws IllegalArgumentException if {@code status} is not 100..699 or {@code toTag} is not a
   *     token (§25.1)
   */
  public static SipResponse.Builder responseToUnparsed(byte[] wire, int status, String toTag) {
    Objects.requireNonNull(wire, "wire");
    if (status < 100 || status > 699) {
      throw new IllegalArgumentException("status out of range: " + status);
    }
    if (toTag != null && !dev.parley.sip.internal.Chars.all(toTag,
        dev.parley.sip.internal.Chars.TOKEN)) {
      throw new IllegalArgumentException("toTag is not a token: '" + toTag + "'");
    }
    return UnparsedRequest.response(wire, status, toTag);
  }

  /** Builds a {@link SipRequest}; not thread-safe. */
  public static final class Builder extends SipMessage.Builder<Builder> {
    private SipMethod method;
    private Uri requestUri;

    Builder(SipMethod method, Uri requestUri, Headers.Builder headers) {
      super(headers);
      this.method = Objects.requireNonNull(method, "method");
      this.requestUri = Objects.requireNonNull(requestUri, "requestUri");
    }

    public Builder method(SipMethod method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    public Builder requestUri(Uri requestUri) {
      this.requestUri = Objects.requireNonNull(requestUri, "requestUri");
      return this;
    }

    /** The request, with Content-Length set to the body's length. */
    public SipRequest build() {
      return new SipRequest(method, requestUri, buildHeaders(), body, CompliancePolicy.STRICT, Set.of(), 0);
    }
  }
}
