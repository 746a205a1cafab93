package dev.parley.sip;

import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.UriEscapes;
import java.util.Objects;

/**
 * The Replaces header (RFC 3891 §6.1): the dialog a new INVITE replaces, named by its Call-ID and
 * the tags as the recipient of the INVITE sees them, and whether only an early dialog may be
 * replaced.
 *
 * <pre>
 * Replaces        = "Replaces" HCOLON callid *(SEMI replaces-param)
 * replaces-param  = to-tag / from-tag / early-flag / generic-param
 * to-tag          = "to-tag" EQUAL token
 * from-tag        = "from-tag" EQUAL token
 * early-flag      = "early-only"
 * </pre>
 *
 * <p>In escalation and attended transfer it travels inside a Refer-To URI as an escaped URI
 * header ({@code <sip:bob@h?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>}): see
 * {@link #addTo(SipUri)} and {@link #from(SipUri)}. Read from a message with
 * {@link Header#REPLACES}. Immutable and thread-safe.
 *
 * @param callId the dialog's Call-ID
 * @param parameters the replaces-params, values as written ({@code to-tag}, {@code from-tag},
 *     {@code early-only} and any other)
 */
public record Replaces(String callId, Parameters parameters) {
  /** The URI header name that carries it in a Refer-To URI, {@value}. */
  public static final String URI_HEADER = "Replaces";

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException if the Call-ID is empty
   */
  public Replaces {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(parameters, "parameters");
    if (callId.isEmpty()) {
      throw new IllegalArgumentException("callId is empty");
    }
  }

  /**
   * The Replaces of the dialog {@code callId} with tags {@code toTag} and {@code fromTag}, as the
   * INVITE's recipient sees them (its own tag is the to-tag).
   *
   * @throws IllegalArgumentException if the Call-ID is not one (word ["@" word]) or a tag is not
   *     a token
   */
  public static Replaces of(String callId, String toTag, String fromTag) {
    return of(callId, toTag, fromTag, false);
  }

  /** As {@link #of(String, String, String)}, with {@code early-only} when {@code earlyOnly}. */
  public static Replaces of(String callId, String toTag, String fromTag, boolean earlyOnly) {
    try {
      Header.CALL_ID.parse(Objects.requireNonNull(callId, "callId"));
    } catch (SipParseException e) {
      throw new IllegalArgumentException("callId is not a Call-ID: " + callId, e);
    }
    Parameters.Builder p = Parameters.builder()
        .add("to-tag", token("toTag", toTag))
        .add("from-tag", token("fromTag", fromTag));
    if (earlyOnly) {
      p.add("early-only", null);
    }
    return new Replaces(callId, p.build());
  }

  private static String token(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || !Chars.all(value, Chars.TOKEN)) {
      throw new IllegalArgumentException(name + " is not a token: " + value);
    }
    return value;
  }

  /**
   * Parses a Replaces header value.
   *
   * @throws SipParseException if it does not match RFC 3891's grammar
   */
  public static Replaces parse(String text) {
    return Header.REPLACES.parse(text);
  }

  /**
   * The Replaces carried by {@code uri}'s {@code ?Replaces=} header (escapes decoded), or null
   * when it has none.
   *
   * @throws SipParseException if the header's value is not a Replaces value
   */
  public static Replaces from(SipUri uri) {
    String raw = uri.headers().get(URI_HEADER);
    return raw == null ? null : parse(UriEscapes.decode(raw));
  }

  /** {@code uri} with this as its {@code ?Replaces=} header (replacing any), escaped. */
  public SipUri addTo(SipUri uri) {
    return uri.toBuilder().removeHeader(URI_HEADER).header(URI_HEADER, uriHeaderValue()).build();
  }

  /**
   * The header value escaped as a URI hvalue (RFC 3261 §25.1: {@code hnv-unreserved / unreserved
   * / escaped}): {@code abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2}.
   */
  public String uriHeaderValue() {
    return UriEscapes.encode(toString(), Chars.HNV);
  }

  /** The to-tag parameter, or null. */
  public String toTag() {
    return parameters.get("to-tag");
  }

  /** The from-tag parameter, or null. */
  public String fromTag() {
    return parameters.get("from-tag");
  }

  /** Whether the early-only flag is present. */
  public boolean earlyOnly() {
    return parameters.contains("early-only");
  }

  /** The header value: {@code callid;to-tag=..;from-tag=..}. */
  @Override
  public String toString() {
    return callId + parameters;
  }
}
