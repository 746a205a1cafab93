package dev.parley.media;

import dev.parley.sdp.Connection;
import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.Rtpmap;
import dev.parley.sdp.SessionDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link AudioOffers} and {@link StreamParameters} share: reading the audio payload types of
 * an m= line as Parley's codecs, the attribute names of RFC 5761, and the m-line names used in
 * error messages. Stateless.
 */
final class NegotiationSdp {
  /** {@code a=rtcp-mux} (RFC 5761 §5.1.1). */
  static final String RTCP_MUX = "rtcp-mux";

  private NegotiationSdp() {}

  /** Whether an m= line is audio over a profile we take: RTP/AVP or RTP/AVPF (no SRTP yet). */
  static boolean isPlainRtpAudio(MediaDescription m) {
    return isPlainRtpAudio(m.media(), m.proto());
  }

  /** {@link #isPlainRtpAudio(MediaDescription)} of a line's media and proto. */
  static boolean isPlainRtpAudio(String media, String proto) {
    String upper = proto.toUpperCase(Locale.ROOT);
    return media.equalsIgnoreCase(MediaDescription.AUDIO)
        && (upper.equals(MediaDescription.RTP_AVP) || upper.equals(MediaDescription.RTP_AVPF));
  }

  /**
   * The payload types of {@code m} that name a codec Parley knows, in the m= line's order, each
   * with its codec: {@code a=rtpmap} by encoding name and clock rate (Opus must say 2 channels,
   * RFC 7587 §7), a static payload type without rtpmap by its RFC 3551 number.
   */
  static Map<Integer, Codecs.Entry> knownFormats(MediaDescription m) {
    Map<Integer, Codecs.Entry> out = new LinkedHashMap<>();
    for (Rtpmap r : m.formatsWithRtpmap()) {
      Optional<Codecs.Entry> e = Codecs.find(r);
      if (e.isPresent() && (e.get().isTelephoneEvent() || r.channels() == e.get().channels())) {
        out.putIfAbsent(r.payloadType(), e.get());
      }
    }
    return out;
  }

  /** The first connection address in effect for {@code m}, or throws naming the m-line. */
  static String connectionAddress(SessionDescription sdp, int index, String whose) {
    MediaDescription m = sdp.media().get(index);
    List<Connection> c = sdp.connections(m);
    if (c.isEmpty()) {
      throw new IllegalArgumentException(whose + " m-line " + index + " (" + describe(m)
          + ") has no c= line, at media or session level (RFC 8866 §5.7)");
    }
    return c.get(0).address();
  }

  /** Whether {@code address} is the unspecified address, the RFC 2543 hold form (RFC 3264 §8.4). */
  static boolean isUnspecified(String address) {
    return address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
  }

  /**
   * The direction that answers {@code offered} when we would do {@code ours} (RFC 3264 §6.1): we
   * send only if we want to and the offerer receives, we receive only if we want to and it sends.
   * Also the direction in effect for one side given both descriptions (RFC 3264 §8.4).
   */
  static Direction answerDirection(Direction ours, Direction offered) {
    boolean send = ours.isSending() && offered.isReceiving();
    boolean receive = ours.isReceiving() && offered.isSending();
    return of(send, receive);
  }

  /** The direction of a side that does or does not send and receive. */
  static Direction of(boolean send, boolean receive) {
    return send && receive ? Direction.SENDRECV : send ? Direction.SENDONLY
        : receive ? Direction.RECVONLY : Direction.INACTIVE;
  }

  /** {@code audio 49170 RTP/AVP 0 8}: an m= line as written, for messages. */
  static String describe(MediaDescription m) {
    return m.media() + " " + m.port() + " " + m.proto() + " " + String.join(" ", m.formats());
  }
}
