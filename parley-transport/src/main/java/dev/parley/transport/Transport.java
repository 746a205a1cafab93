package dev.parley.transport;

import java.util.Locale;

/**
 * A SIP transport protocol (RFC 3261 §18, RFC 7118 for WebSocket), as named in Via and in the
 * {@code transport} URI parameter.
 */
public enum Transport {
  UDP(false, false, 5060),
  TCP(true, false, 5060),
  TLS(true, true, 5061),
  WS(true, false, 80),
  WSS(true, true, 443);

  private final boolean reliable;
  private final boolean secure;
  private final int defaultPort;

  Transport(boolean reliable, boolean secure, int defaultPort) {
    this.reliable = reliable;
    this.secure = secure;
    this.defaultPort = defaultPort;
  }

  /** Whether the transport delivers reliably (every one but UDP): no retransmission timers. */
  public boolean isReliable() {
    return reliable;
  }

  /** Whether the transport is encrypted (TLS, WSS). */
  public boolean isSecure() {
    return secure;
  }

  /** The port used when a URI or Via names none. */
  public int defaultPort() {
    return defaultPort;
  }

  /** The token written in Via ("UDP", "TCP", "TLS", "WS", "WSS"). */
  public String viaToken() {
    return name();
  }

  /**
   * The transport named by a Via token or a {@code transport=} URI parameter, in any case.
   *
   * @throws IllegalArgumentException naming the token when it is not one Parley speaks
   */
  public static Transport of(String token) {
    if (token == null) {
      throw new IllegalArgumentException("transport is null");
    }
    try {
      return valueOf(token.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unsupported transport: " + token);
    }
  }
}
