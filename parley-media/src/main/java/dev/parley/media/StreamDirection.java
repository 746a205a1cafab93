package dev.parley.media;

/**
 * The direction of an audio stream, as negotiated by SDP (RFC 3264 section 5.1: {@code a=sendrecv},
 * {@code a=sendonly}, {@code a=recvonly}, {@code a=inactive}), seen from our side.
 *
 * <p>Putting a call on hold is {@link #SENDONLY} (music on hold still goes out) or
 * {@link #INACTIVE}; resuming is {@link #SENDRECV}. A direction without sending sends no RTP at
 * all (RFC 3264 section 5.1), while RTCP goes on.
 */
public enum StreamDirection {
  /** We send and receive. */
  SENDRECV(true, true),
  /** We send only (we hold the peer, or the peer holds us). */
  SENDONLY(true, false),
  /** We receive only. */
  RECVONLY(false, true),
  /** Neither: no RTP either way, RTCP only. */
  INACTIVE(false, false);

  private final boolean sends;
  private final boolean receives;

  StreamDirection(boolean sends, boolean receives) {
    this.sends = sends;
    this.receives = receives;
  }

  /** Whether RTP is sent in this direction. */
  public boolean sends() {
    return sends;
  }

  /** Whether RTP is expected from the peer in this direction. */
  public boolean receives() {
    return receives;
  }
}
