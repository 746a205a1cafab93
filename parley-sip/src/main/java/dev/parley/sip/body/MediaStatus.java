package dev.parley.sip.body;

import java.util.Locale;

/** A media stream's {@code status} (RFC 4575 §5.7.8), as SDP's direction attributes. */
public enum MediaStatus {
  SENDRECV, SENDONLY, RECVONLY, INACTIVE;

  /** The element text, as {@code sendrecv}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status written {@code text}, or null if it is not one of the four. */
  public static MediaStatus fromWire(String text) {
    for (MediaStatus s : values()) {
      if (s.wire().equals(text)) {
        return s;
      }
    }
    return null;
  }
}
