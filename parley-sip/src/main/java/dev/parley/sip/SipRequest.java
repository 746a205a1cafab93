package dev.parley.sip;

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
