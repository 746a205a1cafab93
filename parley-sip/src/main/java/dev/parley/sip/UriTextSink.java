package dev.parley.sip;

/**
 * Receives a SIP URI's wire form part by part, in the order {@link SipUri#writeTo} gives them: the
 * parts joined are {@link SipUri#toString()}. Lets a caller compare or hash the wire form without
 * making its text (the digest {@code uri} check, the proxy's loop hash). Each method returns
 * whether to go on; {@code false} stops the walk.
 */
public interface UriTextSink {
  /** The next part as written. */
  boolean text(String part);

  /** The next part, a number written as {@code Integer.toString(n)} (the port, never negative). */
  boolean decimal(int n);

  /** The URI parameters ({@code ;name[=value]...}), never empty when called. */
  default boolean parameters(Parameters parameters) {
    return text(parameters.toString());
  }

  /** The URI headers ({@code ?name=value&...}), never empty when called. */
  default boolean headers(UriHeaders headers) {
    return text(headers.toString());
  }
}
