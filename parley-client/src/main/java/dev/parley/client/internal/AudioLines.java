package dev.parley.client.internal;

import dev.parley.media.RtpSocket;
import dev.parley.media.StreamParameters;
import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.SipUri;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio line of a session's SDP for {@link SessionAudio}: the values ours gives (direction
 * on hold and when muted, the address and RTCP port of our RTP socket) and the audio line an
 * exchange runs.
 */
final class AudioLines {
  /** SessionAudio's logger, as before these helpers were split out of it. */
  private static final Logger LOG = LoggerFactory.getLogger(SessionAudio.class);

  private AudioLines() {}

  /**
   * The direction of our audio in a description we make now, on hold or not
   * ({@code muted}: recvonly, or inactive on hold), before the peer's answer narrows it.
   */
  static Direction directionOf(boolean hold, boolean muted) {
    return hold ? (muted ? Direction.INACTIVE : Direction.SENDONLY)
        : (muted ? Direction.RECVONLY : Direction.SENDRECV);
  }

  /** The address our SDP gives: the socket's, or the contact's when it binds every address. */
  static String address(RtpSocket s, SipUri contact) {
    InetSocketAddress a = s.localRtpAddress();
    if (!a.getAddress().isAnyLocalAddress()) {
      return a.getAddress().getHostAddress();
    }
    String host = contact.host();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The RTCP port our SDP gives: 0 when RTCP is muxed with RTP or there is none. */
  static int rtcpPort(RtpSocket s) {
    InetSocketAddress rtcp = s.localRtcpAddress();
    return rtcp == null || s.rtcpMux() ? 0 : rtcp.getPort();
  }

  /** The first audio line the exchange runs, or null when it runs none. */
  static StreamParameters audioParameters(SessionDescription ours,
      SessionDescription theirs, boolean localIsOfferer) {
    int n = Math.min(ours.media().size(), theirs.media().size());
    StreamParameters refused = null;
    for (int i = 0; i < n; i++) {
      if (!ours.media().get(i).media().equals(MediaDescription.AUDIO)) {
        continue; // a conference's m=message
      }
      try {
        StreamParameters p = StreamParameters.of(ours, theirs, localIsOfferer, i);
        if (!p.rejected()) {
          return p;
        }
        if (refused == null) {
          refused = p;
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("audio line {} of the exchange cannot run: {}", i, e.getMessage());
      }
    }
    return refused;
  }
}
