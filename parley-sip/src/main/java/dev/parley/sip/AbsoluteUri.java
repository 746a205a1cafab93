package dev.parley.sip;

import dev.parley.sip.internal.UriEscapes;
import java.util.Locale;

/**
 * A URI of a scheme that Parley does not interpret ({@code http:}, {@code mailto:},
 * {@code urn:}, {@code isbn:}, {@code nobodyKnowsThisScheme:...}): RFC 3261 §25.1
 * {@code absoluteURI}, kept verbatim as {@code scheme ":" rest}.
 *
 * <p>A SIP element must still accept such URIs where the grammar allows them (RFC 4475 §3.3.2 to
 * §3.3.4) and then answer, say, 416 Unsupported URI Scheme. Immutable and thread-safe.
 */
public final class AbsoluteUri implements Uri {
  private final String writtenScheme;
  private final String schemeSpecificPart;

  AbsoluteUri(String writtenScheme, String schemeSpecificPart) {
    this.writtenScheme = writtenScheme;
    this.schemeSpecificPart = schemeSpecificPart;
  }

  /** The scheme in lower case ({@code "http"}, {@code "nobodyknowsthisscheme"}). */
  @Override
  public String scheme() {
    return writtenScheme.toLowerCase(Locale.ROOT);
  }

  /** Everything after the first colon, as written ({@code //www.example.com}). */
  public String schemeSpecificPart() {
    return schemeSpecificPart;
  }

  /**
   * Whether {@code other} is the same URI after RFC 3986 §6.2.2 syntax-based normalisation: same
   * scheme ignoring case, same rest once escapes have upper-case hex digits and escapes of
   * unreserved characters ({@code ALPHA DIGIT - . _ ~}) are decoded. Nothing scheme-specific
   * (such as a host's case) is known here.
   */
  @Override
  public boolean equivalentTo(Uri other) {
    return other instanceof AbsoluteUri a
        && writtenScheme.equalsIgnoreCase(a.writtenScheme)
        && (schemeSpecificPart.equals(a.schemeSpecificPart)
            || UriEscapes.genericComparisonForm(schemeSpecificPart)
                .equals(UriEscapes.genericComparisonForm(a.schemeSpecificPart)));
  }

  /** Structural equality of the written form, scheme case included. */
  @Override
  public boolean equals(Object o) {
    return o instanceof AbsoluteUri a
        && writtenScheme.equals(a.writtenScheme)
        && schemeSpecificPart.equals(a.schemeSpecificPart);
  }

  @Override
  public int hashCode() {
    return writtenScheme.hashCode() * 31 + schemeSpecificPart.hashCode();
  }

  /** The URI exactly as written. */
  @Override
  public String toString() {
    return writtenScheme + ":" + schemeSpecificPart;
  }
}
