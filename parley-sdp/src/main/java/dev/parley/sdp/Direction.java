package dev.parley.sdp;

/**
 * The media direction attributes of RFC 8866 §6.7 ({@code a=sendrecv}, {@code a=sendonly},
 * {@code a=recvonly}, {@code a=inactive}), seen from the side that wrote the description.
 *
 * <p>{@link #SENDRECV} is the default when neither level has one; a media-level attribute
 * overrides the session-level one ({@link SessionDescription#direction(MediaDescription)}).
 */
public enum Direction {
  /** Send and receive: {@code a=sendrecv}, the default. */
  SENDRECV("sendrecv"),
  /** Send only: {@code a=sendonly}. */
  SENDONLY("sendonly"),
  /** Receive only: {@code a=recvonly}. */
  RECVONLY("recvonly"),
  /** Neither send nor receive: {@code a=inactive}. */
  INACTIVE("inactive");

  private final String attributeName;

  Direction(String attributeName) {
    this.attributeName = attributeName;
  }

  /** The attribute name, such as {@code sendonly}. */
  public String attributeName() {
    return attributeName;
  }

  /** The attribute {@code a=<name>}. */
  public Attribute toAttribute() {
    return Attribute.property(attributeName);
  }

  /** Whether this side sends media. */
  public boolean isSending() {
    return this == SENDRECV || this == SENDONLY;
  }

  /** Whether this side receives media. */
  public boolean isReceiving() {
    return this == SENDRECV || this == RECVONLY;
  }

  /** The direction seen from the other side: sendonly and recvonly swap (RFC 3264 §6.1). */
  public Direction reverse() {
    switch (this) {
      case SENDONLY:
        return RECVONLY;
      case RECVONLY:
        return SENDONLY;
      default:
        return this;
    }
  }

  /** The direction named {@code attributeName} (case-sensitive), or {@code null}. */
  public static Direction fromAttributeName(String attributeName) {
    if (attributeName == null) {
      return null;
    }
    switch (attributeName) {
      case "sendrecv":
        return SENDRECV;
      case "sendonly":
        return SENDONLY;
      case "recvonly":
        return RECVONLY;
      case "inactive":
        return INACTIVE;
      default:
        return null;
    }
  }
}
