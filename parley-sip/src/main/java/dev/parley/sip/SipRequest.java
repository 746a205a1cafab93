package dev.parley.sip;

import java.net.InetAddress;
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

  SipRequest(SipMethod method, Uri requestUri, Headers headers, Body body,
      CompliancePolicy policy, Set<Violation> violations, int endLine) {
    super(headers, body, policy, violations, endLine);
    this.method = method;
    this.requestUri = requestUri;
  }

  /** A builder for a request of {@code method} to {@code requestUri}. */
  public static Builder builder(SipMethod method, Uri requestUri) {
    return new Builder(method, requestUri, Headers.builder());
  }

  /** A builder holding this request. */
  public Builder toBuilder() {
    return new Builder(method, requestUri, headers().toBuilder()).body(rawBody());
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

  @Override
  public SipRequest withTopVia(Via via) {
    return withHeaders(headersWithTopVia(via));
  }

  /**
   * This request as a server transport receives it from {@code source} (RFC 3261 §18.2.1, RFC 3581
   * §4): its top Via gets {@code received} with the source address when the {@code sent-by} host
   * is not that address or when {@code rport} is asked for, and an empty {@code rport} gets the
   * source port. A copy made as {@link #withTopVia} makes it, or this request when neither applies
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
    if (!fillRport && IpLiterals.isLiteralOf(top.host(), ip)) {
      return this;
    }
    Via.Builder b = top.toBuilder().parameter("received", IpLiterals.text(ip));
    if (fillRport) {
      b.parameter("rport", Integer.toString(source.getPort()));
    }
    return withTopVia(b.build());
  }

  @Override
  SipRequest withHeaders(Headers headers) {
    return new SipRequest(method, requestUri, headers, bodyRange(), policy(), violations(), endLine());
  }

  @Override
  public SipRequest validate() {
    super.validate();
    CSeq cseq = cseq();
    if (!cseq.method().equals(method)) {
      int i = headers().indexOf(HeaderName.CSEQ, 0);
      throw new SipParseException("CSeq method " + cseq.method()
          + " does not match the request method " + method,
          headers().line(i), headers().column(i), method.isStandard() ? 400 : 501);
    }
    return this;
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
      return new SipRequest(method, requestUri, buildHeaders(), Body.of(body), CompliancePolicy.STRICT, Set.of(), 0);
    }
  }
}
