package dev.parley.sip;

import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriParser;

/**
 * A URI as SIP carries it in a Request-URI or in a header: a {@link SipUri} ({@code sip:} and
 * {@code sips:}, RFC 3261 §19.1), a {@link TelUri} ({@code tel:}, RFC 3966), or an
 * {@link AbsoluteUri} of any other scheme (RFC 3261 §25.1 {@code absoluteURI}), kept verbatim.
 *
 * <p>{@link #toString()} is the wire form, and parsing it gives back an equal URI.
 * {@link #equals(Object)} is structural equality of that written form (so that it keeps the
 * {@code equals}/{@code hashCode} contract); the RFC's own, looser and non-transitive, notion of
 * "same URI" is {@link #equivalentTo(Uri)}. Implementations are immutable and thread-safe.
 */
public sealed interface Uri permits SipUri, TelUri, AbsoluteUri {

  /**
   * Parses a whole URI under {@link CompliancePolicy#STRICT}.
   *
   * @throws SipParseException when {@code text} is not a URI (column = 1-based position in text)
   */
  static Uri parse(CharSequence text) {
    return UriParser.parse(text, 0, text.length(), Leniency.strict());
  }

  /** The scheme in lower case: {@code "sip"}, {@code "sips"}, {@code "tel"}, {@code "http"}... */
  String scheme();

  /** Whether this is a {@code sip:} or {@code sips:} URI, that is a {@link SipUri}. */
  default boolean isSip() {
    return this instanceof SipUri;
  }

  /**
   * Whether this URI and {@code other} identify the same resource by the comparison rules of
   * their scheme: RFC 3261 §19.1.4 for SIP and SIPS, RFC 3966 §4 for tel, RFC 3986 §6.2.2
   * (syntax-based normalization) for others. URIs of different schemes are never equivalent.
   *
   * <p>Reflexive and symmetric but, as RFC 3261 §19.1.4 warns, not transitive:
   * {@code sip:carol@chicago.com} is equivalent to both {@code ...;security=on} and
   * {@code ...;security=off}, which are not equivalent to each other. That is why this is not
   * {@link #equals(Object)}.
   */
  boolean equivalentTo(Uri other);

  /** The wire form. */
  @Override
  String toString();
}
