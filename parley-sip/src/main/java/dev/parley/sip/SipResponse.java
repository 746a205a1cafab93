package dev.parley.sip;

import java.util.Objects;
import java.util.Set;

/**
 * A SIP response (RFC 3261 §7.2): status code, reason phrase, header fields and body.
 *
 * <p>Immutable and thread-safe; build with {@link #builder(int)} or parse with {@link SipParser}.
 */
public final class SipResponse extends SipMessage {
  private final int statusCode;
  private final String reasonPhrase;
  /** Whether {@link #toTag} holds To's tag (null: none), known without parsing To. */
  private final boolean toTagKnown;
  private final String toTag;
  /**
   * Whether this response is {@link #withoutTopVia}'s copy of a response parsed from bytes (or of
   * such a copy): see {@link #isParseWithoutTopVia()}. Set once, before the copy is returned.
   */
  private boolean parseWithoutTopVia;

  /** A response built, or made by changing another: it has no {@link #verbatimBytes()}. */
  SipResponse(int statusCode, String reasonPhrase, Headers headers, Body body,
      CompliancePolicy policy, Set<Violation> violations, int endLine) {
    this(statusCode, reasonPhrase, headers, body, policy, violations, endLine, -1);
  }

  /** A response built from its request's fields, whose To tag {@code toTag} (or null) is known. */
  private SipResponse(int statusCode, String reasonPhrase, Headers headers, Body body, String toTag) {
    super(headers, body, CompliancePolicy.STRICT, Set.of(), 0, -1);
    this.statusCode = statusCode;
    this.reasonPhrase = reasonPhrase;
    this.toTagKnown = true;
    this.toTag = toTag;
  }

  /** A response parsed from bytes, starting at {@code wireStart} in its body's source array. */
  SipResponse(int statusCode, String reasonPhrase, Headers headers, Body body,
      CompliancePolicy policy, Set<Violation> violations, int endLine, int wireStart) {
    super(headers, body, policy, violations, endLine, wireStart);
    this.statusCode = statusCode;
    this.reasonPhrase = reasonPhrase;
    this.toTagKnown = false;
    this.toTag = null;
  }

  /** A builder for a response with {@code statusCode} and its standard reason phrase. */
  public static Builder builder(int statusCode) {
    if (statusCode < 100 || statusCode > 699) {
      throw new IllegalArgumentException("statusCode out of range: " + statusCode);
    }
    return new Builder(statusCode, SipStatus.reasonPhraseOf(statusCode), Headers.builder());
  }

  /** A builder for a response with {@code status}. */
  public static Builder builder(SipStatus status) {
    return new Builder(status.code(), status.reasonPhrase(), Headers.builder());
  }

  /** A builder holding this response. */
  public Builder toBuilder() {
    return new Builder(statusCode, reasonPhrase, headers().toBuilder()).body(bodyRange());
  }

  /** The three-digit status code. */
  public int statusCode() {
    return statusCode;
  }

  /** The status as a value. */
  public SipStatus status() {
    return SipStatus.of(statusCode);
  }

  /**
   * The tag of To, or null when To has none or is absent: {@code to().tag()}, read without
   * parsing To when this response was built by {@link SipRequest#response(int, String)} from a
   * request without violations and its To was not edited since (the tag added, or the request's).
   *
   * @throws SipParseException if To is read and does not match its grammar
   */
  public String toTag() {
    if (toTagKnown) {
      return toTag;
    }
    Address to = to();
    return to == null ? null : to.tag();
  }

  /** The reason phrase (may be empty). */
  public String reasonPhrase() {
    return reasonPhrase;
  }

  /** 1xx. */
  public boolean isProvisional() {
    return statusCode < 200;
  }

  /** 2xx..6xx. */
  public boolean isFinal() {
    return statusCode >= 200;
  }

  /** 2xx. */
  public boolean isSuccess() {
    return statusCode >= 200 && statusCode < 300;
  }

  @Override
  public boolean isRequest() {
    return false;
  }

  @Override
  public String startLine() {
    return SIP_2_0 + " " + statusCode + " " + reasonPhrase;
  }

  /** A three-digit status: its start line is written from the status and reason phrase. */
  @Override
  boolean writesStartLine() {
    return statusCode >= 100 && statusCode <= 999;
  }

  @Override
  int startLineLength() {
    return SIP_2_0.length() + 5 + reasonPhrase.length();
  }

  @Override
  int writeStartLine(byte[] out) {
    int p = HeaderWire.writeAscii(SIP_2_0, out, 0);
    out[p++] = ' ';
    out[p++] = (byte) ('0' + statusCode / 100);
    out[p++] = (byte) ('0' + statusCode / 10 % 10);
    out[p++] = (byte) ('0' + statusCode % 10);
    out[p++] = ' ';
    return HeaderWire.writeAscii(reasonPhrase, out, p);
  }

  @Override
  public SipResponse withTopVia(Via via) {
    return withHeaders(HeaderEdits.withTopVia(headers(), via));
  }

