package dev.parley.sip.body;

import java.util.Locale;

/**
 * An endpoint's {@code status} in a conference (RFC 4575 §5.7.2): where its signalling leg with
 * the focus stands ({@code dialing-out} .. {@code disconnected}), or that the focus mutes it.
 */
public enum EndpointStatus {
  PENDING, DIALING_OUT, DIALING_IN, ALERTING, ON_HOLD, CONNECTED, MUTED_VIA_FOCUS,
  DISCONNECTING, DISCONNECTED;

  /** The element text, as {@code dialing-out}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The status written {@code text}, or null if it is not one of RFC 4575's. */
  public static EndpointStatus fromWire(String text) {
    for (EndpointStatus s : values()) {
      if (s.wire().equals(text)) {
        return s;
      }
    }
    return null;
  }
}
