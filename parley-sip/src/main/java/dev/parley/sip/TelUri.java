package dev.parley.sip;

import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriEscapes;
import dev.parley.sip.internal.UriParser;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code tel:} URI (RFC 3966): a telephone number, either global ({@code tel:+1-201-555-0123})
 * or local with the context that makes it unique
 * ({@code tel:7042;phone-context=example.com}), followed by parameters ({@code ext},
 * {@code isub}, {@code phone-context} and others).
 *
 * <p>The number and the parameters are kept as written; {@link #toString()} is the wire form.
 * {@link #equals(Object)} compares the written form, {@link #equivalentTo(Uri)} applies
 * RFC 3966 §4. Immutable and thread-safe.
 */
public final class TelUri implements Uri {
  private final String number;
  private final Parameters parameters;

  TelUri(String number, Parameters parameters) {
    this.number = number;
    this.parameters = parameters;
  }

  /**
   * Parses a whole {@code tel:} URI under {@link CompliancePolicy#STRICT} (which refuses a local
   * number without {@code phone-context}).
   *
   * @throws SipParseException when {@code text} is not one
   */
  public static TelUri parse(CharSequence text) {
    return UriParser.parseTelUri(text, 0, text.length(), Leniency.strict());
  }

  /**
   * A tel URI from a number as written ({@code +1-201-555-0123}, {@code 7042}) and parameters.
   *
   * @throws IllegalArgumentException when the result breaks RFC 3966 §3, with the reason
   */
  public static TelUri of(String number, Parameters parameters) {
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(parameters, "parameters");
    String text = "tel:" + number + parameters;
    try {
      return parse(text);
    } catch (SipParseException e) {
      throw new IllegalArgumentException("not a valid tel URI: " + text + " (" + e.reason() + ")",
          e);
    }
  }

  /** Always {@code "tel"}. */
  @Override
  public String scheme() {
    return "tel";
  }

  /** The number as written, with its visual separators ({@code +1-201-555-0123}). */
  public String number() {
    return number;
  }

  /** Whether the number is global ({@code +} and a country code, RFC 3966 §5.1.4). */
  public boolean isGlobal() {
    return number.charAt(0) == '+';
  }

  /**
   * The number without its visual separators {@code - . ( )}, hex digits in upper case:
   * {@code +12015550123}.
   */
  public String digits() {
    return stripSeparators(number);
  }

  /** The {@code phone-context} parameter (a domain name or a global number prefix), or null. */
  public String phoneContext() {
    return parameters.get("phone-context");
  }

  /** The {@code ext} parameter (an extension), or null. */
  public String extension() {
    return parameters.get("ext");
  }

  /** The {@code isub} parameter (an ISDN subaddress), or null. */
  public String isdnSubaddress() {
    return parameters.get("isub");
  }

  /** All parameters after the number, in order, values as written. */
  public Parameters parameters() {
    return parameters;
  }

  /**
   * Whether {@code other} is the same tel URI under RFC 3966 §4: both global or both local, the
   * same digits once visual separators are removed, and the same set of parameters (names and
   * values case-insensitive, escapes of unreserved characters decoded, {@code phone-context}
   * compared as a domain name or, for a number prefix, digit by digit), in any order.
   */
  @Override
  public boolean equivalentTo(Uri other) {
    if (!(other instanceof TelUri o)) {
      return false;
    }
    if (isGlobal() != o.isGlobal() || !digits().equals(o.digits())) {
      return false;
    }
    return comparisonMap(parameters).equals(comparisonMap(o.parameters));
  }

  private static Map<String, String> comparisonMap(Parameters p) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < p.size(); i++) {
      String name = UriEscapes.comparisonForm(p.name(i), true);
      String value = p.value(i);
      if (value != null) {
        value = name.equals("phone-context") && value.startsWith("+")
            ? stripSeparators(value)
            : UriEscapes.comparisonForm(value, true);
      }
      map.putIfAbsent(name, value);
    }
    return map;
  }

  private static String stripSeparators(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '-' && c != '.' && c != '(' && c != ')') {
        sb.append(c >= 'a' && c <= 'f' ? (char) (c - 32) : c);
      }
    }
    return sb.toString();
  }

  /** Structural equality of the written form (number and parameters as written, in order). */
  @Override
  public boolean equals(Object o) {
    return o instanceof TelUri t && number.equals(t.number) && parameters.equals(t.parameters);
  }

  @Override
  public int hashCode() {
    return number.hashCode() * 31 + parameters.hashCode();
  }

  /** The wire form: {@code tel:number;params}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(4 + number.length() + 16);
    sb.append("tel:").append(number);
    parameters.appendTo(sb);
    return sb.toString();
  }
}