  /**
   * This response without its top Via value, as a proxy forwards it upstream (RFC 3261 §16.7 step
   * 3): the first Via field loses its first value, up to its first comma outside quotes, or goes
   * when that was its only value; the other Via values stay as they came, in order. Spliced in the
   * header text like {@link #withTopVia}: nothing is parsed again, the policy stays. This response
   * when it has no Via.
   */
  public SipResponse withoutTopVia() {
    Headers without = HeaderEdits.withoutTopVia(headers());
    if (without == headers()) {
      return this;
    }
    SipResponse relayed = withHeaders(without);
    relayed.parseWithoutTopVia = parseWithoutTopVia || isVerbatim();
    return relayed;
  }

  /**
   * Whether this response is a response parsed from bytes whose only change since is the top Via
   * value {@link #withoutTopVia} removed: the copy that method made of a parsed response, or of
   * such a copy, as a proxy relays it. Its {@link #encode()} then writes the start line, fields
   * and body it was parsed with, less that value (the rest of a Via field that held several
   * written as its text), under the same {@link #policy()}, and parses back to a response equal
   * to this one: a holder that keeps such a response as its encoding (a lingering server
   * transaction) need not parse that encoding to check it. False for a response parsed and not
   * changed (it has {@link #verbatimBytes()}), built, or changed in any other way.
   */
  public boolean isParseWithoutTopVia() {
    return parseWithoutTopVia;
  }

  @Override
  public SipResponse withFirstHeader(HeaderName name, String value) {
    return withHeaders(HeaderEdits.withFirst(headers(), name, value));
  }

  @Override
  public SipResponse withHeaderValue(int index, String value) {
    return withHeaders(HeaderEdits.withValue(headers(), index, value));
  }

  @Override
  SipResponse withHeaders(Headers headers) {
    return new SipResponse(statusCode, reasonPhrase, headers, bodyRange(), policy(), violations(), endLine());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SipResponse r
        && r.statusCode == statusCode
        && r.reasonPhrase.equals(reasonPhrase)
        && sameContent(r);
  }

  @Override
  public int hashCode() {
    return Objects.hash(statusCode, reasonPhrase) * 31 + contentHash();
  }

  /** Builds a {@link SipResponse}; not thread-safe. */
  public static final class Builder extends SipMessage.Builder<Builder> {
    private int statusCode;
    private String reasonPhrase;
    /** The fields copied from the request ({@link SipRequest#response(int, String)}), or null. */
    private CopiedFields copied;

    Builder(int statusCode, String reasonPhrase, Headers.Builder headers) {
      super(headers);
      status(statusCode);
      reasonPhrase(reasonPhrase);
    }

    /** The status code, 100..699; also resets the reason phrase to the standard one. */
    public Builder status(int statusCode) {
      if (statusCode < 100 || statusCode > 699) {
        throw new IllegalArgumentException("statusCode out of range: " + statusCode);
      }
      this.statusCode = statusCode;
      this.reasonPhrase = SipStatus.reasonPhraseOf(statusCode);
      return this;
    }

    public Builder reasonPhrase(String reasonPhrase) {
      Objects.requireNonNull(reasonPhrase, "reasonPhrase");
      if (reasonPhrase.indexOf('\r') >= 0 || reasonPhrase.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("reasonPhrase contains a line break: " + reasonPhrase);
      }
      this.reasonPhrase = reasonPhrase;
      return this;
    }

    /**
     * Appends a Warning (RFC 3261 §20.43): {@code warn-code SP warn-agent SP warn-text}, the text
     * written as a quoted-string for people to read: its quotes, backslashes and control
     * characters become apostrophes and it is cut after 200 characters.
     *
     * @throws IllegalArgumentException if {@code code} is not three digits or {@code agent} is
     *     not a token (a pseudonym or a host name, §20.43)
     */
    public Builder warning(int code, String agent, String text) {
      if (code < 100 || code > 999) {
        throw new IllegalArgumentException("warning code out of range: " + code);
      }
      if (!dev.parley.sip.internal.Chars.all(agent, dev.parley.sip.internal.Chars.TOKEN)) {
        throw new IllegalArgumentException("agent is not a token: '" + agent + "'");
      }
      StringBuilder sb = new StringBuilder(Math.min(text.length(), 200) + agent.length() + 8);
      sb.append(code).append(' ').append(agent).append(" \"");
      for (int i = 0, n = 0; i < text.length() && n < 200; i++, n++) {
        char c = text.charAt(i);
        sb.append(c < 0x20 || c == 0x7F || c == '"' || c == '\\' ? '\'' : c);
      }
      return header(HeaderName.WARNING, sb.append('"').toString());
    }

    /** Puts {@code fields} before every field this builder holds (an empty one: a response's first). */
    void copied(CopiedFields fields) {
      this.copied = fields;
    }

    /** The copied fields written into the builder as text, before an edit that could touch them. */
    @Override
    void beforeEdit() {
      if (copied != null) {
        copied.addTo(headers);
        copied = null;
      }
    }

    /** The response, with Content-Length set to the body's length. */
    public SipResponse build() {
      Headers h = buildHeaders();
      if (copied == null) {
        return new SipResponse(statusCode, reasonPhrase, h, body, CompliancePolicy.STRICT, Set.of(), 0);
      }
      h = copied.before(h);
      SipResponse r = copied.toTagKnown()
          ? new SipResponse(statusCode, reasonPhrase, h, body, copied.toTag())
          : new SipResponse(statusCode, reasonPhrase, h, body, CompliancePolicy.STRICT, Set.of(), 0);
      r.typed = copied.typedCache(h.size());
      return r;
    }
  }
}
