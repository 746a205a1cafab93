package dev.parley.client;

/**
 * The modality of a {@link Session} (UCCAPI's {@code UCC_SESSION_TYPE}, same order and values
 * 0..3), and how an incoming INVITE is recognised as one.
 */
public enum SessionType {
  /** Instant messaging: SDP {@code m=message <port> sip <uri>}, then MESSAGE in the dialog (RFC 3428). */
  INSTANT_MESSAGING,
  /** Audio and/or video: SDP {@code m=audio} or {@code m=video} (RFC 3264 offer/answer). */
  AUDIO_VIDEO,
  /** A conference: the INVITE comes from a focus, whose Contact carries {@code isfocus} (RFC 4579). */
  CONFERENCE,
  /**
   * An application session: SDP {@code m=application}, or a body of a content type registered
   * with {@link SessionManager#registerApplicationContentType}.
   */
  APPLICATION
}
